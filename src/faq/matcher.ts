// Free-text FAQ matching: two MiniSearch indexes per language (BM25 with per-language stemming
// and synonyms, prefix and fuzzy search), one over each question, phrasing and keyword list and
// one over each entry's text as a whole, built once at start. A question is matched in the
// language it is written in (detect.ts), and the answer comes back in that language.
import MiniSearch from "minisearch";
import type { I18n } from "../i18n/index.ts";
import { type FaqLocale, parseFaqLocale } from "./content.ts";
import { detectLanguage } from "./detect.ts";
import { FAQ_ENTRIES, FAQ_TOPICS, type FaqEntry, type FaqTopicId, faqEntry } from "./entries.ts";
import { textsOf, trainLanguageModel } from "./language-model.ts";
import { synonymMap } from "./synonyms.ts";
import { processWord, type StemmerKind, tokenize } from "./text.ts";

/** What the FAQ makes of a free-text question. `language` is the language to answer in. */
export type FaqMatch =
  /** A confident match: show the entry's answer (and its start button, if any). */
  | { kind: "answer"; entryId: string; language: string; score: number }
  /** The customer asks for a person: show the entry's answer and hand the chat to staff. */
  | { kind: "handoff"; entryId: string; language: string; score: number }
  /** Not sure: show these 2–3 entries' questions as buttons, and offer a person. */
  | { kind: "suggestions"; language: string; entryIds: string[] }
  /** Plainly outside the policy: "I can help with refunds…" and offer a person. */
  | { kind: "out_of_scope"; language: string };

export interface RankedEntry {
  entryId: string;
  /** What entries are ranked by: the best phrasing's score plus the whole entry's. */
  score: number;
  /** The best single phrasing's score: how strongly the question matches the FAQ at all. */
  phraseScore: number;
  /** Share of the question's terms that this entry's best phrasing matched (0–1). */
  coverage: number;
}

/** The ranking of one question against one language's index. */
export interface Ranking {
  language: string;
  /** Distinct meaningful terms of the question (stop words removed, stemmed). */
  termCount: number;
  /** Share of the question's terms found anywhere in the FAQ, fuzzy matches included (0–1). */
  domainCoverage: number;
  /** Share of the question's terms that are FAQ words or prefixes of them, no fuzziness (0–1). */
  vocabularyCoverage: number;
  entries: RankedEntry[];
}

export interface FaqThresholds {
  /** No FAQ word at all in the question and a best score under this: out of scope. */
  outOfScopeFuzzyScore: number;
  /** A best score under this with at most half the words known: out of scope. */
  outOfScopeScore: number;
  /** An answer needs at least this best-phrasing score and coverage… */
  answerScore: number;
  answerCoverage: number;
  /**
   * …at least this share of the question's words found in the FAQ, typos included (a question
   * about a phone's broken screen shares two words with an entry, but not its subject)…
   */
  answerDomainCoverage: number;
  /** …and to beat the runner-up by this factor. */
  answerMargin: number;
}

export const DEFAULT_THRESHOLDS: FaqThresholds = {
  outOfScopeFuzzyScore: 12,
  outOfScopeScore: 9,
  answerScore: 9,
  answerCoverage: 0.5,
  answerDomainCoverage: 0.67,
  answerMargin: 1.3,
};

export interface FaqTopic {
  id: FaqTopicId;
  label: string;
  entries: { id: string; question: string }[];
}

export interface Faq {
  readonly languages: readonly string[];
  /** Matches a question; `userLanguage` (the chat's setting) only breaks ties of language. */
  match(text: string, options?: { userLanguage?: string }): FaqMatch;
  /** Ranks all entries for `text` in one language (for evaluation and debugging). */
  rank(text: string, language: string): Ranking;
  /** The /faq topic list with each topic's questions, in `language`. */
  topics(language: string): FaqTopic[];
  entry(id: string): FaqEntry | undefined;
  /** The validated faq.json text of a language. */
  content(language: string): FaqLocale;
}

interface Doc {
  id: number;
  entryId: string;
  text: string;
  boost: number;
}

const DOC_BOOST = { question: 1.2, phrasing: 1, keywords: 0.6 } as const;

interface LanguageIndex {
  /** One document per question, phrasing and keyword list. */
  index: MiniSearch<Doc>;
  docs: Doc[];
  /** One document per entry: all its texts together (id = position in FAQ_ENTRIES). */
  entryIndex: MiniSearch<Doc>;
  /** Every term of the index, and every prefix of 4+ letters of each (for vocabulary checks). */
  vocabulary: Set<string>;
  /** A word's index term, or null for stop words and noise. */
  toTerm: (word: string) => string | null;
}

/** The index terms of a text, in order. */
function termsOf(toTerm: (word: string) => string | null, text: string): string[] {
  const out: string[] = [];
  for (const w of tokenize(text)) {
    const t = toTerm(w);
    if (t !== null) out.push(t);
  }
  return out;
}

