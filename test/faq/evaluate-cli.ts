// Scores the shipped FAQ on one labelled JSON set and prints the figures per language and per
// style: `npm run faq:evaluate -- <set.json> [--misses]` (a bare name is read from sets/).
import { toMarkdown } from "../bench/report.ts";
import { evaluateSet, loadSet, scoreRows } from "./evaluate.ts";
import { projectFaq } from "./setup.ts";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--")) ?? process.env.FAQ_SET;
if (file === undefined) {
  process.stderr.write("usage: npm run faq:evaluate -- <set.json> [--misses]\n");
  process.exit(2);
}
const score = evaluateSet(projectFaq().faq, loadSet(file));
process.stdout.write(toMarkdown([{ title: `FAQ accuracy on ${file}`, rows: scoreRows(score) }]));
if (args.includes("--misses")) process.stdout.write(`\n${score.misses.join("\n")}\n`);
