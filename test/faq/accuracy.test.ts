// Accuracy floors on the labelled sets (sets/*.json, described in sets/README.md), a few points
// under what the matcher reaches, so that a regression fails. The figures themselves are
// reported by `npm run bench` and `npm run faq:evaluate`.
import { describe, expect, it } from "vitest";
import { evaluateSet, loadSet, rate, type Tally } from "./evaluate.ts";
import { projectFaq } from "./setup.ts";

const { faq } = projectFaq();

/** Lowest shares allowed: first-ranked right and answered right. */
interface Floor {
  first: number;
  answered: number;
}

const floor = (first: number, answered: number): Floor => ({ first, answered });

/**
 * `language`: the lowest share of questions answered in their own language; `wrong`: the
 * highest share answered outright with another entry; `smalltalk`: the lowest share of small
 * talk given the small-talk reply.
 */
const SETS: {
  file: string;
  language: number;
  wrong: number;
  smalltalk?: number;
  /** how many out-of-scope messages may be answered outright (default none) */
  outOfScopeAnswered?: number;
  /** the lowest share of out-of-scope messages given the out-of-scope reply */
  declined?: number;
  byLanguage: Record<string, Floor>;
  byStyle?: Record<string, Floor>;
}[] = [
  {
    file: "dev.json",
    language: 0.95,
    wrong: 0.01,
    smalltalk: 0.75,
    declined: 0.9,
    byLanguage: {
      en: floor(0.9, 0.88),
      ru: floor(0.93, 0.9),
      uk: floor(0.94, 0.93),
      es: floor(0.95, 0.92),
    },
    byStyle: {
      plain: floor(0.97, 0.97),
      colloquial: floor(0.94, 0.92),
      long: floor(0.95, 0.87),
      short: floor(0.8, 0.75),
      mixed: floor(0.95, 0.95),
      translit: floor(0.9, 0.9),
    },
  },
  {
    file: "dev2.json",
    language: 0.98,
    wrong: 0.01,
    smalltalk: 0.75,
    declined: 0.9,
    byLanguage: {
      en: floor(0.93, 0.93),
      ru: floor(0.96, 0.93),
      uk: floor(0.96, 0.9),
      es: floor(0.9, 0.87),
    },
    byStyle: {
      plain: floor(0.97, 0.97),
      colloquial: floor(0.96, 0.93),
      long: floor(0.96, 0.96),
      short: floor(0.9, 0.85),
      mixed: floor(0.8, 0.7),
      translit: floor(0.95, 0.85),
    },
  },
  {
    // Mostly tricky out-of-scope messages (sets/README.md); 4 in-scope stories a language.
    file: "dev3.json",
    language: 1,
    wrong: 0.07,
    smalltalk: 0.6,
    outOfScopeAnswered: 3,
    declined: 0.93,
    byLanguage: {
      en: floor(0.5, 0.5),
      ru: floor(0.5, 0.5),
      uk: floor(0.5, 0.5),
      es: floor(0.5, 0.5),
    },
  },
  {
    // The first independent author's set: measured once blind (sets/README.md), development
    // data since issue #16's fifth session; the floors sit a few points under its figures.
    file: "independent.json",
    language: 0.98,
    wrong: 0.01,
    smalltalk: 0.9,
    outOfScopeAnswered: 0,
    declined: 0.8,
    byLanguage: {
      en: floor(0.94, 0.88),
      ru: floor(0.9, 0.84),
      uk: floor(0.93, 0.88),
      es: floor(0.89, 0.87),
    },
    byStyle: {
      plain: floor(0.95, 0.93),
      colloquial: floor(0.93, 0.9),
      long: floor(0.92, 0.86),
      short: floor(0.84, 0.76),
      mixed: floor(0.85, 0.75),
      translit: floor(0.95, 0.9),
    },
  },
  {
    // The second independent author's set: measured once blind (sets/README.md), development
    // data since issue #16's fifth session; the floors sit a few points under its figures.
    file: "independent-2.json",
    language: 0.98,
    wrong: 0.01,
    smalltalk: 0.9,
    outOfScopeAnswered: 0,
    declined: 0.9,
    byLanguage: {
      en: floor(0.96, 0.94),
      ru: floor(0.95, 0.92),
      uk: floor(0.96, 0.95),
      es: floor(0.93, 0.9),
    },
    byStyle: {
      plain: floor(0.97, 0.96),
      colloquial: floor(0.96, 0.94),
      long: floor(0.96, 0.92),
      short: floor(0.92, 0.82),
      mixed: floor(0.9, 0.9),
      translit: floor(0.95, 0.92),
    },
  },
  {
    // The third independent author's set: written from the policy alone while the fifth
    // session's work was done, measured once blind after it (sets/README.md); development data
    // since the sixth session.
    file: "independent-3.json",
    language: 0.98,
    wrong: 0.01,
    smalltalk: 0.9,
    outOfScopeAnswered: 0,
    declined: 0.93,
    byLanguage: {
      en: floor(0.95, 0.88),
      ru: floor(0.94, 0.88),
      uk: floor(0.93, 0.88),
      es: floor(0.93, 0.85),
    },
    byStyle: {
      plain: floor(0.97, 0.92),
      colloquial: floor(0.92, 0.86),
      long: floor(0.94, 0.83),
      short: floor(0.88, 0.77),
      mixed: floor(0.95, 0.95),
      translit: floor(0.95, 0.9),
    },
  },
  {
    // The fourth independent author's set: written from the policy alone during the sixth
    // session, measured once blind (sets/README.md), then tuned against for off-topic
    // messages; the floors sit a few points under its figures.
    file: "independent-4.json",
    language: 0.98,
    wrong: 0.01,
    smalltalk: 0.9,
    outOfScopeAnswered: 2,
    declined: 0.85,
    byLanguage: {
      en: floor(0.92, 0.86),
      ru: floor(0.94, 0.88),
      uk: floor(0.91, 0.83),
      es: floor(0.9, 0.81),
    },
    byStyle: {
      plain: floor(0.93, 0.89),
      colloquial: floor(0.92, 0.82),
      long: floor(0.9, 0.78),
      short: floor(0.91, 0.8),
      mixed: floor(0.94, 0.94),
      translit: floor(0.95, 0.93),
    },
  },
  {
    // The sixth independent author's set: written from the policy alone during the sixth
    // session, measured once blind (sets/README.md), then tuned against for job inquiries and
    // close entries; the floors sit a few points under its figures.
    file: "independent-5.json",
    language: 0.98,
    wrong: 0.01,
    smalltalk: 0.9,
    outOfScopeAnswered: 3,
    declined: 0.88,
    byLanguage: {
      en: floor(0.94, 0.87),
      ru: floor(0.95, 0.91),
      uk: floor(0.94, 0.92),
      es: floor(0.95, 0.87),
    },
    byStyle: {
      plain: floor(0.96, 0.95),
      colloquial: floor(0.94, 0.9),
      long: floor(0.94, 0.81),
      short: floor(0.94, 0.91),
      mixed: floor(0.92, 0.87),
      translit: floor(0.95, 0.93),
    },
  },
  {
    // The test set: a seventh author's, written from the policy alone and kept outside the
    // repository until the sixth session's work was done, measured once (sets/README.md) and
    // never tuned against; the floors sit a few points under its figures.
    file: "independent-6.json",
    language: 0.98,
    wrong: 0.01,
    smalltalk: 0.9,
    outOfScopeAnswered: 1,
    declined: 0.95,
    byLanguage: {
      en: floor(0.95, 0.9),
      ru: floor(0.95, 0.9),
      uk: floor(0.93, 0.88),
      es: floor(0.95, 0.93),
    },
    byStyle: {
      plain: floor(0.97, 0.95),
      colloquial: floor(0.95, 0.91),
      long: floor(0.93, 0.89),
      short: floor(0.9, 0.83),
      mixed: floor(0.95, 0.9),
      translit: floor(0.95, 0.93),
    },
  },
  ...["tuning.json", "second.json", "blind.json", "holdout.json", "fresh.json"].map((file) => ({
    file,
    language: 1,
    wrong: 0.01,
    // 12–32 questions a language: one miss is 3–8 points. Answering needs 0.7 since issue
    // #16's fifth session, so a few more of these get suggestions with the right entry first.
    byLanguage: {
      en: floor(0.92, 0.75),
      ru: floor(0.92, 0.75),
      uk: floor(0.92, 0.75),
      es: floor(0.92, 0.75),
    },
  })),
];

