import { describe, expect, it } from "vitest";
import { featuresOf, trainClassifier } from "../../src/faq/classifier.ts";

const samples = [
  { label: "sms", text: "the sms code never arrived" },
  { label: "sms", text: "no verification code on the number" },
  { label: "balance", text: "does my balance expire" },
  { label: "balance", text: "will the money on my account disappear" },
  { label: "sms", text: "код из смс не пришёл" },
  { label: "balance", text: "сгорает ли баланс" },
];

const best = (p: Float64Array, labels: readonly string[]) =>
  labels[p.indexOf(Math.max(...p))] ?? "";

describe("the intent classifier", () => {
  const c = trainClassifier(samples);

  it("gives every label a probability, summing to 1", () => {
    const p = c.probabilities("code");
    expect(p.length).toBe(c.labels.length);
    expect([...p].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it("reads inflections and typos through character n-grams, in any of its languages", () => {
    expect(best(c.probabilities("the codes never arived"), c.labels)).toBe("sms");
    expect(best(c.probabilities("баланс сгорит?"), c.labels)).toBe("balance");
    // Words of two languages in one message count together.
    expect(best(c.probabilities("sms код не пришел"), c.labels)).toBe("sms");
  });

  it("learns the same model on every start", () => {
    const again = trainClassifier(samples);
    expect([...again.probabilities("my balance")]).toEqual([...c.probabilities("my balance")]);
  });

  it("features a text by its words, word pairs and character n-grams", () => {
    const f = featuresOf("Код пришёл");
    expect(f.get("w код")).toBe(1);
    expect(f.get("b код пришел")).toBe(1);
    expect(f.get(" ко")).toBe(1);
  });
});
