// Free-text FAQ matching. Two signals, both built once at start: an intent classifier over
// character n-grams and words trained on every language's phrasings (classifier.ts), and two
// BM25 indexes per language (bm25.ts: per-language stemming and synonyms, prefix and typo
// search), one over each question, phrasing and keyword list and one over each entry's text as
// a whole. The classifier's log-probabilities plus the BM25 scores make the confidence
// an answer needs. A question is matched in the language it is written in (detect.ts), Russian
// and Ukrainian typed in Latin letters first turned into Cyrillic (translit.ts), and the answer
// comes back in that language.
import type { I18n } from "../i18n/index.ts";
import { type Bm25Index, createBm25Index, type Lookup } from "./bm25.ts";
import { type Sample, trainClassifier } from "./classifier.ts";
import { type FaqLocale, parseFaqLocale, SMALL_TALK, type SmallTalk } from "./content.ts";
import { detectLanguage, languageTraits, readTransliterated, type Traits } from "./detect.ts";
import { FAQ_ENTRIES, FAQ_TOPICS, type FaqEntry, type FaqTopicId, faqEntry } from "./entries.ts";
import { textsOf, trainLanguageModel } from "./language-model.ts";
import { memoize } from "./memo.ts";
import { type Since, type SinceReader, sinceReader } from "./since.ts";
import { synonymMap } from "./synonyms.ts";
import {
  escapeRegExp,
  languageWords,
  normalize,
  processWord,
  questionFocus,
  type StemmerKind,
  tokenize,
  wholeWords,
} from "./text.ts";
import { TRANSLITERATED_LANGUAGES, toCyrillic } from "./translit.ts";

/** What the FAQ makes of a free-text question. `language` is the language to answer in. */
export type FaqMatch =
  /**
   * A confident match: show the entry's answer (and its start button, if any). `score`: its
   * confidence, 0–1; `want`: where the message says the money should go, when the entry starts
   * a request and the message says only one; `since`: since when it says the problem has been
   * there, when the entry starts a request (see `sinceDay`).
   */
  | {
      kind: "answer";
      entryId: string;
      language: string;
      score: number;
      want?: RefundTo;
      since?: Since;
    }
  /** The customer asks for a person: show the entry's answer and hand the chat to staff. */
  | { kind: "handoff"; entryId: string; language: string; score: number }
  /** A greeting, thanks or a call for help: a short friendly reply and the main menu. */
  | { kind: "smalltalk"; topic: SmallTalk; language: string }
  /** Not sure: show these 2–3 entries' questions as buttons, and offer a person. */
  | { kind: "suggestions"; language: string; entryIds: string[] }
  /** Plainly outside the policy: "I can help with refunds…" and offer a person. */
  | { kind: "out_of_scope"; language: string };

/** Where a refund goes: back to the balance, or paid out to the customer. */
export type RefundTo = "balance" | "payout";

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
  /** No FAQ word at all in the question and a best score under this: the index finds nothing. */
  outOfScopeFuzzyScore: number;
  /** A best score under this with at most half the words known: the index finds nothing. */
  outOfScopeScore: number;
  /** Where the index finds nothing, out of scope unless the classifier is at least this sure. */
  outOfScopeConfidence: number;
  /** The classifier's probability of "off topic" from which a question is out of scope… */
  offTopic: number;
  /**
   * …unless the classifier alone finds its leading entry this many times as likely as "off
   * topic"; an answer needs that too.
   */
  offTopicRatio: number;
  /** An answer needs this combined confidence (0–1) in its entry… */
  answerConfidence: number;
  /**
   * Where the leading entry falls short of `answerConfidence` in a message of several
   * sentences, the reading of the whole and of its asking part together must reach this.
   */
  focusConfidence: number;
  /** Small talk needs its label to lead with this combined confidence. */
  smallTalkConfidence: number;
  /** …and, to one or two words, the index's best entry leading the next by this factor. */
  shortMargin: number;
}

