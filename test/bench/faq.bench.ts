// FAQ matcher: accuracy per language on the labelled sets, out-of-scope precision, index build
// time and lookup latency, and the same accuracy with stemming or fuzzy search switched off.
import path from "node:path";
import { createFaq, type Faq, type FaqOptions } from "../../src/faq/index.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { BLIND_OUT_OF_SCOPE, BLIND_SET } from "../faq/blind-set.ts";
import { EVAL_SET, OUT_OF_SCOPE } from "../faq/eval-set.ts";
import { EVAL_LANGUAGES, type EvalLanguage, evaluate } from "../faq/evaluate.ts";
import { FRESH_OUT_OF_SCOPE, FRESH_SET } from "../faq/fresh-set.ts";
import { HELD_OUT_OUT_OF_SCOPE, HELD_OUT_SET } from "../faq/held-out-set.ts";
import { HOLDOUT_OUT_OF_SCOPE, HOLDOUT_SET } from "../faq/holdout-set.ts";
import { type BenchSection, ms, percentiles, sample } from "./report.ts";

const localesDir = path.resolve(import.meta.dirname, "../../locales");
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

const SETS = [
  { name: "tuning", cases: EVAL_SET, oos: OUT_OF_SCOPE },
  { name: "second", cases: HELD_OUT_SET, oos: HELD_OUT_OUT_OF_SCOPE },
  { name: "blind", cases: BLIND_SET, oos: BLIND_OUT_OF_SCOPE },
  { name: "holdout", cases: HOLDOUT_SET, oos: HOLDOUT_OUT_OF_SCOPE },
  { name: "fresh (never tuned against)", cases: FRESH_SET, oos: FRESH_OUT_OF_SCOPE },
] as const;

function accuracyRows(faq: Faq) {
  const rows: Record<string, string | number>[] = [];
  for (const set of SETS) {
    for (const lang of EVAL_LANGUAGES) {
      const s = evaluate(faq, lang, set.cases[lang], set.oos[lang]);
      rows.push({
        set: set.name,
        language: lang,
        questions: s.questions,
        "top-1": pct(s.top1),
        answered: pct(s.answered),
        "answered or suggested": pct(s.answeredOrSuggested),
        "right language": pct(s.languageRight),
        "out-of-scope questions": s.outOfScopeQuestions,
        "o-o-s precision": pct(s.outOfScopePrecision),
        "o-o-s recall": pct(s.outOfScopeRecall),
      });
    }
  }
  return rows;
}

function pooledTop1(faq: Faq, lang: EvalLanguage): number {
  let right = 0;
  let n = 0;
  for (const set of SETS) {
    const s = evaluate(faq, lang, set.cases[lang], set.oos[lang]);
    right += s.top1 * s.questions;
    n += s.questions;
  }
  return right / n;
}

