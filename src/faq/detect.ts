// Which language a question is written in, from its script, its letter sequences (the n-gram
// profiles of language-model.ts) and a few cue words. When that is not certain, the FAQ also
// asks which language's index matches best (see matcher.ts).
import type { LanguageModel } from "./language-model.ts";
import { normalize } from "./text.ts";
import { TRANSLITERATED_LANGUAGES, toCyrillic } from "./translit.ts";

export interface LanguageGuess {
  /** Languages the text may be in, most likely first (all of them when nothing tells). */
  candidates: string[];
  /** True when a cue settled it (a letter only one language uses, or clearly more cue words). */
  certain: boolean;
}

/**
 * What tells a language from the others (`words` in its faq.json): the script it is written in
 * (a Unicode script name), the letters and marks only it uses among the languages of that
 * script, and cue words, frequent in it and not in the others of its script (normalised).
 */
export interface LanguageTraits {
  script: string;
  letters: string;
  cues: ReadonlySet<string>;
}

export type Traits = ReadonlyMap<string, LanguageTraits>;

/** Scripts a language without `words` may be written in, to tell which from its FAQ's text. */
const SCRIPTS = ["Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Hebrew", "Arabic"];

/** The script most of `texts`' letters are in (the script of a language without `words`). */
export function scriptOf(texts: readonly string[]): string {
  const joined = texts.join(" ");
  let best = "Latin";
  let most = 0;
  for (const script of SCRIPTS) {
    const n = (joined.match(new RegExp(`\\p{Script=${script}}`, "gu")) ?? []).length;
    if (n > most) [best, most] = [script, n];
  }
  return best;
}

/** A language's traits from its `words`; without them, the script its FAQ is written in. */
export function languageTraits(
  words: { script: string; letters: string; cues: readonly string[] } | undefined,
  texts: () => readonly string[],
): LanguageTraits {
  return {
    script: words?.script ?? scriptOf(texts()),
    letters: words?.letters ?? "",
    cues: new Set((words?.cues ?? []).map(normalize)),
  };
}

const lettersOf = (letters: string) => new Set([...letters.toLowerCase()]);

/**
 * Average log-probability per n-gram by which the likeliest language must lead to be certain.
 * On the 246 labelled questions without a telling letter, every wrong guess led by under 0.18.
 */
const MODEL_CERTAIN_MARGIN = 0.25;

/**
 * How much better (average log-probability per n-gram) Latin text must read as Russian or
 * Ukrainian once turned into Cyrillic than as English or Spanish. On the development sets every
 * transliterated message led by 0.34 or more and every other Latin one trailed (at most -0.03).
 */
const TRANSLIT_MARGIN = 0.15;

/** The language of a long message is read from its start: these many characters tell it. */
const LANGUAGE_SAMPLE = 600;

/**
 * The start of a message as a sample of its language: runs of letters longer than any word
 * ("xxxxxxxx…") are left out, or their n-grams, unknown to every profile, decide alone.
 */
function languageSample(text: string): string {
  return text.slice(0, LANGUAGE_SAMPLE).replace(/\S{40,}/gu, " ");
}

function countCues(traits: Traits | undefined, lang: string, words: string[]): number {
  const set = traits?.get(lang)?.cues;
  if (!set) return 0;
  let n = 0;
  for (const w of words) if (set.has(w)) n++;
  return n;
}

/**
 * Guesses the language of `text` among `languages`. Its script narrows them to those written in
 * it, and a letter only one of them uses settles it (Cyrillic with і/ї/є/ґ is Ukrainian, with
 * ы/э/ъ/ё Russian; Latin with ñ/¿/¡/accents Spanish); otherwise the n-gram `model` decides
 * (unless the cue words disagree), or without one the cue words, and `preferred` (the user's
 * setting) breaks ties. Without `traits` every language is a candidate.
 */
