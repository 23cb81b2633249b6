export {
  FAQ_KEYS,
  type FaqEntryText,
  type FaqLocale,
  parseFaqLocale,
  SMALL_TALK,
  type SmallTalk,
} from "./content.ts";
export {
  detectLanguage,
  type LanguageGuess,
  type LanguageTraits,
  languageTraits,
  type Traits,
} from "./detect.ts";
export {
  ALL_CLAUSES,
  type ClauseId,
  entriesOfTopic,
  FAQ_ENTRIES,
  FAQ_ENTRY_IDS,
  FAQ_TOPICS,
  type FaqEntry,
  type FaqStart,
  type FaqTopicId,
  faqEntry,
} from "./entries.ts";
export {
  createFaq,
  createFaqFromLocales,
  DEFAULT_THRESHOLDS,
  type Explanation,
  type Faq,
  type FaqMatch,
  type FaqOptions,
  type FaqThresholds,
  type FaqTopic,
  MAX_QUESTION_LENGTH,
  type RankedEntry,
  type Ranking,
  type RefundTo,
} from "./matcher.ts";
export { type Since, sinceDay } from "./since.ts";