export const DEFAULT_THRESHOLDS: FaqThresholds = {
  outOfScopeFuzzyScore: 12,
  outOfScopeScore: 9,
  outOfScopeConfidence: 0.3,
  offTopic: 0.3,
  offTopicRatio: 1.5,
  answerConfidence: 0.7,
  focusConfidence: 0.8,
  smallTalkConfidence: 0.5,
  shortMargin: 1.1,
};

/** Up to this many distinct words a question is searched with typos and prefixes. */
const TYPO_SEARCH_TERMS = 12;

/**
 * How a question's term is looked up: a short question's terms of 4+ letters also as prefixes
 * and with typos (one edit up to five letters, two from six). A story of many words finds its
 * entry without them, and they cost most of the time of a long message.
 */
function typoLookup(fuzzy: boolean, term: string, termCount: number): Lookup {
  const near = fuzzy && termCount <= TYPO_SEARCH_TERMS && term.length >= 4;
  return { prefix: near, typos: !near ? 0 : term.length >= 6 ? 2 : 1 };
}

/** Lower case, words only: how a short message is compared with a phrasing as written. */
const asWritten = (text: string): string =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .join(" ");

/** Up to this many words a message of nothing but small-talk words is small talk… */
const SMALL_TALK_WORDS = 6;
/** …and a longer message than this is not looked at for it (six words fit well within). */
const SMALL_TALK_LENGTH = 100;

/** From this length a language the n-gram profiles are sure of is not second-guessed. */
const SURE_LANGUAGE_LENGTH = 200;

/** Telegram's longest message: longer text is cut here before it is read. */
export const MAX_QUESTION_LENGTH = 4096;

export interface FaqTopic {
  id: FaqTopicId;
  label: string;
  entries: { id: string; question: string }[];
}

export interface Faq {
  readonly languages: readonly string[];
  /** Matches a question; `userLanguage` (the chat's setting) only breaks ties of language. */
  match(text: string, options?: { userLanguage?: string }): FaqMatch;
  /** The language `text`'s own letters or words settle, if they do ("TX-99812" tells none). */
  languageTold(text: string): string | undefined;
  /** Ranks all entries for `text` in one language (for evaluation and debugging). */
  rank(text: string, language: string): Ranking;
  /** What the decision on `text` in `language` rests on (for evaluation and debugging). */
  explain(text: string, language: string): Explanation;
  /** The /faq topic list with each topic's questions, in `language`. */
  topics(language: string): FaqTopic[];
  entry(id: string): FaqEntry | undefined;
  /** The validated faq.json text of a language. */
  content(language: string): FaqLocale;
}

/** The figures a decision rests on. */
export interface Explanation {
  /** The labels' combined confidences, best first (the first eight). */
  labels: { label: string; confidence: number }[];
  /** The classifier's own probability of "off topic", and of the leading label. */
  offTopic: number;
  own: number;
  /** Whether the index finds nothing (no FAQ words, weak scores). */
  indexFindsNothing: boolean;
  match: FaqMatch;
}

interface Doc {
  entryId: string;
  text: string;
  boost: number;
}

const DOC_BOOST = { question: 1.2, phrasing: 1, keywords: 0.6 } as const;

const ENTRY_ORDER = new Map(FAQ_ENTRIES.map((e, i) => [e.id, i]));
const entryOrder = (id: string): number => ENTRY_ORDER.get(id) ?? FAQ_ENTRIES.length;

interface LanguageIndex {
  /** One document per question, phrasing and keyword list. */
  index: Bm25Index;
  docs: Doc[];
  /** One document per entry: all its texts together (document = position in FAQ_ENTRIES). */
  entryIndex: Bm25Index;
  /** Every term of the index, and every prefix of 4+ letters of each (for vocabulary checks). */
  vocabulary: Set<string>;
  /** A word's index term, or null for stop words and noise. */
  toTerm: (word: string) => string | null;
}

