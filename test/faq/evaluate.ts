// Scores the FAQ matcher on a labelled set (a JSON file, see sets/README.md), per language and
// per style; shared by the accuracy tests, the benchmark and `npm run faq:evaluate`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Faq, FaqMatch } from "../../src/faq/index.ts";

export const setsDir = path.resolve(import.meta.dirname, "sets");

const labelledCase = z.object({
  lang: z.string().min(2),
  style: z.string().min(1),
  text: z.string(),
  /** An entry id, "out_of_scope" or "smalltalk". */
  expected: z.string().min(1),
});

export type LabelledCase = z.infer<typeof labelledCase>;

/** Reads and checks a labelled set; a bare file name is taken from test/faq/sets/. */
export function loadSet(file: string): LabelledCase[] {
  const full = path.basename(file) === file ? path.join(setsDir, file) : path.resolve(file);
  const parsed = z.array(labelledCase).safeParse(JSON.parse(readFileSync(full, "utf8")));
  if (!parsed.success) throw new Error(`${full}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Counts over one group of cases (a language, a style, or all). */
export interface Tally {
  /** Questions labelled with an entry. */
  questions: number;
  /** …answered outright with that entry, in the question's language. */
  answeredRight: number;
  /** …whose first-ranked entry (the answer or the first suggestion) is that entry. */
  firstRight: number;
  /** …answered outright with another entry: the worst mistake. */
  wrongAnswered: number;
  /** …answered in the question's language. */
  languageRight: number;
  /** Questions labelled "out_of_scope". */
  outOfScope: number;
  /** …answered outright with some entry. */
  outOfScopeAnswered: number;
  /** …declined (the out-of-scope reply). */
  outOfScopeDeclined: number;
  /** Messages labelled "smalltalk" (greetings, thanks, help). */
  smalltalk: number;
  /** …given the small-talk reply. */
  smalltalkRight: number;
}

export interface SetScore {
  all: Tally;
  byLanguage: Map<string, Tally>;
  byStyle: Map<string, Tally>;
  misses: string[];
}

const emptyTally = (): Tally => ({
  questions: 0,
  answeredRight: 0,
  firstRight: 0,
  wrongAnswered: 0,
  languageRight: 0,
  outOfScope: 0,
  outOfScopeAnswered: 0,
  outOfScopeDeclined: 0,
  smalltalk: 0,
  smalltalkRight: 0,
});

const answered = (m: FaqMatch): string | undefined =>
  m.kind === "answer" || m.kind === "handoff" ? m.entryId : undefined;

// The chat's language is deliberately another one: the question's language must win.
const OTHER: Record<string, string> = { en: "ru", ru: "en", uk: "ru", es: "en" };

function describeMatch(m: FaqMatch): string {
  switch (m.kind) {
    case "answer":
    case "handoff":
      return `${m.kind} ${m.entryId} (${m.language})`;
    case "suggestions":
      return `suggestions ${m.entryIds.join(",")} (${m.language})`;
    case "smalltalk":
      return `smalltalk ${m.topic} (${m.language})`;
    case "out_of_scope":
      return `out_of_scope (${m.language})`;
  }
}

export function evaluateSet(faq: Faq, cases: readonly LabelledCase[]): SetScore {
  const all = emptyTally();
  const byLanguage = new Map<string, Tally>();
  const byStyle = new Map<string, Tally>();
  const misses: string[] = [];
  const group = (map: Map<string, Tally>, key: string): Tally => {
    let t = map.get(key);
    if (t === undefined) {
      t = emptyTally();
      map.set(key, t);
    }
    return t;
  };
  for (const c of cases) {
    const m = faq.match(c.text, { userLanguage: OTHER[c.lang] ?? "en" });
    const tallies = [all, group(byLanguage, c.lang), group(byStyle, c.style)];
    const add = (field: keyof Tally) => {
      for (const t of tallies) t[field]++;
    };
    const got = answered(m);
    let right: boolean;
    if (c.expected === "out_of_scope") {
      add("outOfScope");
      if (got !== undefined) add("outOfScopeAnswered");
      right = m.kind === "out_of_scope";
      if (right) add("outOfScopeDeclined");
    } else if (c.expected === "smalltalk") {
      add("smalltalk");
      right = m.kind === "smalltalk" && m.language === c.lang;
      if (right) add("smalltalkRight");
    } else {
      add("questions");
      const sameLanguage = m.language === c.lang;
      if (sameLanguage) add("languageRight");
      const first = got ?? (m.kind === "suggestions" ? m.entryIds[0] : undefined);
      if (first === c.expected && sameLanguage) add("firstRight");
      right = got === c.expected && sameLanguage;
      if (right) add("answeredRight");
      if (got !== undefined && got !== c.expected) add("wrongAnswered");
    }
    if (!right) {
      misses.push(`[${c.lang} ${c.style}] ${c.text} → ${describeMatch(m)}, want ${c.expected}`);
    }
  }
  return { all, byLanguage, byStyle, misses };
}

/** A share, 0 when there is nothing to share. */
export const rate = (n: number, of: number): number => (of === 0 ? 0 : n / of);

const pct = (n: number, of: number): string =>
  of === 0 ? "—" : `${((100 * n) / of).toFixed(1)} %`;

/** One table row of a tally, for the benchmark report and the command line. */
export function tallyRow(label: string, t: Tally): Record<string, string | number> {
  return {
    group: label,
    questions: t.questions,
    "answered right": pct(t.answeredRight, t.questions),
    "first-ranked right": pct(t.firstRight, t.questions),
    "wrong answered": pct(t.wrongAnswered, t.questions),
    "right language": pct(t.languageRight, t.questions),
    "out of scope": t.outOfScope,
    "o-o-s answered": pct(t.outOfScopeAnswered, t.outOfScope),
    "o-o-s declined": pct(t.outOfScopeDeclined, t.outOfScope),
    "small talk": t.smalltalk,
    "small talk right": pct(t.smalltalkRight, t.smalltalk),
  };
}

/** The rows of a set's score: all, then each language, then each style. */
export function scoreRows(score: SetScore): Record<string, string | number>[] {
  return [
    tallyRow("all", score.all),
    ...[...score.byLanguage].map(([l, t]) => tallyRow(`language ${l}`, t)),
    ...[...score.byStyle].map(([s, t]) => tallyRow(`style ${s}`, t)),
  ];
}
