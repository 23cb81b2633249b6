// The shape of locales/<lang>/faq.json, checked with zod when the FAQ starts.
import { z } from "zod";
import { FAQ_ENTRIES, FAQ_TOPICS } from "./entries.ts";
import { STEMMER_NAMES } from "./text.ts";

const text = z.string().trim().min(1);

export const faqEntryText = z.object({
  /** Short question: the button label of a suggestion and of the /faq topic list. */
  question: text,
  /** The answer; cites the clause ids. May use {{email}}. */
  answer: text,
  /** Other ways people ask it: indexed for matching, never shown. */
  phrasings: z.array(text).min(1),
  /** Extra words and synonyms: indexed, never shown. */
  keywords: z.string().optional(),
});

/** A greeting, thanks, or a call for help: not a policy question, but not out of scope. */
export const SMALL_TALK = ["greeting", "thanks", "help"] as const;
export type SmallTalk = (typeof SMALL_TALK)[number];

const smallTalkText = z.object({
  /** The bot's short reply, shown with the main menu. */
  reply: text,
  /** Ways people say it: training phrasings, never shown. */
  phrasings: z.array(text).min(1),
});

export const faqLocale = z.object({
  ui: z.object({
    topicsTitle: text,
    topicEntries: text,
    suggestions: text,
    outOfScope: text,
    talkToHuman: text,
    startRequest: text,
    clauseRef: text,
  }),
  topics: z.record(z.string(), text),
  /**
   * Groups of words that mean the same here, one group a line, the word to index them as
   * first ("смс sms смска"): colloquial, abbreviated and other-script forms. Never shown.
   */
  synonyms: z.array(text).optional(),
  entries: z.record(z.string(), faqEntryText),
  smalltalk: z.object({ greeting: smallTalkText, thanks: smallTalkText, help: smallTalkText }),
  /**
   * Questions plainly outside the policy, on the subjects people bring to a support chat
   * (weather, other services, their phone): training phrasings of "out of scope", never shown.
   */
  offTopic: z.array(text).min(1),
  /**
   * How people say where the money should go, as they write it ("to my card", "на баланс"): a
   * refund request started from a message that says only one of them begins with that answer.
   * Never shown.
   */
  refundTo: z.object({ balance: z.array(text).min(1), payout: z.array(text).min(1) }),
  /**
   * How people say since when something has been wrong, so that a refund request started from
   * the message can propose that day for the customer to confirm. `#` stands for a number, in
   * digits or one of `numbers`; `daysBack` are phrases that say how many days back by
   * themselves; `weekdays` are keyed 1 (Monday) to 7; a number of days right after one of
   * `notAfter` ("rented for 30 days") says nothing about a problem. Never shown.
   */
  /**
   * How the index reads this language's words (text.ts): stop words, the stemmer by name (and
   * the light one the benchmark compares), the endings the "suffixes" stemmer strips; and what
   * tells it from other languages (detect.ts): its script (a Unicode script name), the letters
   * and marks only it uses among the languages of that script, and cue words, frequent here and
   * not in the others of its script. Never shown.
   */
  words: z
    .object({
      script: z.string().regex(/^[A-Z][a-z]+$/),
      letters: z.string(),
      stopWords: z.array(text),
      cues: z.array(text),
      stemmer: z.enum(STEMMER_NAMES),
      lightStemmer: z.enum(STEMMER_NAMES),
      suffixes: z.array(text),
      reflexiveSuffixes: z.array(text),
    })
    .optional(),
  since: z
    .object({
      numbers: z.record(z.string().regex(/^\d+$/), z.array(text)),
      daysAgo: z.array(text.pipe(z.string().includes("#"))),
      daysBack: z.record(z.string().regex(/^\d+$/), z.array(text)),
      weekdays: z.record(z.string().regex(/^[1-7]$/), z.array(text)),
      notAfter: z.array(text),
    })
    .optional(),
});

export type FaqEntryText = z.infer<typeof faqEntryText>;
export type FaqLocale = z.infer<typeof faqLocale>;

/** Validates one language's faq.json and that it has every entry and topic. */
export function parseFaqLocale(lang: string, raw: unknown): FaqLocale {
  const parsed = faqLocale.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`locales/${lang}/faq.json: ${z.prettifyError(parsed.error)}`);
  }
  const missing = [
    ...FAQ_ENTRIES.filter((e) => !(e.id in parsed.data.entries)).map((e) => `entries.${e.id}`),
    ...FAQ_TOPICS.filter((t) => !(t in parsed.data.topics)).map((t) => `topics.${t}`),
  ];
  if (missing.length > 0) {
    throw new Error(`locales/${lang}/faq.json: missing ${missing.join(", ")}`);
  }
  return parsed.data;
}

/** i18next keys of the faq namespace, for the bot. */
export const FAQ_KEYS = {
  topicsTitle: "faq:ui.topicsTitle",
  topicEntries: "faq:ui.topicEntries",
  suggestions: "faq:ui.suggestions",
  outOfScope: "faq:ui.outOfScope",
  talkToHuman: "faq:ui.talkToHuman",
  startRequest: "faq:ui.startRequest",
  clauseRef: "faq:ui.clauseRef",
  topic: (id: string) => `faq:topics.${id}`,
  smallTalk: (kind: SmallTalk) => `faq:smalltalk.${kind}.reply`,
  question: (entryId: string) => `faq:entries.${entryId}.question`,
  answer: (entryId: string) => `faq:entries.${entryId}.answer`,
} as const;