/** How the FAQ is built; the defaults are what ships, the switches exist for the benchmark. */
export interface FaqOptions {
  thresholds?: Partial<FaqThresholds>;
  /** Per-language stemming (default true). */
  stemming?: boolean;
  /** Which stemmers: Snowball (default) or the hand-written light ones. */
  stemmer?: StemmerKind;
  /** Fuzzy (typo) and prefix search (default true). */
  fuzzy?: boolean;
  /** Weight of the whole-entry score added to the best phrasing's (default 1; 0: phrasings only). */
  entryWeight?: number;
}

function buildIndex(
  lang: string,
  content: FaqLocale,
  stemming: boolean,
  fuzzy: boolean,
  stemmer: StemmerKind,
): LanguageIndex {
  const docs: Doc[] = [];
  // Word → index term: stop words dropped, stemmed, then mapped to its synonym group's term.
  const word = (w: string): string | null => processWord(lang, w, stemming, stemmer);
  const synonyms = synonymMap(content.synonyms ?? [], (text) => tokenize(text).map(word));
  const toTerm = (w: string): string | null => {
    const t = word(w);
    return t === null ? null : (synonyms.get(t) ?? t);
  };
  const add = (entryId: string, text: string, boost: number) =>
    docs.push({ id: docs.length, entryId, text, boost });
  for (const entry of FAQ_ENTRIES) {
    const t = content.entries[entry.id];
    if (!t) continue;
    add(entry.id, t.question, DOC_BOOST.question);
    for (const p of t.phrasings) add(entry.id, p, DOC_BOOST.phrasing);
    if (t.keywords) add(entry.id, t.keywords, DOC_BOOST.keywords);
  }
  const make = (boost: (id: number) => number) =>
    new MiniSearch<Doc>({
      fields: ["text"],
      idField: "id",
      tokenize: (text) => tokenize(text),
      processTerm: toTerm,
      searchOptions: {
        combineWith: "OR",
        prefix: (term) => fuzzy && term.length >= 4,
        fuzzy: (term) => (!fuzzy ? false : term.length >= 5 ? 0.25 : term.length === 4 ? 1 : false),
        maxFuzzy: 2,
        weights: { fuzzy: 0.5, prefix: 0.6 },
        boostDocument: (id) => boost(id as number),
      },
    });
  const index = make((id) => docs[id]?.boost ?? 1);
  index.addAll(docs);
  // A question often takes its words from several phrasings of one entry ("cancelled" from one,
  // "before the month ended" from another); scored as one document, the entry gets credit for
  // all of them, and its IDF counts entries, so a word shared by all of an entry's phrasings
  // but no other entry's weighs what it should.
  const entryIndex = make(() => 1);
  entryIndex.addAll(
    FAQ_ENTRIES.map((e, i) => ({
      id: i,
      entryId: e.id,
      text: docs
        .filter((d) => d.entryId === e.id)
        .map((d) => d.text)
        .join("\n"),
      boost: 1,
    })),
  );
  const vocabulary = new Set<string>();
  for (const d of docs) {
    for (const t of termsOf(toTerm, d.text)) {
      vocabulary.add(t);
      for (let n = 4; n < t.length; n++) vocabulary.add(t.slice(0, n));
    }
  }
  return { index, docs, vocabulary, entryIndex, toTerm };
}

