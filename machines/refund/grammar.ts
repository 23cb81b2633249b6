/**
 * How customers write dates and amounts, language by language: the words come
 * from each language's `input` section in `locales/<lang>/conversation.json`
 * and are handed over once at start (`useLanguages`), so adding a language is
 * adding its folder. Dates and amounts are read with the words of every
 * language (a customer may type "ayer" in an English chat); only the decimal
 * separator and the order of a slashed date depend on the chat's language.
 */
import { z } from "zod";

/** Words are matched against lower-cased, NFC-normalised text. */
const word = z
  .string()
  .min(1)
  .transform((w) => w.normalize("NFC").toLowerCase());
const words = z.array(word);

export const inputWordsSchema = z.object({
  /** words for "N days back": today, yesterday… (keys are the number of days) */
  daysBack: z.record(z.string().regex(/^\d+$/), words),
  /** "# days ago" patterns; # stands for the number */
  daysAgo: z.array(word.pipe(z.string().includes("#"))),
  /** month names and abbreviations, keyed 1 to 12 */
  months: z.record(z.string().regex(/^(?:[1-9]|1[0-2])$/), words),
  timePrefixes: words,
  hourSuffixes: words,
  yearSuffixes: words,
  ordinalSuffixes: words,
  /** small words between day, month and year ("12 de noviembre de 2026") */
  dateConnectors: words,
  /** currency words by ISO 4217 code */
  currencies: z.record(z.string().regex(/^[A-Z]{3}$/), words),
  decimalSeparator: z.enum([".", ","]),
  /** "either": 05/11 may be day-first or month-first (asked back when both fit) */
  slashDates: z.enum(["dayFirst", "either"]),
});
export type InputWords = z.infer<typeof inputWordsSchema>;

export interface Grammar {
  readonly languages: readonly string[];
  readonly daysBack: ReadonlyMap<string, number>;
  readonly daysAgo: readonly RegExp[];
  readonly months: ReadonlyMap<string, number>;
  /** a time at the end of a date: "… at 14:30", "… в 14:30 ч" */
  readonly trailingTime: RegExp;
  /** an hour suffix at the end of a time: "14h", "14 ч" */
  readonly hourSuffix: RegExp;
  readonly yearSuffix: RegExp;
  /** "12 November 2026", "12 de noviembre de 2026" */
  readonly dayMonthYear: RegExp;
  /** "November 12, 2026", "Nov 12th" */
  readonly monthDayYear: RegExp;
  readonly currencies: ReadonlyMap<string, string>;
  decimalSeparator(lang: string): "." | ",";
  slashDates(lang: string): "dayFirst" | "either";
}

/** Currency symbols are the same in every language. */
const CURRENCY_SYMBOLS: Record<string, string> = {
  $: "USD",
  us$: "USD",
  "€": "EUR",
  "£": "GBP",
  "₽": "RUB",
  "₴": "UAH",
  "₸": "KZT",
};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Longest first, so that "a las" wins over "a la". */
const alternatives = (list: readonly string[]) =>
  [...new Set(list)]
    .sort((a, b) => b.length - a.length)
    .map((w) => escapeRe(w).replace(/ /g, "\\s+"))
    .join("|");
const optionalGroup = (list: readonly string[], after = "") =>
  list.length === 0 ? "" : `(?:(?:${alternatives(list)})${after})?`;

function build(byLanguage: Record<string, InputWords>): Grammar {
  const all = Object.values(byLanguage);
  const flat = (pick: (w: InputWords) => readonly string[]) => all.flatMap(pick);
  const daysBack = new Map<string, number>();
  const months = new Map<string, number>();
  const currencies = new Map<string, string>(Object.entries(CURRENCY_SYMBOLS));
  for (const w of all) {
    for (const [n, list] of Object.entries(w.daysBack))
      for (const x of list) daysBack.set(x, Number(n));
    for (const [n, list] of Object.entries(w.months))
      for (const x of list) months.set(x, Number(n));
    for (const [code, list] of Object.entries(w.currencies))
      for (const x of list) currencies.set(x, code);
  }
  const daysAgo = flat((w) => w.daysAgo).map(
    (p) => new RegExp(`^${escapeRe(p).replace("#", "(\\d{1,3})").replace(/ /g, "\\s+")}$`, "u"),
  );
  const hours = flat((w) => w.hourSuffixes);
  const connector = optionalGroup(
    flat((w) => w.dateConnectors),
    " ",
  );
  const ordinal = optionalGroup(flat((w) => w.ordinalSuffixes));
  return {
    languages: Object.keys(byLanguage),
    daysBack,
    daysAgo,
    months,
    trailingTime: new RegExp(
      `(?:^|[\\s,t])${optionalGroup(
        flat((w) => w.timePrefixes),
        "\\s+",
      )}(\\d{1,2}):(\\d{2})(?:\\s*(?:${alternatives(hours)}))?\\s*$`,
      "u",
    ),
    hourSuffix: new RegExp(`\\s*(?:${alternatives(hours)})$`, "u"),
    yearSuffix: new RegExp(` ?(?:${alternatives(flat((w) => w.yearSuffixes)) || "(?!)"})$`, "u"),
    dayMonthYear: new RegExp(
      `^(\\d{1,2}) ${connector}(\\p{L}+)\\.?(?:,? ${connector}(\\d{4}))?$`,
      "u",
    ),
    monthDayYear: new RegExp(`^(\\p{L}+)\\.? (\\d{1,2})${ordinal}(?:,? (\\d{4}))?$`, "u"),
    currencies,
    decimalSeparator: (lang) => byLanguage[lang]?.decimalSeparator ?? ".",
    slashDates: (lang) => byLanguage[lang]?.slashDates ?? "dayFirst",
  };
}

let current: Grammar | undefined;

/**
 * Hands the machine each language's input words (the program does it once
 * at start from locales/; the tests' setup does the same). Throws on words
 * that are not of the expected shape, naming the language.
 */
export function useLanguages(byLanguage: Record<string, unknown>): Grammar {
  const parsed: Record<string, InputWords> = {};
  for (const [lang, w] of Object.entries(byLanguage)) {
    const r = inputWordsSchema.safeParse(w);
    if (!r.success) throw new Error(`input words of "${lang}": ${z.prettifyError(r.error)}`);
    parsed[lang] = r.data;
  }
  current = build(parsed);
  return current;
}

export function grammar(): Grammar {
  if (current === undefined) throw new Error("no languages: call useLanguages() at start");
  return current;
}
