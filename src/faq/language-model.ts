// Character n-gram profiles of each language, learnt from that language's own FAQ text when the
// FAQ starts. They tell apart languages that share a script when no letter settles it (Russian
// and Ukrainian without і/ї/є/ы/э, English and Spanish without accents): Ukrainian "коли",
// "рахунку", "працює" and Russian "когда", "счёт", "работает" differ in their letter sequences
// even where neither language's word lists know the word. Learning from locales/ keeps "add a
// folder" enough for a new language.
import { memoize } from "./memo.ts";
import { normalize } from "./text.ts";

/** Longest n-gram; 3 told the labelled questions' languages apart best (2 and 4 were worse). */
const MAX_N = 3;
/** Add-k smoothing, so an n-gram a language never showed costs much but not everything. */
const SMOOTHING = 0.5;

export interface LanguageModel {
  /** Average log-probability per n-gram of `text` under each language, best first. */
  score(text: string, languages: readonly string[]): { lang: string; logProb: number }[];
}

function wordsOf(text: string): string[] {
  return normalize(text)
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length > 0);
}

/** The 1…MAX_N-grams of a word, padded with a space on each side to mark its edges. */
function ngrams(word: string): string[] {
  const out: string[] = [];
  const padded = ` ${word} `;
  for (let n = 1; n <= MAX_N; n++) {
    for (let i = 0; i + n <= padded.length; i++) {
      const g = padded.slice(i, i + n);
      if (g !== " ") out.push(g);
    }
  }
  return out;
}

interface Profile {
  counts: Map<string, number>;
  /** Total count of n-grams of each length (index n). */
  totals: number[];
  /** Distinct n-grams of each length: the smoothing's vocabulary size. */
  distinct: number[];
}

function profile(texts: readonly string[]): Profile {
  const counts = new Map<string, number>();
  const totals = new Array<number>(MAX_N + 1).fill(0);
  const distinct = new Array<number>(MAX_N + 1).fill(0);
  for (const g of texts.flatMap(wordsOf).flatMap(ngrams)) {
    const c = counts.get(g) ?? 0;
    if (c === 0) distinct[g.length] = (distinct[g.length] ?? 0) + 1;
    counts.set(g, c + 1);
    totals[g.length] = (totals[g.length] ?? 0) + 1;
  }
  return { counts, totals, distinct };
}

/** Learns one profile per language from its texts. */
export function trainLanguageModel(
  textsByLanguage: Record<string, readonly string[]>,
): LanguageModel {
  const languages = Object.keys(textsByLanguage);
  const profiles = languages.map((lang) => profile(textsByLanguage[lang] ?? []));
  // One vocabulary size per n for all languages, so that an n-gram none of them saw costs the
  // same everywhere and only the n-grams some language knows decide.
  const vocabulary = new Array<number>(MAX_N + 1).fill(0);
  for (const p of profiles) {
    for (let n = 1; n <= MAX_N; n++) vocabulary[n] = (vocabulary[n] ?? 0) + (p.distinct[n] ?? 0);
  }
  /** The smoothed log-probability of an n-gram of length `n` seen `count` times in profile `p`. */
  const logProb = (p: Profile, count: number, n: number) =>
    Math.log((count + SMOOTHING) / ((p.totals[n] ?? 0) + SMOOTHING * (vocabulary[n] ?? 1)));
  // Each n-gram's log-probability in every language at once, computed here: a text is scored
  // with one lookup per n-gram for all languages.
  const unseen = Array.from({ length: MAX_N + 1 }, (_, n) =>
    Float64Array.from(profiles, (p) => logProb(p, 0, n)),
  );
  const logProbs = new Map<string, Float64Array>();
  for (const p of profiles) {
    for (const g of p.counts.keys()) {
      if (!logProbs.has(g)) {
        logProbs.set(
          g,
          Float64Array.from(profiles, (q) => logProb(q, q.counts.get(g) ?? 0, g.length)),
        );
      }
    }
  }
  // A word's n-grams' log-probabilities summed per language, and how many there are: a text's
  // score adds up its words'.
  const wordScore = memoize((word: string) => {
    const grams = ngrams(word);
    const sums = new Float64Array(languages.length);
    for (const g of grams) {
      const row = logProbs.get(g) ?? unseen[g.length];
      if (row === undefined) continue;
      for (let l = 0; l < sums.length; l++) sums[l] = (sums[l] ?? 0) + (row[l] ?? 0);
    }
    return { sums, grams: grams.length };
  });
  return {
    score(text, wanted) {
      const sums = new Float64Array(languages.length);
      let grams = 0;
      for (const word of wordsOf(text)) {
        const w = wordScore(word);
        grams += w.grams;
        for (let l = 0; l < sums.length; l++) sums[l] = (sums[l] ?? 0) + (w.sums[l] ?? 0);
      }
      return wanted
        .map((lang) => {
          const l = languages.indexOf(lang);
          const logProb = l < 0 || grams === 0 ? Number.NEGATIVE_INFINITY : (sums[l] ?? 0) / grams;
          return { lang, logProb };
        })
        .sort((a, b) => b.logProb - a.logProb);
    },
  };
}

/**
 * Every text of a parsed faq.json (answers and labels too: all of it is the language), but for
 * `words`: lists of stop words, endings and stemmer names are no sample of how people write.
 */
export function textsOf(tree: unknown): string[] {
  if (typeof tree === "string") return [tree];
  if (Array.isArray(tree)) return tree.flatMap(textsOf);
  if (tree !== null && typeof tree === "object") {
    return Object.entries(tree).flatMap(([key, value]) => (key === "words" ? [] : textsOf(value)));
  }
  return [];
}
