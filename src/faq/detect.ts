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

const UK_LETTERS = /[іїєґ]/;
const RU_LETTERS = /[ыэъё]/;
const ES_MARKS = /[ñ¿¡áéíóú]/;

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

/**
 * Cue words of each language: frequent there and not in the other language of its script
 * (`words.cues` in faq.json, normalised).
 */
export type Cues = ReadonlyMap<string, ReadonlySet<string>>;

function countCues(cues: Cues | undefined, lang: string, words: string[]): number {
  const set = cues?.get(lang);
  if (!set) return 0;
  let n = 0;
  for (const w of words) if (set.has(w)) n++;
  return n;
}

/**
 * Guesses the language of `text` among `languages`. Cyrillic with і/ї/є/ґ is Ukrainian,
 * with ы/э/ъ/ё Russian; Latin with ñ/¿/¡/accents is Spanish; otherwise the n-gram `model`
 * decides (unless the `cues` disagree), or without one the cue words, and
 * `preferred` (the user's setting) breaks ties.
 */
export function detectLanguage(
  text: string,
  languages: readonly string[],
  preferred?: string,
  model?: LanguageModel,
  cues?: Cues,
): LanguageGuess {
  const lower = languageSample(text).toLowerCase();
  const words = normalize(lower)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const cyrillic = (lower.match(/\p{Script=Cyrillic}/gu) ?? []).length;
  const latin = (lower.match(/\p{Script=Latin}/gu) ?? []).length;
  const has = (l: string): boolean => languages.includes(l);

  let group: string[];
  // A Cyrillic word makes it Russian or Ukrainian, whatever English words come with it
  // ("номер не работает 2 days"): nobody writing English or Spanish types Cyrillic.
  const cyrillicWord = /\p{Script=Cyrillic}{2}/u.test(lower);
  if (cyrillicWord || (cyrillic > 0 && cyrillic >= latin)) {
    if (has("uk") && UK_LETTERS.test(lower)) return { candidates: ["uk"], certain: true };
    if (has("ru") && RU_LETTERS.test(lower)) return { candidates: ["ru"], certain: true };
    group = ["ru", "uk"].filter(has);
  } else if (latin > 0) {
    if (has("es") && ES_MARKS.test(lower)) return { candidates: ["es"], certain: true };
    group = ["en", "es"].filter(has);
  } else {
    group = [];
  }

  const others = cyrillicWord ? [] : languages.filter((l) => !group.includes(l));
  const byModel = model ? model.score(lower, group) : [];
  const [likeliest, runnerUp] = byModel;
  if (likeliest && runnerUp) {
    // The n-gram profiles decide unless the cue words point elsewhere; a wide margin
    // (every labelled question above it was right) settles the language without the index.
    const cuesFirst = countCues(cues, likeliest.lang, words);
    const cuesSecond = countCues(cues, runnerUp.lang, words);
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
    .map((lang) => ({ lang, n: countCues(cues, lang, words) }))
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
): { language: string; text: string } | undefined {
  const lower = text.toLowerCase();
  if (!/[a-z]/.test(lower) || /\p{Script=Cyrillic}/u.test(lower) || ES_MARKS.test(lower)) {
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
