// Text normalisation, tokenising, stop words and stemmers for the FAQ index. What a language
// uses comes from `words` in its faq.json: its stop words and which stemmer, by name. The
// shipped stemmers are Snowball's (the @orama/stemmers ports) where one exists and suits, or a
// stripper of the language's own listed endings (Ukrainian: the port leaves verb endings on,
// повертають → повертают); the light ones are what the benchmark compares against. Fuzzy and
// prefix search cover what a stemmer misses. A language without `words` is indexed unstemmed
// and without stop words.
import { stemmer as snowballEnglish } from "@orama/stemmers/english";
import { stemmer as snowballRussian } from "@orama/stemmers/russian";
import { stemmer as snowballSpanish } from "@orama/stemmers/spanish";

/** Lower-cases, folds ё→е, drops accents on Latin letters (not on Cyrillic й/ї) and apostrophes. */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/([a-z])[\u0300-\u036f]+/g, "$1")
    .normalize("NFC")
    .replace(/ё/g, "е")
    .replace(/(\p{L})['’ʼ`](?=\p{L})/gu, "$1");
}

/** `text` with every character a regular expression treats specially escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A pattern matching `body` only as whole words (not inside a longer word or number). */
export function wholeWords(body: string, flags = "u"): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, flags);
}

/** Splits normalised text into words (letters and digits). */
export function tokenize(text: string): string[] {
  return normalize(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Longest question focus read on its own (the last asking sentences within it are kept). */
const MAX_FOCUS_LENGTH = 400;

/**
 * The part of a message of several sentences that asks: its sentences with a question mark, or
 * its last sentence when none has one; undefined for a single sentence. A story's question is
 * often one sentence of it, while the rest tells what happened.
 */
export function questionFocus(text: string): string | undefined {
  const sentences = text
    .split(/(?<=[.!?…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
  if (sentences.length < 2) return undefined;
  const asking = sentences.filter((s) => s.includes("?"));
  const focus = asking.length > 0 ? asking : sentences.slice(-1);
  let out = "";
  for (let i = focus.length - 1; i >= 0; i--) {
    const next = `${focus[i]} ${out}`.trim();
    if (next.length > MAX_FOCUS_LENGTH && out.length > 0) break;
    out = next.slice(-MAX_FOCUS_LENGTH);
  }
  return out;
}

type Stemmer = (word: string) => string;

/** Removes the longest listed suffix that leaves at least `min` characters. */
function suffixStripper(suffixes: string[], min: number): Stemmer {
  const sorted = [...new Set(suffixes)].sort((a, b) => b.length - a.length);
  return (word) => {
    for (const s of sorted) {
      if (word.length - s.length >= min && word.endsWith(s)) return word.slice(0, -s.length);
    }
    return word;
  };
}

function englishStem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const suffix of ["ation", "ment", "ing", "ed", "ly", "er"]) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  if (/(.)\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 3 && /[ey]$/.test(w)) w = w.slice(0, -1);
  return w;
}

/** Which stemmer family to use: the shipped one or the light one the benchmark compares. */
export type StemmerKind = "snowball" | "light";

/**
 * The stemmers a language's `words` may name. "suffixes" strips the language's own listed
 * endings (its reflexive ones first); "english" is a few rules for English plurals and verb
 * forms; "none" leaves words as they are.
 */
export const STEMMER_NAMES = [
  "snowball-english",
  "snowball-russian",
  "snowball-spanish",
  "english",
  "suffixes",
  "none",
] as const;
export type StemmerName = (typeof STEMMER_NAMES)[number];

/** How the FAQ reads one language's words: from `words` in its faq.json. */
export interface LanguageWordsData {
  stopWords: readonly string[];
  stemmer: StemmerName;
  lightStemmer: StemmerName;
  suffixes: readonly string[];
  reflexiveSuffixes: readonly string[];
}

export interface LanguageWords {
  isStopWord(word: string): boolean;
  stem(word: string, kind?: StemmerKind): string;
}

/** A language's stop words and stemmers; without data, no stop words and no stemming. */
export function languageWords(data: LanguageWordsData | undefined): LanguageWords {
  if (data === undefined) return { isStopWord: () => false, stem: (w) => w };
  // Compared after normalize(), so the lists are normalised too.
  const stopWords = new Set(data.stopWords.map(normalize));
  const strip = suffixStripper(data.suffixes.map(normalize), 3);
  const reflexive = suffixStripper(data.reflexiveSuffixes.map(normalize), 4);
  const byName: Record<StemmerName, Stemmer> = {
    "snowball-english": snowballEnglish,
    "snowball-russian": snowballRussian,
    "snowball-spanish": snowballSpanish,
    english: englishStem,
    suffixes: (w) => strip(reflexive(w)),
    none: (w) => w,
  };
  const shipped = byName[data.stemmer];
  const light = byName[data.lightStemmer];
  return {
    isStopWord: (word) => stopWords.has(word),
    stem: (word, kind = "snowball") => (kind === "light" ? light : shipped)(word),
  };
}

/** Normalised, stop-word-free, stemmed terms of a text (what the index sees). */
export function terms(
  words: LanguageWords,
  text: string,
  stemming = true,
  kind: StemmerKind = "snowball",
): string[] {
  const out: string[] = [];
  for (const w of tokenize(text)) {
    const t = processWord(words, w, stemming, kind);
    if (t !== null) out.push(t);
  }
  return out;
}

/** One token → its index term, or null for stop words and noise. */
export function processWord(
  words: LanguageWords,
  word: string,
  stemming = true,
  kind: StemmerKind = "snowball",
): string | null {
  if (word.length < 2 && !/\d/.test(word)) return null;
  if (words.isStopWord(word)) return null;
  return stemming ? words.stem(word, kind) : word;
}
