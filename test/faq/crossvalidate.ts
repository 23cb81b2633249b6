// How well the matcher generalises to phrasings it was not trained on, without a labelled set:
// each entry's phrasings, and the off-topic questions, are split into five folds; each fold in
// turn is left out of every language's faq.json, the FAQ is built from the rest and asked the
// left-out phrasings (the off-topic ones must be declined).
// `npm run faq:crossvalidate`. Styles here are by length: short (1–3 words), long (over 110
// characters), other.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createFaqFromLocales, type FaqOptions } from "../../src/faq/index.ts";
import { toMarkdown } from "../bench/report.ts";
import {
  evaluateSet,
  type LabelledCase,
  type SetScore,
  scoreRows,
  type Tally,
} from "./evaluate.ts";
import { localesDir } from "./setup.ts";

const FOLDS = 5;
/** Settings to try, as JSON (FaqOptions), so that a choice is made here and not on a test set. */
const options = JSON.parse(process.env.FAQ_OPTIONS ?? "{}") as FaqOptions;

const styleOf = (text: string): string =>
  text.split(/\s+/).length <= 3 ? "short" : text.length > 110 ? "long" : "other";

function addTally(into: Tally, t: Tally): void {
  for (const k of Object.keys(t) as (keyof Tally)[]) into[k] += t[k];
}

function addScore(into: SetScore, s: SetScore): void {
  addTally(into.all, s.all);
  for (const [from, to] of [
    [s.byLanguage, into.byLanguage],
    [s.byStyle, into.byStyle],
  ] as const) {
    for (const [key, t] of from) {
      const have = to.get(key);
      if (have === undefined) to.set(key, { ...t });
      else addTally(have, t);
    }
  }
  into.misses.push(...s.misses);
}

const languages = ["en", "ru", "uk", "es"];
const read = (lang: string) =>
  JSON.parse(readFileSync(path.join(localesDir, lang, "faq.json"), "utf8")) as {
    entries: Record<string, { phrasings: string[] }>;
    offTopic: string[];
  };

let total: SetScore | undefined;
for (let fold = 0; fold < FOLDS; fold++) {
  const held: LabelledCase[] = [];
  const locales: Record<string, unknown> = {};
  for (const lang of languages) {
    const faq = read(lang);
    for (const [id, entry] of Object.entries(faq.entries)) {
      entry.phrasings = entry.phrasings.filter((text, i) => {
        if (i % FOLDS !== fold) return true;
        held.push({ lang, style: styleOf(text), text, expected: id });
        return false;
      });
    }
    faq.offTopic = faq.offTopic.filter((text, i) => {
      if (i % FOLDS !== fold) return true;
      held.push({ lang, style: "off topic", text, expected: "out_of_scope" });
      return false;
    });
    locales[lang] = faq;
  }
  const score = evaluateSet(createFaqFromLocales(locales, options), held);
  if (total === undefined) total = score;
  else addScore(total, score);
}
if (total !== undefined) {
  process.stdout.write(
    toMarkdown([
      { title: `FAQ phrasings, ${FOLDS}-fold cross-validation`, rows: scoreRows(total) },
    ]),
  );
  if (process.argv.includes("--misses")) process.stdout.write(`\n${total.misses.join("\n")}\n`);
}
