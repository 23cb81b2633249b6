import { describe, expect, it } from "vitest";
import { memoize } from "../../src/faq/memo.ts";

describe("memoize", () => {
  it("computes each key once and gives back the same value", () => {
    const calls: string[] = [];
    const upper = memoize((w: string) => {
      calls.push(w);
      return { word: w.toUpperCase() };
    });
    const first = upper("refund");
    expect(upper("refund")).toBe(first);
    expect(upper("code").word).toBe("CODE");
    expect(calls).toEqual(["refund", "code"]);
  });

  it("remembers a null result too (a stop word has no index term)", () => {
    let calls = 0;
    const term = memoize((w: string) => {
      calls++;
      return w === "the" ? null : w;
    });
    expect(term("the")).toBeNull();
    expect(term("the")).toBeNull();
    expect(calls).toBe(1);
  });

  it("starts over when full, computing a forgotten key again", () => {
    let calls = 0;
    const same = memoize((w: string) => {
      calls++;
      return w;
    });
    same("first");
    for (let i = 0; i < 20_000; i++) same(`w${i}`);
    const before = calls;
    same("first");
    expect(calls).toBe(before + 1);
  });
});
