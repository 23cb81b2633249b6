import { describe, expect, it } from "vitest";
import { questionFocus } from "../../src/faq/text.ts";

describe("questionFocus", () => {
  it("is nothing for a single sentence", () => {
    expect(questionFocus("My number is down, can I get a refund?")).toBeUndefined();
    expect(questionFocus("  Hello there.  ")).toBeUndefined();
  });

  it("keeps the sentences that ask, in order", () => {
    expect(
      questionFocus(
        "Where is my money? I rented a number in May. It stopped working. Will you pay me back?",
      ),
    ).toBe("Where is my money? Will you pay me back?");
  });

  it("takes the last sentence when none asks", () => {
    expect(questionFocus("Номер не работает третий день.\nВерните деньги за эти дни.")).toBe(
      "Верните деньги за эти дни.",
    );
  });

  it("does not count punctuation alone as a sentence", () => {
    expect(questionFocus("¿Me devuelven el dinero? ... !!")).toBeUndefined();
  });

  it("keeps at most 400 characters, the last asking sentences first", () => {
    const asks = Array.from({ length: 40 }, (_, i) => `Question number ${i}?`).join(" ");
    const focus = questionFocus(asks) ?? "";
    expect(focus.length).toBeLessThanOrEqual(400);
    expect(focus.endsWith("Question number 39?")).toBe(true);
    expect(focus).not.toContain("Question number 0?");
  });
});
