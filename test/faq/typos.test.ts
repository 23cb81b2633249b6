import { describe, expect, it } from "vitest";
import { editDistance, MAX_EDITS, nearMissIndex } from "../../src/faq/typos.ts";

/** Plain Levenshtein distance, the whole matrix: what the index must agree with. */
function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] ?? [];
      const up = d[i - 1] ?? [];
      row[j] = Math.min(
        (up[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        (up[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
      );
    }
  }
  return d[a.length]?.[b.length] ?? 0;
}

const VOCABULARY = [
  "number",
  "numb",
  "refund",
  "refunded",
  "code",
  "codes",
  "balance",
  "blocked",
  "номер",
  "номера",
  "возврат",
  "баланс",
  "reembolso",
  "número",
];

describe("edit distance", () => {
  it("counts insertions, deletions and replacements", () => {
    expect(editDistance("numbr", "number", 2)).toBe(1);
    expect(editDistance("nubmer", "number", 2)).toBe(2);
    expect(editDistance("code", "code", 2)).toBe(0);
    expect(editDistance("номр", "номер", 1)).toBe(1);
  });

  it("stops at the limit", () => {
    expect(editDistance("refund", "balance", 2)).toBe(3);
    expect(editDistance("a", "abcdef", 1)).toBe(2);
  });
});

describe("near misses", () => {
  const index = nearMissIndex(VOCABULARY);
  // Every word within reach, and many out of it: the vocabulary's words with letters changed.
  const letters = "abcdemnoruн";
  const words = VOCABULARY.flatMap((w) => [
    w,
    w.slice(1),
    w.slice(0, -1),
    `${w}s`,
    ...[...letters].map((l, i) => w.slice(0, i % w.length) + l + w.slice((i % w.length) + 1)),
    ...[...letters].map((l, i) => `${w.slice(0, i % w.length)}${l}${l}${w.slice(i % w.length)}`),
  ]);

  for (let edits = 0; edits <= MAX_EDITS; edits++) {
    it(`finds exactly the terms within ${edits} edits, with their distance`, () => {
      for (const word of words) {
        const expected = new Map(
          VOCABULARY.map((t) => [t, levenshtein(word, t)] as const).filter(([, d]) => d <= edits),
        );
        expect(index.near(word, edits), word).toEqual(expected);
      }
    });
  }

  it("finds nothing for a word longer than any term can reach, however long", () => {
    // Its deletions would grow with the square of its length: a 4,096-letter "word" is
    // answered at once, not after minutes and gigabytes.
    const long = "numberrefund".repeat(342);
    expect(index.near(long, MAX_EDITS).size).toBe(0);
    expect(index.near(`${"reembolso".slice(0, 9)}xx`, MAX_EDITS)).toEqual(
      new Map([["reembolso", 2]]),
    );
  });

  it("reads letters outside the basic plane and combining marks as the letters they are", () => {
    const marked = nearMissIndex(["cafe\u0301", "😀smile", "naïve"]);
    expect(marked.near("cafe", 1)).toEqual(new Map([["cafe\u0301", 1]]));
    expect(marked.near("😀smil", 1)).toEqual(new Map([["😀smile", 1]]));
    expect(marked.near("naive", 1)).toEqual(new Map([["naïve", 1]]));
  });
});
