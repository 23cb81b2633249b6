// Scores the FAQ matcher on the labelled set; shared by the accuracy tests and the benchmark.
import type { Faq, FaqMatch } from "../../src/faq/index.ts";
import { EVAL_SET, type EvalCase, OUT_OF_SCOPE } from "./eval-set.ts";

export type EvalLanguage = keyof typeof EVAL_SET;
export const EVAL_LANGUAGES = Object.keys(EVAL_SET) as EvalLanguage[];

export interface LanguageScore {
  language: EvalLanguage;
  questions: number;
  /** Best-ranked entry is the labelled one (whatever the confidence). */
  top1: number;
  /** Answered outright with the labelled entry. */
  answered: number;
  /** Labelled entry answered or among the suggestions. */
  answeredOrSuggested: number;
  /** Answered in the language of the question. */
  languageRight: number;
  /** In-scope questions wrongly called out of scope. */
  wronglyOutOfScope: number;
  outOfScopeQuestions: number;
  /** Out-of-scope questions recognised as such. */
  outOfScopeRecall: number;
  /** Of everything called out of scope, the share that was. */
  outOfScopePrecision: number;
  /** Out-of-scope questions answered outright with some entry (the worst mistake). */
  outOfScopeAnswered: number;
  misses: string[];
}

const entryOf = (m: FaqMatch): string | undefined =>
  m.kind === "answer" || m.kind === "handoff" ? m.entryId : undefined;

// The user's setting is deliberately another language: the question's language must win.
const OTHER: Record<EvalLanguage, string> = { en: "ru", ru: "en", uk: "ru", es: "en" };

export function evaluate(
  faq: Faq,
  language: EvalLanguage,
  cases: EvalCase[] = EVAL_SET[language],
  oos: string[] = OUT_OF_SCOPE[language],
): LanguageScore {
  let top1 = 0;
  let answered = 0;
  let either = 0;
  let languageRight = 0;
  let wronglyOos = 0;
  const misses: string[] = [];
  for (const c of cases) {
    const m = faq.match(c.text, { userLanguage: OTHER[language] });
    if (m.language === language) languageRight++;
    const ranked = faq.rank(c.text, m.language).entries[0]?.entryId;
    const first =
      entryOf(m) ?? (m.kind === "suggestions" ? m.entryIds[0] : undefined) ?? ranked ?? "";
    if (first === c.expected && m.language === language) top1++;
    else misses.push(`${c.text} → ${m.kind} ${first} (${m.language}), want ${c.expected}`);
    if (entryOf(m) === c.expected) answered++;
    if (
      entryOf(m) === c.expected ||
      (m.kind === "suggestions" && m.entryIds.includes(c.expected))
    ) {
      either++;
    }
    if (m.kind === "out_of_scope") wronglyOos++;
  }
  let oosRight = 0;
  let oosAnswered = 0;
  for (const text of oos) {
    const m = faq.match(text, { userLanguage: OTHER[language] });
    if (m.kind === "out_of_scope") oosRight++;
    else misses.push(`[oos] ${text} → ${m.kind} ${entryOf(m) ?? ""}`);
    if (entryOf(m) !== undefined) oosAnswered++;
  }
  const calledOos = oosRight + wronglyOos;
  return {
    language,
    questions: cases.length,
    top1: top1 / cases.length,
    answered: answered / cases.length,
    answeredOrSuggested: either / cases.length,
    languageRight: languageRight / cases.length,
    wronglyOutOfScope: wronglyOos,
    outOfScopeQuestions: oos.length,
    outOfScopeRecall: oosRight / oos.length,
    outOfScopePrecision: calledOos === 0 ? 1 : oosRight / calledOos,
    outOfScopeAnswered: oosAnswered,
    misses,
  };
}