/** One pattern for a list of phrases, each matched as whole words of the normalised text. */
function phrasePattern(phrases: readonly string[]): RegExp {
  return wholeWords(phrases.map((p) => escapeRegExp(normalize(p))).join("|"));
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
  /** Which stemmers: the shipped ones (default) or the light ones, as each language's `words` names them. */
  stemmer?: StemmerKind;
  /** Fuzzy (typo) and prefix search (default true). */
  fuzzy?: boolean;
  /** Weight of the whole-entry score added to the best phrasing's (default 1; 0: phrasings only). */
  entryWeight?: number;
  /** Weight of the BM25 ranking beside the classifier's (default 3; 0: the classifier alone). */
  rankingWeight?: number;
  /** How much each off-topic phrasing counts in the classifier's training (default 1). */
  offTopicWeight?: number;
}

// The classifier's labels besides the entry ids.
const OUT_OF_SCOPE = "out_of_scope";
const smallTalkLabel = (kind: SmallTalk) => `smalltalk.${kind}`;
const SMALL_TALK_LABELS = new Map(SMALL_TALK.map((kind) => [smallTalkLabel(kind), kind]));

/**
 * The classifier's training phrasings, from every language: each entry's question, phrasings
 * and keywords, the small talk, and the off-topic questions.
 */
function trainingSamples(
  contents: ReadonlyMap<string, FaqLocale>,
  offTopicWeight: number,
): Sample[] {
  const samples: Sample[] = [];
  for (const content of contents.values()) {
    for (const [label, e] of Object.entries(content.entries)) {
      for (const text of [e.question, ...e.phrasings]) samples.push({ label, text });
      if (e.keywords) samples.push({ label, text: e.keywords });
    }
    for (const kind of SMALL_TALK) {
      for (const text of content.smalltalk[kind].phrasings) {
        samples.push({ label: smallTalkLabel(kind), text });
      }
    }
    for (const text of content.offTopic) {
      samples.push({ label: OUT_OF_SCOPE, text, weight: offTopicWeight });
    }
  }
  return samples;
}