/** Builds the FAQ from already-parsed faq.json of each language. */
export function createFaqFromLocales(
  locales: Record<string, unknown>,
  options: FaqOptions = {},
): Faq {
  const thresholds: FaqThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const stemming = options.stemming ?? true;
  const stemmer = options.stemmer ?? "snowball";
  const fuzzy = options.fuzzy ?? true;
  const entryWeight = options.entryWeight ?? 1;
  const languages = Object.keys(locales).sort();
  const contents = new Map<string, FaqLocale>();
  const indexes = new Map<string, LanguageIndex>();
  for (const lang of languages) {
    const content = parseFaqLocale(lang, locales[lang]);
    contents.set(lang, content);
    indexes.set(lang, buildIndex(lang, content, stemming, fuzzy, stemmer));
  }

  // Character n-grams of each language's own FAQ text, to tell ru/uk and en/es apart.
  const languageModel = trainLanguageModel(
    Object.fromEntries(languages.map((l) => [l, textsOf(contents.get(l))])),
  );

  function rank(text: string, language: string): Ranking {
    const built = indexes.get(language);
    const queryTerms = built ? [...new Set(termsOf(built.toTerm, text))] : [];
    if (!built || queryTerms.length === 0) {
      return {
        language,
        termCount: queryTerms.length,
        domainCoverage: 0,
        vocabularyCoverage: 0,
        entries: [],
      };
    }
    const results = built.index.search(text);
    const best = new Map<string, RankedEntry>();
    const seen = new Set<string>();
    for (const r of results) {
      const entryId = built.docs[r.id as number]?.entryId;
      if (entryId === undefined) continue;
      for (const q of r.queryTerms) seen.add(q);
      const coverage = Math.min(1, r.queryTerms.length / queryTerms.length);
      const prev = best.get(entryId);
      if (!prev || r.score > prev.score) {
        best.set(entryId, {
          entryId,
          score: r.score,
          phraseScore: r.score,
          coverage: Math.max(coverage, prev?.coverage ?? 0),
        });
      } else if (coverage > prev.coverage) {
        prev.coverage = coverage;
      }
    }
    if (entryWeight > 0) {
      // Every entry the entry index finds has a phrasing with one of the same terms, so it is
      // already in `best`. No typo search here: it doubled the lookup time, and typos already
      // count in the phrasing score (leave-one-out top-1 90.5 % without, 91.4 % with).
      for (const r of built.entryIndex.search(text, { fuzzy: false })) {
        const entryId = FAQ_ENTRIES[r.id as number]?.id;
        const e = entryId === undefined ? undefined : best.get(entryId);
        if (e) e.score += entryWeight * r.score;
      }
    }
    const entries = [...best.values()].sort((a, b) => b.score - a.score);
    const known = queryTerms.filter(
      (t) => built.vocabulary.has(t) || (t.length > 4 && built.vocabulary.has(t.slice(0, -1))),
    ).length;
    return {
      language,
      termCount: queryTerms.length,
      domainCoverage: Math.min(1, seen.size / queryTerms.length),
      vocabularyCoverage: known / queryTerms.length,
      entries,
    };
  }

  function decide(r: Ranking): FaqMatch {
    const { language } = r;
    const [top, second] = r.entries;
    if (!top) return { kind: "out_of_scope", language };
    // Out of scope is judged on the best phrasing alone: the entry score grows with how much
    // text an entry has, which says nothing about whether the question is about refunds.
    const strongest = Math.max(...r.entries.map((e) => e.phraseScore));
    if (r.vocabularyCoverage === 0 && strongest < thresholds.outOfScopeFuzzyScore) {
      return { kind: "out_of_scope", language };
    }
    if (r.vocabularyCoverage <= 0.5 && strongest < thresholds.outOfScopeScore) {
      return { kind: "out_of_scope", language };
    }
    const margin = second ? top.score / second.score : Number.POSITIVE_INFINITY;
    if (
      top.phraseScore >= thresholds.answerScore &&
      top.coverage >= thresholds.answerCoverage &&
      r.domainCoverage >= thresholds.answerDomainCoverage &&
      margin >= thresholds.answerMargin
    ) {
      const kind = faqEntry(top.entryId)?.handoff ? "handoff" : "answer";
      return { kind, entryId: top.entryId, language, score: top.score };
    }
    const close = r.entries.filter((e, i) => i < 2 || e.score >= top.score * 0.6).slice(0, 3);
    return { kind: "suggestions", language, entryIds: close.map((e) => e.entryId) };
  }

  /** Whether ranking `b` fits the question clearly better than `a` (more known words, or a much stronger match). */
  const fitsBetter = (b: Ranking, a: Ranking): boolean => {
    const sa = a.entries[0]?.score ?? 0;
    const sb = b.entries[0]?.score ?? 0;
    if (b.vocabularyCoverage >= a.vocabularyCoverage + 0.5) return true;
    if (sb < thresholds.outOfScopeScore) return false;
    if (b.vocabularyCoverage >= a.vocabularyCoverage + 0.2) return true;
    return b.vocabularyCoverage >= a.vocabularyCoverage && sb > sa * 1.5;
  };

  return {
    languages,
    rank,
    match(text, options) {
      const guess = detectLanguage(text, languages, options?.userLanguage, languageModel);
      const fallback = options?.userLanguage ?? guess.candidates[0] ?? languages[0] ?? "en";
      const first = guess.candidates[0];
      if (first === undefined) return { kind: "out_of_scope", language: fallback };
      if (guess.certain) return decide(rank(text, first));
      let chosen = rank(text, first);
      for (const lang of guess.candidates.slice(1)) {
        const other = rank(text, lang);
        if (fitsBetter(other, chosen)) chosen = other;
      }
      const result = decide(chosen);
      // Nothing in the text tells its language: reply to an off-topic message in the chat's.
      if (
        result.kind === "out_of_scope" &&
        options?.userLanguage &&
        languages.includes(options.userLanguage) &&
        !guess.certain &&
        guess.candidates.slice(0, 2).includes(options.userLanguage)
      ) {
        return { kind: "out_of_scope", language: options.userLanguage };
      }
      return result;
    },
    topics(language) {
      const content = contents.get(language) ?? contents.get(languages[0] ?? "");
      if (!content) return [];
      return FAQ_TOPICS.map((id) => ({
        id,
        label: content.topics[id] ?? id,
        entries: FAQ_ENTRIES.filter((e) => e.topic === id).map((e) => ({
          id: e.id,
          question: content.entries[e.id]?.question ?? e.id,
        })),
      }));
    },
    entry: faqEntry,
    content(language) {
      const c = contents.get(language);
      if (!c) throw new Error(`no FAQ for language "${language}"`);
      return c;
    },
  };
}

/** Builds the FAQ from the `faq` namespace of every language the i18n instance loaded. */
export function createFaq(i18n: I18n, options?: FaqOptions): Faq {
  const locales: Record<string, unknown> = {};
  for (const lang of i18n.languages) locales[lang] = i18n.resources(lang, "faq");
  return createFaqFromLocales(locales, options);
}