describe("the labelled sets", () => {
  // second.json's and blind.json's misses were once added to the FAQ as phrasings.
  // independent.json's author never saw the FAQ; a short message of theirs ("number not
  // working") may still coincide with a phrasing, which is no copy.
  const unlike = new Set([
    "dev.json",
    "dev2.json",
    "dev3.json",
    "tuning.json",
    "holdout.json",
    "fresh.json",
  ]);

  it("label only existing entries, and are not the FAQ's own wording", () => {
    const own = new Set<string>();
    for (const lang of faq.languages) {
      for (const e of Object.values(faq.content(lang).entries)) {
        for (const t of [e.question, ...e.phrasings]) own.add(t.toLowerCase());
      }
    }
    for (const { file } of SETS) {
      for (const c of loadSet(file)) {
        if (c.expected !== "out_of_scope" && c.expected !== "smalltalk") {
          expect(faq.entry(c.expected), `${file}: ${c.expected}`).toBeDefined();
        }
        if (unlike.has(file))
          expect(own.has(c.text.toLowerCase()), `${file}: ${c.text}`).toBe(false);
      }
    }
  });
});

describe.each(SETS)("FAQ accuracy on $file", (set) => {
  const { file, language, wrong, smalltalk, outOfScopeAnswered, declined, byLanguage, byStyle } =
    set;
  const score = evaluateSet(faq, loadSet(file));
  const misses = score.misses.join("\n");
  const check = (label: string, t: Tally | undefined, f: Floor) => {
    expect(t, label).toBeDefined();
    if (t === undefined) return;
    expect(
      rate(t.firstRight, t.questions),
      `${label} first-ranked\n${misses}`,
    ).toBeGreaterThanOrEqual(f.first);
    expect(
      rate(t.answeredRight, t.questions),
      `${label} answered\n${misses}`,
    ).toBeGreaterThanOrEqual(f.answered);
  };

  it.each(Object.entries(byLanguage))("in %s: at least the floors", (lang, f) => {
    check(lang, score.byLanguage.get(lang), f);
  });

  it.each(Object.entries(byStyle ?? {}))("style %s: at least the floors", (style, f) => {
    check(style, score.byStyle.get(style), f);
  });

  it(`answers at least ${language * 100} % of the questions in their own language`, () => {
    expect(rate(score.all.languageRight, score.all.questions), misses).toBeGreaterThanOrEqual(
      language,
    );
  });

  it(`answers at most ${wrong * 100} % of the questions with a wrong entry`, () => {
    expect(rate(score.all.wrongAnswered, score.all.questions), misses).toBeLessThanOrEqual(wrong);
  });

  // Only the sets that hold small talk get the test (none is registered and skipped).
  if (smalltalk !== undefined) {
    it("answers small talk as small talk", () => {
      expect(rate(score.all.smalltalkRight, score.all.smalltalk), misses).toBeGreaterThanOrEqual(
        smalltalk,
      );
    });
  }

  if (declined !== undefined) {
    it("declines out-of-scope messages", () => {
      expect(
        rate(score.all.outOfScopeDeclined, score.all.outOfScope),
        misses,
      ).toBeGreaterThanOrEqual(declined);
    });
  }

  it(`answers at most ${outOfScopeAnswered ?? 0} out-of-scope messages outright`, () => {
    expect(score.all.outOfScopeAnswered, misses).toBeLessThanOrEqual(outOfScopeAnswered ?? 0);
  });
});