function buildIndex(content: FaqLocale, stemming: boolean, stemmer: StemmerKind): LanguageIndex {
  const docs: Doc[] = [];
  // Word → index term: stop words dropped, stemmed, then mapped to its synonym group's term.
  const words = languageWords(content.words);
  const word = (w: string): string | null => processWord(words, w, stemming, stemmer);
  const synonyms = synonymMap(content.synonyms ?? [], (text) => tokenize(text).map(word));
  const toTerm = memoize((w: string): string | null => {
    const t = word(w);
    return t === null ? null : (synonyms.get(t) ?? t);
  });
  const add = (entryId: string, text: string, boost: number) => docs.push({ entryId, text, boost });
  for (const entry of FAQ_ENTRIES) {
    const t = content.entries[entry.id];
    if (!t) continue;
    add(entry.id, t.question, DOC_BOOST.question);
    for (const p of t.phrasings) add(entry.id, p, DOC_BOOST.phrasing);
    if (t.keywords) add(entry.id, t.keywords, DOC_BOOST.keywords);
  }
  const indexed = (text: string, boost: number) => ({
    terms: termsOf(toTerm, text),
    length: new Set(tokenize(text)).size,
    boost,
  });
  const index = createBm25Index(docs.map((d) => indexed(d.text, d.boost)));
  // A question often takes its words from several phrasings of one entry ("cancelled" from one,
  // "before the month ended" from another); scored as one document, the entry gets credit for
  // all of them, and its IDF counts entries, so a word shared by all of an entry's phrasings
  // but no other entry's weighs what it should.
  const entryIndex = createBm25Index(
    FAQ_ENTRIES.map((e) =>
      indexed(
        docs
          .filter((d) => d.entryId === e.id)
          .map((d) => d.text)
          .join("\n"),
        1,
      ),
    ),
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
  const withTypos = (term: string, termCount: number) => typoLookup(fuzzy, term, termCount);
  // No typo search in whole entries: it doubled the lookup time, and typos already count in the
  // phrasing score (leave-one-out top-1 90.5 % without, 91.4 % with).
  const withPrefixes = (term: string, termCount: number): Lookup => ({
    prefix: withTypos(term, termCount).prefix,
    typos: 0,
  });
  // No typos or prefixes: a word unknown to one language is often a near miss of another's.
  const exactly = (): Lookup => ({ prefix: false, typos: 0 });
  const entryWeight = options.entryWeight ?? 1;
  const rankingWeight = options.rankingWeight ?? 3;
  const languages = Object.keys(locales).sort();
  const contents = new Map<string, FaqLocale>();
  const indexes = new Map<string, LanguageIndex>();
  for (const lang of languages) {
    const content = parseFaqLocale(lang, locales[lang]);
    contents.set(lang, content);
    indexes.set(lang, buildIndex(content, stemming, stemmer));
  }

  // Character n-grams of each language's own FAQ text, to tell ru/uk and en/es apart.
  const languageModel = trainLanguageModel(
    Object.fromEntries(languages.map((l) => [l, textsOf(contents.get(l))])),
  );
  const classifier = trainClassifier(trainingSamples(contents, options.offTopicWeight ?? 1));
  const traits: Traits = new Map(
    [...contents].map(([lang, c]) => [lang, languageTraits(c.words, () => textsOf(c))]),
  );
  const refundTo = new Map(
    [...contents].map(([lang, c]) => [
      lang,
      { balance: phrasePattern(c.refundTo.balance), payout: phrasePattern(c.refundTo.payout) },
    ]),
  );

  // Every word of each language's small talk: a message made only of them ("buenos días", "ok
  // bye") is small talk, whatever entry a word of it ("días") also names.
  const smallTalkWords = new Map(
    [...contents].map(([lang, c]) => [
      lang,
      new Set(SMALL_TALK.flatMap((kind) => c.smalltalk[kind].phrasings.flatMap(tokenize))),
    ]),
  );
  // …and as written, accents kept: "menú" is Spanish, "menu" English.
  const smallTalkAsWritten = new Map(
    [...contents].map(([lang, c]) => [
      lang,
      new Set(SMALL_TALK.flatMap((kind) => c.smalltalk[kind].phrasings.map(asWritten))),
    ]),
  );

  /**
   * Small talk, when some language's small talk has every word of `text`: in the chat's language
   * if it is one of them (unless an accent says otherwise), else in one that has `text` as
   * written, else in the first guessed.
   */
  function plainSmallTalk(
    text: string,
    chat: readonly string[],
    guessed: readonly string[],
  ): FaqMatch | undefined {
    const words = tokenize(text);
    if (words.length === 0 || words.length > SMALL_TALK_WORDS) return undefined;
    const fits = languages.filter((l) => words.every((w) => smallTalkWords.get(l)?.has(w)));
    const written = asWritten(text);
    const hasWritten = (l: string) => smallTalkAsWritten.get(l)?.has(written) === true;
    // An accent the words are compared without tells the language ("menú" in an English chat).
    const marked = written !== words.join(" ");
    const language =
      (marked ? fits.find(hasWritten) : undefined) ??
      chat.find((l) => fits.includes(l)) ??
      fits.find(hasWritten) ??
      guessed.find((l) => fits.includes(l)) ??
      fits[0];
    if (language === undefined) return undefined;
    const p = classifier.probabilities(text);
    let topic: SmallTalk = "greeting";
    let best = -1;
    classifier.labels.forEach((label, i) => {
      const kind = SMALL_TALK_LABELS.get(label);
      if (kind !== undefined && (p[i] ?? 0) > best) {
        best = p[i] ?? 0;
        topic = kind;
      }
    });
    return { kind: "smalltalk", topic, language };
  }

  // Every language's greetings as word lists, longest first: "buenos días, no me llegó el sms"
  // is about the SMS, though "días" is also a word of the outage entry.
  const greetings = [...contents.values()]
    .flatMap((c) => c.smalltalk.greeting.phrasings.map(tokenize))
    .filter((words) => words.length > 0)
    .sort((a, b) => b.length - a.length);

  /** The message without a greeting it opens with, when more follows. */
  function withoutGreeting(text: string): string {
    const words = [...text.slice(0, 200).matchAll(/[\p{L}\p{N}]+/gu)].slice(0, 8);
    const first = words.map((w) => tokenize(w[0])[0]);
    const opening = greetings.find(
      (g) => g.length < first.length && g.every((w, i) => first[i] === w),
    );
    const last = opening && words[opening.length - 1];
    return last ? text.slice((last.index ?? 0) + last[0].length) : text;
  }

  /** Small talk typed in Latin letters in a language written in Cyrillic ("spasibo", "pryvit"). */
  function transliteratedSmallTalk(text: string): FaqMatch | undefined {
    // Counted before converting, which costs more than the rest of a short message's lookup.
    if (tokenize(text).length > SMALL_TALK_WORDS) return undefined;
    if (!/^[\p{Script=Latin}\P{L}]+$/u.test(text)) return undefined;
    for (const language of TRANSLITERATED_LANGUAGES) {
      if (!languages.includes(language)) continue;
      const m = plainSmallTalk(toCyrillic(text, language), [language], []);
      if (m?.language === language) return m;
    }
    return undefined;
  }

  const sinceReaders = new Map<string, SinceReader>();
  for (const [lang, c] of contents) if (c.since) sinceReaders.set(lang, sinceReader(c.since));

  /** Where the message says the money should go, when it says only one place. */
  function wantOf(text: string, language: string): RefundTo | undefined {
    const patterns = refundTo.get(language);
    if (patterns === undefined) return undefined;
    const normal = normalize(text);
    const balance = patterns.balance.test(normal);
    const payout = patterns.payout.test(normal);
    return balance === payout ? undefined : balance ? "balance" : "payout";
  }

  /**
   * Words the message's language does not know ("balance expire когда-нибудь?") are looked up
   * in the other languages' indexes too, and what they find adds to the entries' scores.
   */
  function addForeignWords(
    text: string,
    built: LanguageIndex,
    language: string,
    best: Map<string, RankedEntry>,
  ): void {
    const foreign = [...new Set(tokenize(text))].filter((w) => {
      const t = built.toTerm(w);
      return t !== null && !built.vocabulary.has(t);
    });
    if (foreign.length === 0) return;
    for (const other of languages) {
      const o = indexes.get(other);
      if (other === language || o === undefined) continue;
      const known = foreign.filter((w) => {
        const t = o.toTerm(w);
        return t !== null && o.vocabulary.has(t);
      });
      if (known.length === 0) continue;
      const terms = known.flatMap((w) => o.toTerm(w) ?? []);
      o.entryIndex.search(terms, exactly, (doc, score) => {
        const entryId = FAQ_ENTRIES[doc]?.id;
        if (entryId === undefined) return;
        const e = best.get(entryId);
        if (e) e.score += score;
        else best.set(entryId, { entryId, score, phraseScore: 0, coverage: 0 });
      });
    }
  }

  function rank(fullText: string, language: string): Ranking {
    const text = fullText.slice(0, MAX_QUESTION_LENGTH);
    const built = indexes.get(language);
    // Each word once: a long message repeats words, and each costs a (fuzzy) lookup. Two words
    // with one term ("refund", "refunded") both count, as they did in MiniSearch's search.
    const searchTerms = built
      ? [...new Set(tokenize(text))].flatMap((w) => built.toTerm(w) ?? [])
      : [];
    const queryTerms = [...new Set(searchTerms)];
    if (!built || queryTerms.length === 0) {
      return {
        language,
        termCount: queryTerms.length,
        domainCoverage: 0,
        vocabularyCoverage: 0,
        entries: [],
      };
    }
    const best = new Map<string, RankedEntry>();
    const seen = built.index.search(searchTerms, withTypos, (doc, score, matched) => {
      const entryId = built.docs[doc]?.entryId;
      if (entryId === undefined) return;
      const coverage = Math.min(1, matched / queryTerms.length);
      const prev = best.get(entryId);
      if (!prev || score > prev.score) {
        best.set(entryId, {
          entryId,
          score,
          phraseScore: score,
          coverage: Math.max(coverage, prev?.coverage ?? 0),
        });
      } else if (coverage > prev.coverage) {
        prev.coverage = coverage;
      }
    });
    if (entryWeight > 0) {
      // Every entry the entry index finds has a phrasing with one of the same terms, so it is
      // already in `best`.
      built.entryIndex.search(searchTerms, withPrefixes, (doc, score) => {
        const entryId = FAQ_ENTRIES[doc]?.id;
        const e = entryId === undefined ? undefined : best.get(entryId);
        if (e) e.score += entryWeight * score;
      });
    }
    addForeignWords(text, built, language, best);
    // Equal scores in the FAQ's own order, whatever order the index found them in.
    const entries = [...best.values()].sort(
      (a, b) => b.score - a.score || entryOrder(a.entryId) - entryOrder(b.entryId),
    );
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

  /**
   * Each label's confidence (0–1, summing to 1), best first: the classifier's log-probability
   * plus the entry's BM25 score relative to the best one, weighted, through a softmax. Also the
   * classifier's own highest probability of an entry.
   */
  function confidences(text: string, r: Ranking) {
    const p = classifier.probabilities(text);
    const bm25 = new Map(r.entries.map((e) => [e.entryId, e.score]));
    // Below this a best BM25 score is weak, and is not stretched to a full point.
    const scale = Math.max(r.entries[0]?.score ?? 0, 5);
    const z = classifier.labels.map(
      (label, i) => Math.log((p[i] ?? 0) + 1e-9) + (rankingWeight * (bm25.get(label) ?? 0)) / scale,
    );
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    const labels = classifier.labels
      .map((label, i) => ({ label, confidence: (e[i] ?? 0) / sum }))
      .sort((a, b) => b.confidence - a.confidence);
    let entryTop = 0;
    classifier.labels.forEach((label, i) => {
      if (faqEntry(label) !== undefined) entryTop = Math.max(entryTop, p[i] ?? 0);
    });
    const offTopic = p[classifier.labels.indexOf(OUT_OF_SCOPE)] ?? 0;
    const own = (label: string) => p[classifier.labels.indexOf(label)] ?? 0;
    return { labels, entryTop, offTopic, own };
  }

  function indexFindsNothing(r: Ranking): boolean {
    const strongest = Math.max(0, ...r.entries.map((e) => e.phraseScore));
    return (
      r.entries.length === 0 ||
      (r.vocabularyCoverage === 0 && strongest < thresholds.outOfScopeFuzzyScore) ||
      (r.vocabularyCoverage <= 0.5 && strongest < thresholds.outOfScopeScore)
    );
  }

  /**
   * The confidence in the leading label `labels[0]`: its own, or, when that falls short and the
   * message has several sentences, what the whole message and its asking part read on their own
   * agree on (the product of the two readings, renormalised). A story spreads the confidence
   * over the entries its facts touch; its question says which of them it asks about, while the
   * question alone ("can I get my money back?") seldom tells the entry. It only ever confirms
   * the whole message's leading label, never replaces it.
   */
  function answerConfidence(
    text: string,
    r: Ranking,
    labels: readonly { label: string; confidence: number }[],
  ): number {
    const [top] = labels;
    if (top === undefined || top.confidence >= thresholds.answerConfidence) {
      return top?.confidence ?? 0;
    }
    const focus = questionFocus(text);
    if (focus === undefined) return top.confidence;
    const asked = new Map(
      confidences(focus, rank(focus, r.language)).labels.map((l) => [l.label, l.confidence]),
    );
    let sum = 0;
    let lead = { label: top.label, product: -1 };
    for (const { label, confidence } of labels) {
      const product = confidence * (asked.get(label) ?? 0);
      sum += product;
      if (product > lead.product) lead = { label, product };
    }
    const together = lead.label === top.label && sum > 0 ? lead.product / sum : 0;
    return together >= thresholds.focusConfidence
      ? Math.max(together, thresholds.answerConfidence)
      : top.confidence;
  }

  function decide(text: string, r: Ranking): FaqMatch {
    const { language } = r;
    const { labels, entryTop, offTopic, own } = confidences(text, r);
    const [top] = labels;
    // The index's words pull towards entries ("which operator has the best coverage" shares
    // "operator" with a blocked number); the classifier alone judges the subject.
    if (top === undefined || top.label === OUT_OF_SCOPE) return { kind: "out_of_scope", language };
    // The index's words can carry an entry the classifier finds less likely than "off topic"
    // ("my landlord raises the rent" shares "rent" with a rented number): never answered then.
    const classifierAgrees = own(top.label) >= thresholds.offTopicRatio * offTopic;
    // Off topic for the classifier alone, unless it finds the leading entry likelier still
    // ("no me llega el sms hace 15 min": 0.33 off topic, 0.55 the SMS entry).
    if (offTopic >= thresholds.offTopic && !classifierAgrees) {
      return { kind: "out_of_scope", language };
    }
    const smallTalk = SMALL_TALK_LABELS.get(top.label);
    if (smallTalk !== undefined && top.confidence >= thresholds.smallTalkConfidence) {
      return { kind: "smalltalk", topic: smallTalk, language };
    }
    // Out of scope too when the index finds nothing and the classifier is not sure either. The
    // index is judged on the best phrasing alone: the entry score grows with how much text an
    // entry has, which says nothing about whether the question is about refunds.
    if (indexFindsNothing(r) && entryTop < thresholds.outOfScopeConfidence) {
      return { kind: "out_of_scope", language };
    }
    const entries = labels.filter((l) => faqEntry(l.label) !== undefined);
    const [best] = entries;
    if (best === undefined) return { kind: "out_of_scope", language };
    // One or two words ("refund", "refund time") fit several entries: answered only when the
    // index, too, clearly prefers this entry.
    const [first, second] = r.entries;
    const indexAgrees =
      r.termCount > 2 ||
      (first?.entryId === top.label &&
        (second === undefined || first.score >= thresholds.shortMargin * second.score));
    const confidence =
      best === top && indexAgrees && classifierAgrees ? answerConfidence(text, r, labels) : 0;
    if (confidence >= thresholds.answerConfidence) {
      const entry = faqEntry(top.label);
      if (entry?.handoff)
        return { kind: "handoff", entryId: top.label, language, score: confidence };
      const starts = entry !== undefined && entry.start !== "none";
      const want = starts ? wantOf(text, language) : undefined;
      const since = starts ? sinceReaders.get(language)?.(text) : undefined;
      return {
        kind: "answer",
        entryId: top.label,
        language,
        score: confidence,
        ...(want === undefined ? {} : { want }),
        ...(since === undefined ? {} : { since }),
      };
    }
    const close = entries
      .filter((e, i) => i < 2 || e.confidence >= best.confidence * 0.6)
      .slice(0, 3)
      .map((e) => e.label);
    return { kind: "suggestions", language, entryIds: close };
  }

  /** Whether ranking `b` fits the question clearly better than `a` (more known words, or a much stronger match). */
  const fitsBetter = (b: Ranking, a: Ranking): boolean => {
    const sa = a.entries[0]?.score ?? 0;
    const sb = b.entries[0]?.score ?? 0;
    if (b.vocabularyCoverage >= a.vocabularyCoverage + 0.5) return true;
    if (sb < thresholds.outOfScopeScore) return false;
    if (b.vocabularyCoverage >= a.vocabularyCoverage + 0.2) return true;
    return b.vocabularyCoverage >= a.vocabularyCoverage && sb > sa * 1.3;
  };

  /** Whether `b` overrules n-gram profiles that were sure of `a`: a real match, with more known words or a much stronger one. */
  const fitsClearlyBetter = (b: Ranking, a: Ranking): boolean => {
    const sa = a.entries[0]?.score ?? 0;
    const sb = b.entries[0]?.score ?? 0;
    // Nothing but stop words of the sure language ("thank you so much") is that language.
    if (a.termCount === 0 || sb < thresholds.outOfScopeScore) return false;
    if (b.vocabularyCoverage >= a.vocabularyCoverage + 0.2) return true;
    return b.vocabularyCoverage >= a.vocabularyCoverage && sb > sa * 1.3;
  };

  return {
    languages,
    rank,
    match(fullText, options) {
      const given = fullText.slice(0, MAX_QUESTION_LENGTH);
      const latin = readTransliterated(given, languages, languageModel, traits);
      const read = latin?.text ?? given;
      const guess = latin
        ? { candidates: [latin.language], certain: true }
        : detectLanguage(read, languages, options?.userLanguage, languageModel, traits);
      // Small-talk words as written ("ok bye" is English, not Russian in Latin letters), the
      // chat's language first where they are the same in several ("menu", "ok").
      const chat = options?.userLanguage ? [options.userLanguage] : [];
      const plain =
        given.length > SMALL_TALK_LENGTH
          ? undefined
          : (plainSmallTalk(given, chat, guess.candidates) ?? transliteratedSmallTalk(given));
      if (plain !== undefined) return plain;
      const fallback = options?.userLanguage ?? guess.candidates[0] ?? languages[0] ?? "en";
      const first = guess.candidates[0];
      if (first === undefined) return { kind: "out_of_scope", language: fallback };
      const text = withoutGreeting(read);
      let chosen = rank(text, first);
      // Only the runner-up language is tried: on the development sets a third never won, and
      // each costs a search. It is tried even when the n-gram profiles were sure, if the text
      // is short: a few English words with "no" in them ("no code received") read as Spanish
      // to them, while the FAQ knows every word only in English; a long text's profile is
      // sure for good reason, and a second search of 4,096 characters doubles its time. A
      // telling letter leaves no runner-up.
      // Nor when the first language's index knows every word: the runner-up could then win
      // only by a much stronger match (on the development sets two answers went each way
      // without it), and the second search doubled an English question's time.
      const runnerUp =
        (guess.certain && text.length > SURE_LANGUAGE_LENGTH) || chosen.vocabularyCoverage === 1
          ? undefined
          : guess.candidates[1];
      if (runnerUp !== undefined) {
        const other = rank(text, runnerUp);
        if (guess.certain ? fitsClearlyBetter(other, chosen) : fitsBetter(other, chosen)) {
          chosen = other;
        }
      }
      const result = decide(text, chosen);
      // Nothing in the text tells its language: reply to an off-topic message or small talk
      // ("menu", "ok thanks") in the chat's.
      if (
        (result.kind === "out_of_scope" || result.kind === "smalltalk") &&
        options?.userLanguage &&
        languages.includes(options.userLanguage) &&
        !guess.certain &&
        guess.candidates.slice(0, 2).includes(options.userLanguage)
      ) {
        return { ...result, language: options.userLanguage };
      }
      return result;
    },
    explain(fullText, language) {
      const text = withoutGreeting(fullText.slice(0, MAX_QUESTION_LENGTH));
      const r = rank(text, language);
      const { labels, offTopic, own } = confidences(text, r);
      return {
        labels: labels.slice(0, 8),
        offTopic,
        own: own(labels[0]?.label ?? ""),
        indexFindsNothing: indexFindsNothing(r),
        match: decide(text, r),
      };
    },
    languageTold(fullText) {
      const text = fullText.slice(0, MAX_QUESTION_LENGTH);
      // Two words at least: an order number, an e-mail address or a link tell no language,
      // though their letters lean towards one.
      const words = text.replace(/\S*[@/:]\S*/g, " ").match(/\p{L}{2,}/gu) ?? [];
      if (words.length < 2) return undefined;
      const latin = readTransliterated(text, languages, languageModel, traits);
      if (latin) return latin.language;
      const guess = detectLanguage(text, languages, undefined, languageModel, traits);
      return guess.certain ? guess.candidates[0] : undefined;
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