export async function bench(): Promise<BenchSection[]> {
  const i18n = createI18n({ localesDir, fallbackLanguage: "en" });
  const faq = createFaq(i18n);

  const build = percentiles(await sample(20, () => createFaq(i18n)));
  const load = percentiles(
    await sample(10, () => createFaq(createI18n({ localesDir, fallbackLanguage: "en" }))),
  );

  const latencyRows: Record<string, string | number>[] = [];
  for (const lang of EVAL_LANGUAGES) {
    const questions = [
      ...EVAL_SET[lang].map((c) => c.text),
      ...OUT_OF_SCOPE[lang],
      ...HELD_OUT_SET[lang].map((c) => c.text),
      ...BLIND_SET[lang].map((c) => c.text),
      ...HOLDOUT_SET[lang].map((c) => c.text),
    ];
    for (const q of questions) faq.match(q); // warm-up
    const times = await sample(questions.length * 50, (i) =>
      faq.match(questions[i % questions.length] ?? "", { userLanguage: "en" }),
    );
    const p = percentiles(times);
    latencyRows.push({
      language: lang,
      lookups: times.length,
      "p50 ms": ms(p.p50),
      "p99 ms": ms(p.p99),
      "mean ms": ms(p.mean),
    });
  }

  const variants: [string, FaqOptions][] = [
    ["shipped: Snowball stemming (uk: hand-written) + prefix/fuzzy + whole-entry score", {}],
    ["phrasings only (no whole-entry score)", { entryWeight: 0 }],
    ["hand-written light stemmers + prefix/fuzzy", { stemmer: "light" }],
    ["no stemming", { stemming: false }],
    ["no prefix/fuzzy", { fuzzy: false }],
    ["neither", { stemming: false, fuzzy: false }],
  ];
  const variantRows = variants.map(([name, options]) => {
    const f = createFaq(i18n, options);
    const row: Record<string, string | number> = { "MiniSearch set-up": name };
    for (const lang of EVAL_LANGUAGES) row[`top-1 ${lang}`] = pct(pooledTop1(f, lang));
    return row;
  });

  return [
    {
      title: "FAQ accuracy",
      rows: accuracyRows(faq),
      notes: [
        "top-1: the best-ranked entry (the answer, or the first suggestion) is the labelled one, in the question's language; answered: answered outright with it. The chat's language is set to another language than the question's.",
        'tuning: the set the FAQ wording and thresholds were tuned on. second: written after tuning; measured blind once (top-1 en 85.7 %, ru 64.3 %, uk 71.4 %, es 92.9 %), then phrasings were added for the kinds of miss it showed, so it is no longer blind. blind: written last, never tuned against; before the generalisation work (Snowball stemmers, richer phrasings and keywords) it measured top-1 en 83.3 %, ru/uk/es 66.7 %, and it was measured once after it; one out-of-scope miss it then showed ("how many…") led to "many"/"much" becoming English stop words, so it is no longer fully blind. holdout: 26 questions and 6 out-of-scope ones per language written before that work, never tuned against; baseline top-1 en 80.8 %, ru 100 %, uk 100 %, es 92.3 %. Its author also wrote the new phrasings, so new phrasings too close to it (token overlap ≥ 0.4) were removed; its after-figures still flatter. All four sets were then development data for issue #6 (whole-entry score, synonyms, n-gram language guess, more phrasings; before it top-1 blind en 75 %, ru 66.7 %, uk 75 %, es 83.3 %): none of them is blind any more. fresh: 30 questions and 8 out-of-scope ones per language by a second author who read only the policy and the entry ids (never the wording of the FAQ or the other sets), unseen by whoever tuned the matcher, measured once after that work and never tuned against: the honest estimate.',
      ],
    },
    {
      title: "FAQ speed",
      rows: [
        {
          what: "index build (4 languages, from loaded locales)",
          "p50 ms": ms(build.p50),
          "p99 ms": ms(build.p99),
        },
        { what: "load locales + build index", "p50 ms": ms(load.p50), "p99 ms": ms(load.p99) },
        ...latencyRows.map((r) => ({
          what: `lookup, ${r.language} (${r.lookups})`,
          "p50 ms": r["p50 ms"] ?? "",
          "p99 ms": r["p99 ms"] ?? "",
        })),
      ],
    },
    {
      title: "FAQ matcher set-ups (top-1 over all four sets)",
      rows: variantRows,
      notes: [
        "Only Orama's stemmers are installed (@orama/stemmers, Apache-2.0, no dependencies, 416 kB packed): MiniSearch uses its Snowball ports for ru/es/en; its Ukrainian port leaves verb endings on (повертають → повертают), so uk keeps the hand-written stemmer. Orama (3.1) itself and FlexSearch (0.8) were compared on documentation, not run: Orama has BM25 and typo tolerance but its search API is async-capable and heavier; FlexSearch's encoders are Latin-oriented (no ru/uk stemming) and it ranks by term resolution, not BM25, which gives no score to set a confidence threshold on.",
      ],
    },
  ];
}
