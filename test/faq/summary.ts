// One line per labelled set: answered right / first-ranked right / wrong answered / out of
// scope answered and declined / small talk right, for choosing settings across all the sets
// at once. `npm run faq:summary [-- set.json …]`; settings to try come as JSON in FAQ_OPTIONS
// (FaqOptions), so a choice can be checked on sets it was not tuned on.
import { readdirSync } from "node:fs";
import { createFaq, type FaqOptions } from "../../src/faq/index.ts";
import { evaluateSet, loadSet, rate, setsDir, type Tally } from "./evaluate.ts";
import { projectFaq } from "./setup.ts";

const files = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const sets = files.length > 0 ? files : readdirSync(setsDir).filter((f) => f.endsWith(".json"));
const options = JSON.parse(process.env.FAQ_OPTIONS ?? "{}") as FaqOptions;
const faq = createFaq(projectFaq().i18n, options);
const pct = (n: number, of: number) => (of === 0 ? "   —  " : `${(100 * rate(n, of)).toFixed(1)}`);
const line = (name: string, t: Tally) =>
  `${name.padEnd(24)} ${String(t.questions).padStart(4)}  right ${pct(t.answeredRight, t.questions)}  first ${pct(t.firstRight, t.questions)}  wrong ${pct(t.wrongAnswered, t.questions)}  oos ${t.outOfScopeAnswered}/${t.outOfScope} answered, ${pct(t.outOfScopeDeclined, t.outOfScope)} declined  small talk ${pct(t.smalltalkRight, t.smalltalk)}`;
for (const file of sets) {
  const score = evaluateSet(faq, loadSet(file));
  process.stdout.write(`${line(file, score.all)}\n`);
  if (process.argv.includes("--detail")) {
    for (const [k, t] of [...score.byLanguage, ...score.byStyle]) {
      process.stdout.write(`${line(`  ${k}`, t)}\n`);
    }
  }
  if (process.argv.includes("--misses")) process.stdout.write(`${score.misses.join("\n")}\n`);
}
