// Free-text FAQ matching: one MiniSearch index per language (BM25 with per-language stemming,
// prefix and fuzzy search), built once at start. A question is matched in the language it is
// written in (detect.ts), and the answer comes back in that language.
import MiniSearch from "minisearch";
import type { I18n } from "../i18n/index.ts";
import { type FaqLocale, parseFaqLocale } from "./content.ts";
import { detectLanguage } from "./detect.ts";
import { FAQ_ENTRIES, FAQ_TOPICS, type FaqEntry, type FaqTopicId, faqEntry } from "./entries.ts";
import { processWord, terms, tokenize } from "./text.ts";

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
  score: number;
  /** Share of the question's terms that this entry's best phrasing matched (0–1). */
  coverage: number;
}

/** The ranking of one question against one language's index. */
export interface Ranking {
  language: string;
  /** Distinct meaningful terms of the question (stop words removed, stemmed). */
  termCount: number;
  /** Share of the question's terms found anywhere in the FAQ (0–1). */
  domainCoverage: number;
  entries: RankedEntry[];
}

export interface FaqThresholds {
  /** Below this domain coverage (and score) a question is out of scope. */
  outOfScopeCoverage: number;
  outOfScopeScore: number;
  /** An answer needs at least this score and coverage… */
  answerScore: number;
  answerCoverage: number;
  /** …and to beat the runner-up by this factor. */
  answerMargin: number;
}

export const DEFAULT_THRESHOLDS: FaqThresholds = {
  outOfScopeCoverage: 0.34,
  outOfScopeScore: 6,
  answerScore: 4,
  answerCoverage: 0.5,
  answerMargin: 1.15,
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

function buildIndex(lang: string, content: FaqLocale): { index: MiniSearch<Doc>; docs: Doc[] } {
  const docs: Doc[] = [];
  const add = (entryId: string, text: string, boost: number) =>
    docs.push({ id: docs.length, entryId, text, boost });
  for (const entry of FAQ_ENTRIES) {
    const t = content.entries[entry.id];
    if (!t) continue;
    add(entry.id, t.question, DOC_BOOST.question);
    for (const p of t.phrasings) add(entry.id, p, DOC_BOOST.phrasing);
    if (t.keywords) add(entry.id, t.keywords, DOC_BOOST.keywords);
  }
  const index = new MiniSearch<Doc>({
    fields: ["text"],
    idField: "id",
    tokenize: (text) => tokenize(text),
    processTerm: (word) => processWord(lang, word),
    searchOptions: {
      combineWith: "OR",
      prefix: (term) => term.length >= 4,
      fuzzy: (term) => (term.length >= 5 ? 0.25 : term.length === 4 ? 1 : false),
      maxFuzzy: 2,
      weights: { fuzzy: 0.5, prefix: 0.6 },
      boostDocument: (id) => docs[id as number]?.boost ?? 1,
    },
  });
  index.addAll(docs);
  return { index, docs };
}

/** Builds the FAQ from already-parsed faq.json of each language. */
export function createFaqFromLocales(
  locales: Record<string, unknown>,
  thresholds: FaqThresholds = DEFAULT_THRESHOLDS,
): Faq {
  const languages = Object.keys(locales).sort();
  const contents = new Map<string, FaqLocale>();
  const indexes = new Map<string, { index: MiniSearch<Doc>; docs: Doc[] }>();
  for (const lang of languages) {
    const content = parseFaqLocale(lang, locales[lang]);
    contents.set(lang, content);
    indexes.set(lang, buildIndex(lang, content));
  }

  function rank(text: string, language: string): Ranking {
    const built = indexes.get(language);
    const queryTerms = [...new Set(terms(language, text))];
    if (!built || queryTerms.length === 0) {
      return { language, termCount: queryTerms.length, domainCoverage: 0, entries: [] };
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
          coverage: Math.max(coverage, prev?.coverage ?? 0),
        });
      } else if (coverage > prev.coverage) {
        prev.coverage = coverage;
      }
    }
    const entries = [...best.values()].sort((a, b) => b.score - a.score);
    return {
      language,
      termCount: queryTerms.length,
      domainCoverage: Math.min(1, seen.size / queryTerms.length),
      entries,
    };
  }

  function decide(r: Ranking): FaqMatch {
    const { language } = r;
    const [top, second] = r.entries;
    if (!top) return { kind: "out_of_scope", language };
    if (
      r.domainCoverage < thresholds.outOfScopeCoverage &&
      top.score < thresholds.outOfScopeScore
    ) {
      return { kind: "out_of_scope", language };
    }
    const margin = second ? top.score / second.score : Number.POSITIVE_INFINITY;
    if (
      top.score >= thresholds.answerScore &&
      top.coverage >= thresholds.answerCoverage &&
      margin >= thresholds.answerMargin
    ) {
      const kind = faqEntry(top.entryId)?.handoff ? "handoff" : "answer";
      return { kind, entryId: top.entryId, language, score: top.score };
    }
    const close = r.entries.filter((e, i) => i < 2 || e.score >= top.score * 0.6).slice(0, 3);
    return { kind: "suggestions", language, entryIds: close.map((e) => e.entryId) };
  }

  /** How well a ranking fits: the best entry's coverage first, then its score. */
  const fitness = (r: Ranking): number =>
    (r.entries[0]?.coverage ?? 0) * r.domainCoverage * 100 + (r.entries[0]?.score ?? 0);

  return {
    languages,
    rank,
    match(text, options) {
      const guess = detectLanguage(text, languages, options?.userLanguage);
      const fallback = options?.userLanguage ?? guess.candidates[0] ?? languages[0] ?? "en";
      const first = guess.candidates[0];
      if (first === undefined) return { kind: "out_of_scope", language: fallback };
      if (guess.certain) return decide(rank(text, first));
      let chosen = rank(text, first);
      for (const lang of guess.candidates.slice(1)) {
        const other = rank(text, lang);
        if (fitness(other) > fitness(chosen) * 1.1) chosen = other;
      }
      return decide(chosen);
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
export function createFaq(i18n: I18n, thresholds?: FaqThresholds): Faq {
  const locales: Record<string, unknown> = {};
  for (const lang of i18n.languages) locales[lang] = i18n.resources(lang, "faq");
  return createFaqFromLocales(locales, thresholds);
}