export function detectLanguage(
  text: string,
  languages: readonly string[],
  preferred?: string,
  model?: LanguageModel,
  traits?: Traits,
): LanguageGuess {
  const lower = languageSample(text).toLowerCase();
  const words = normalize(lower)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const scriptOfLanguage = (l: string) => traits?.get(l)?.script;
  const scripts = [...new Set(languages.map(scriptOfLanguage))].filter(
    (x): x is string => x !== undefined,
  );
  const counts = scripts
    .map((script) => ({
      script,
      n: (lower.match(new RegExp(`\\p{Script=${script}}`, "gu")) ?? []).length,
      // A Cyrillic word makes it Russian or Ukrainian, whatever English words come with it
      // ("номер не работает 2 days"): nobody writing English or Spanish types Cyrillic.
      word: script !== "Latin" && new RegExp(`\\p{Script=${script}}{2}`, "u").test(lower),
    }))
    // Most letters first; on a tie, the script that is not Latin.
    .sort(
      (a, b) =>
        Number(b.word) - Number(a.word) ||
        b.n - a.n ||
        Number(b.script !== "Latin") - Number(a.script !== "Latin"),
    );
  const [written] = counts;
  const nonLatinWord = written?.word === true;

  let group: string[];
  if (traits === undefined) group = [...languages];
  else if (written === undefined || written.n === 0) group = [];
  else {
    group = languages.filter((l) => scriptOfLanguage(l) === written.script);
    const telling = group
      .map((lang) => {
        const own = lettersOf(traits.get(lang)?.letters ?? "");
        return { lang, n: [...lower].filter((c) => own.has(c)).length };
      })
      .filter((t) => t.n > 0)
      .sort((a, b) => b.n - a.n);
    if (telling[0] !== undefined) return { candidates: [telling[0].lang], certain: true };
  }

  const others = nonLatinWord ? [] : languages.filter((l) => !group.includes(l));
  const byModel = model ? model.score(lower, group) : [];
  const [likeliest, runnerUp] = byModel;
  if (likeliest && runnerUp) {
    // The n-gram profiles decide unless the cue words point elsewhere; a wide margin
    // (every labelled question above it was right) settles the language without the index.
    const cuesFirst = countCues(traits, likeliest.lang, words);
    const cuesSecond = countCues(traits, runnerUp.lang, words);
    if (cuesFirst >= cuesSecond) {
      const margin = likeliest.logProb - runnerUp.logProb;
      // Two function words of one language and none of the other settle it too: English words
      // in Spanish ("cuanto tarda el refund") do not make it English.
      return {
        candidates: [...byModel.map((s) => s.lang), ...others],
        certain: margin >= MODEL_CERTAIN_MARGIN || (cuesFirst >= 2 && cuesSecond === 0),
      };
    }
  }
  const scored = group
    .map((lang) => ({ lang, n: countCues(traits, lang, words) }))
    .sort((a, b) => b.n - a.n || rank(a.lang, preferred) - rank(b.lang, preferred));
  const [first, second] = scored;
  if (first && (!second || first.n > second.n)) {
    const certain = first.n > 0 && (!second || first.n >= second.n + 2 || second.n === 0);
    return { candidates: [...scored.map((s) => s.lang), ...others], certain };
  }
  const byPreference = (a: string, b: string) => rank(a, preferred) - rank(b, preferred);
  const ordered = [...group.sort(byPreference), ...others.sort(byPreference)];
  return { candidates: ordered, certain: false };
}

function rank(lang: string, preferred: string | undefined): number {
  return lang === preferred ? 0 : 1;
}

/**
 * Russian or Ukrainian typed in Latin letters ("a dengi na balanse ostalis?"): the text in
 * Cyrillic and its language, when it reads clearly better so than as English or Spanish.
 */
export function readTransliterated(
  text: string,
  languages: readonly string[],
  model: LanguageModel,
  traits?: Traits,
): { language: string; text: string } | undefined {
  const lower = text.toLowerCase();
  // A letter of another script, or one only a Latin-script language uses (ñ, á), is no
  // transliteration.
  const latinMarks = lettersOf(
    languages
      .filter((l) => traits?.get(l)?.script === "Latin")
      .map((l) => traits?.get(l)?.letters ?? "")
      .join(""),
  );
  if (
    !/[a-z]/.test(lower) ||
    /[^\P{L}\p{Script=Latin}]/u.test(lower) ||
    [...lower].some((c) => latinMarks.has(c))
  ) {
    return undefined;
  }
  const sample = languageSample(text);
  const latinLanguages = languages.filter((l) => !TRANSLITERATED_LANGUAGES.includes(l));
  const asLatin = model.score(sample, latinLanguages)[0]?.logProb ?? Number.NEGATIVE_INFINITY;
  let best: { language: string; logProb: number } | undefined;
  for (const language of TRANSLITERATED_LANGUAGES.filter((l) => languages.includes(l))) {
    const converted = toCyrillic(sample, language);
    const logProb = model.score(converted, [language])[0]?.logProb ?? Number.NEGATIVE_INFINITY;
    if (best === undefined || logProb > best.logProb) best = { language, logProb };
  }
  if (best === undefined || best.logProb < asLatin + TRANSLIT_MARGIN) return undefined;
  return { language: best.language, text: toCyrillic(text, best.language) };
}
