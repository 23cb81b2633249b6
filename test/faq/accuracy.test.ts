// Accuracy floors on the labelled set, a few points under what the matcher reaches, so that a
// regression fails. The figures themselves are reported by `npm run bench` (faq.bench.ts).
import { describe, expect, it } from "vitest";
import { BLIND_OUT_OF_SCOPE, BLIND_SET } from "./blind-set.ts";
import { EVAL_SET, OUT_OF_SCOPE } from "./eval-set.ts";
import { EVAL_LANGUAGES, evaluate } from "./evaluate.ts";
import { FRESH_OUT_OF_SCOPE, FRESH_SET } from "./fresh-set.ts";
import { HELD_OUT_OUT_OF_SCOPE, HELD_OUT_SET } from "./held-out-set.ts";
import { HOLDOUT_OUT_OF_SCOPE, HOLDOUT_SET } from "./holdout-set.ts";
import { projectFaq } from "./setup.ts";

const { faq } = projectFaq();

/** Floors per language: top-1 accuracy, answered outright, out-of-scope precision and recall. */
const FLOORS = {
  en: { top1: 0.95, answered: 0.92, oosPrecision: 0.95, oosRecall: 0.95 },
  ru: { top1: 0.95, answered: 0.88, oosPrecision: 0.95, oosRecall: 0.9 },
  uk: { top1: 0.95, answered: 0.88, oosPrecision: 0.95, oosRecall: 0.9 },
  es: { top1: 0.93, answered: 0.88, oosPrecision: 0.95, oosRecall: 0.85 },
} as const;

/**
 * Floors on the later sets, a few points under what they measure since whole-entry scoring,
 * synonyms and the n-gram language guess (blind: top-1 en 91.7 %, ru 91.7 %, uk 100 %,
 * es 91.7 %; holdout: 100 % in all four). Both sets were used as development data for
 * that work, so they are no longer blind. A blind set has 12 questions a language: one
 * question is 8.3 points. `either`: the labelled entry answered or among the suggestions.
 */
const LATER_FLOORS = {
  /**
   * The fresh set: 30 questions a language by a second author who read only the policy and
   * the entry ids, measured once after the work above and never tuned against (top-1 en
   * 96.7 %, ru 96.7 %, uk 100 %, es 96.7 %; one question is 3.3 points). Out of scope:
   * recall 62.5–87.5 % (the rest get suggestions and the human), nothing answered outright.
   */
  fresh: {
    en: { top1: 0.93, either: 0.95 },
    ru: { top1: 0.93, either: 0.93 },
    uk: { top1: 0.95, either: 0.95 },
    es: { top1: 0.93, either: 0.95 },
  },
  blind: {
    en: { top1: 0.85, either: 0.85 },
    ru: { top1: 0.85, either: 0.85 },
    uk: { top1: 0.95, either: 0.95 },
    es: { top1: 0.85, either: 0.95 },
  },
  holdout: {
    en: { top1: 0.95, either: 0.9 },
    ru: { top1: 0.95, either: 0.95 },
    uk: { top1: 0.95, either: 0.95 },
    es: { top1: 0.95, either: 0.95 },
  },
} as const;

describe("the labelled set", () => {
  it("has at least 25 questions and 15 out-of-scope ones per language", () => {
    for (const lang of EVAL_LANGUAGES) {
      expect(EVAL_SET[lang].length).toBeGreaterThanOrEqual(25);
      expect(OUT_OF_SCOPE[lang].length).toBeGreaterThanOrEqual(15);
    }
  });

  it("labels only existing entries, and is not the FAQ's own wording", () => {
    for (const lang of EVAL_LANGUAGES) {
      const own = new Set<string>();
      const content = faq.content(lang);
      for (const e of Object.values(content.entries)) {
        for (const t of [e.question, ...e.phrasings]) own.add(t.toLowerCase());
      }
      for (const c of [...EVAL_SET[lang], ...HOLDOUT_SET[lang], ...FRESH_SET[lang]]) {
        expect(faq.entry(c.expected), c.expected).toBeDefined();
        expect(own.has(c.text.toLowerCase()), c.text).toBe(false);
      }
    }
  });
});

describe.each(EVAL_LANGUAGES)("FAQ accuracy in %s", (lang) => {
  const score = evaluate(faq, lang);
  const floor = FLOORS[lang];

  it(`top-1 accuracy ≥ ${floor.top1}`, () => {
    expect(score.top1, score.misses.join("\n")).toBeGreaterThanOrEqual(floor.top1);
  });

  it(`answers outright ≥ ${floor.answered}`, () => {
    expect(score.answered, score.misses.join("\n")).toBeGreaterThanOrEqual(floor.answered);
  });

  it("answers in the language of the question, whatever the chat's setting", () => {
    expect(score.languageRight).toBe(1);
  });

  it("calls out of scope only what is, and most of what is", () => {
    expect(score.outOfScopePrecision).toBeGreaterThanOrEqual(floor.oosPrecision);
    expect(score.outOfScopeRecall, score.misses.join("\n")).toBeGreaterThanOrEqual(floor.oosRecall);
    expect(score.outOfScopeAnswered).toBe(0);
  });
});

describe.each(EVAL_LANGUAGES)("FAQ accuracy on the later sets, %s", (lang) => {
  it("second set: top-1 ≥ 0.95", () => {
    const s = evaluate(faq, lang, HELD_OUT_SET[lang], HELD_OUT_OUT_OF_SCOPE[lang]);
    expect(s.top1, s.misses.join("\n")).toBeGreaterThanOrEqual(0.95);
    expect(s.outOfScopeAnswered).toBe(0);
  });

  const blind = LATER_FLOORS.blind[lang];
  it(`blind set: top-1 ≥ ${blind.top1}, answered or suggested ≥ ${blind.either}`, () => {
    const s = evaluate(faq, lang, BLIND_SET[lang], BLIND_OUT_OF_SCOPE[lang]);
    expect(s.top1, s.misses.join("\n")).toBeGreaterThanOrEqual(blind.top1);
    expect(s.answeredOrSuggested, s.misses.join("\n")).toBeGreaterThanOrEqual(blind.either);
    expect(s.outOfScopeAnswered).toBe(0);
  });

  const fresh = LATER_FLOORS.fresh[lang];
  it(`fresh set: top-1 ≥ ${fresh.top1}, answered or suggested ≥ ${fresh.either}`, () => {
    const s = evaluate(faq, lang, FRESH_SET[lang], FRESH_OUT_OF_SCOPE[lang]);
    expect(s.top1, s.misses.join("\n")).toBeGreaterThanOrEqual(fresh.top1);
    expect(s.answeredOrSuggested, s.misses.join("\n")).toBeGreaterThanOrEqual(fresh.either);
    expect(s.outOfScopeAnswered).toBe(0);
  });

  const holdout = LATER_FLOORS.holdout[lang];
  it(`holdout set: top-1 ≥ ${holdout.top1}, answered or suggested ≥ ${holdout.either}`, () => {
    const s = evaluate(faq, lang, HOLDOUT_SET[lang], HOLDOUT_OUT_OF_SCOPE[lang]);
    expect(s.top1, s.misses.join("\n")).toBeGreaterThanOrEqual(holdout.top1);
    expect(s.answeredOrSuggested, s.misses.join("\n")).toBeGreaterThanOrEqual(holdout.either);
    expect(s.outOfScopeAnswered).toBe(0);
  });
});
