import MiniSearch from "minisearch";
import { describe, expect, it } from "vitest";
import { type Bm25Document, createBm25Index, type Lookup } from "../../src/faq/bm25.ts";

// A small corpus with shared words, repeats, prefixes and near misses, and the same lookups
// MiniSearch is given: the scores must be the ones MiniSearch's own search gives.
const TEXTS = [
  "my number stopped working refund",
  "numbers numbered number",
  "refund refund refunded to the balance",
  "the code never arrived",
  "a code arrived late and the number was blocked",
  "balance payout request",
  "numbr workng",
];
const BOOSTS = [1.2, 1, 0.6, 1, 1, 1.2, 1];
const words = (text: string) => text.split(" ");

function reference(lookup: (term: string, count: number) => Lookup) {
  const index = new MiniSearch<{ id: number; text: string }>({
    fields: ["text"],
    tokenize: words,
    searchOptions: {
      combineWith: "OR",
      prefix: (term, _i, terms) => lookup(term, terms.length).prefix,
      fuzzy: (term, _i, terms) => lookup(term, terms.length).typos,
      maxFuzzy: 2,
      weights: { fuzzy: 0.5, prefix: 0.6 },
      boostDocument: (id) => BOOSTS[id as number] ?? 1,
    },
  });
  index.addAll(TEXTS.map((text, id) => ({ id, text })));
  return index;
}

const documents: Bm25Document[] = TEXTS.map((text, i) => ({
  terms: words(text),
  length: new Set(words(text)).size,
  boost: BOOSTS[i] ?? 1,
}));

const scored = (
  query: string,
  lookup: (term: string, count: number) => Lookup,
): { found: string[]; hits: Map<number, [number, number]> } => {
  const hits = new Map<number, [number, number]>();
  const found = createBm25Index(documents).search(words(query), lookup, (doc, score, matched) =>
    hits.set(doc, [score, matched]),
  );
  return { found: [...found].sort(), hits };
};

describe("BM25 index", () => {
  const lookups: [string, (term: string, count: number) => Lookup][] = [
    ["as written", () => ({ prefix: false, typos: 0 })],
    ["with prefixes", (term) => ({ prefix: term.length >= 4, typos: 0 })],
    ["with prefixes and typos", (term) => ({ prefix: true, typos: term.length >= 6 ? 2 : 1 })],
    // Repeated words count in how many terms a query has, as in MiniSearch.
    [
      "with typos for queries of at most two terms",
      (term, count) => ({ prefix: count <= 2, typos: count <= 2 && term.length >= 4 ? 1 : 0 }),
    ],
  ];
  const queries = [
    "number refund",
    "numb code",
    "refund refund balance",
    "nuber arived",
    "number arrived numbr",
    "numbers blocked",
    "blocked payout numbr",
    "nothing here",
  ];
  for (const [name, lookup] of lookups) {
    it(`scores as MiniSearch does, ${name}`, () => {
      const index = reference(lookup);
      for (const query of queries) {
        const expected = index.search(query);
        const { found, hits } = scored(query, lookup);
        expect(hits.size, query).toBe(expected.length);
        for (const r of expected) {
          const [score, matched] = hits.get(r.id as number) ?? [0, 0];
          expect(score, `${query} → ${r.id}`).toBeCloseTo(r.score, 9);
          expect(matched).toBe(r.queryTerms.length);
        }
        expect(found).toEqual([...new Set(expected.flatMap((r) => r.queryTerms))].sort());
      }
    });
  }

  it("finds nothing for no terms", () => {
    const visited: number[] = [];
    const found = createBm25Index(documents).search(
      [],
      () => ({ prefix: true, typos: 2 }),
      (doc) => visited.push(doc),
    );
    expect(found.size).toBe(0);
    expect(visited).toEqual([]);
  });

  it("visits each document once, and one index gives every search MiniSearch's scores", () => {
    const lookup = (term: string) => ({
      prefix: term.length >= 4,
      typos: term.length >= 6 ? 2 : 1,
    });
    const index = createBm25Index(documents);
    const miniSearch = reference(lookup);
    for (let round = 0; round < 3; round++) {
      for (const query of queries) {
        const visits: number[] = [];
        const scores = new Map<number, number>();
        index.search(words(query), lookup, (doc, score) => {
          visits.push(doc);
          scores.set(doc, score);
        });
        expect(new Set(visits).size, query).toBe(visits.length);
        const expected = miniSearch.search(query);
        expect(visits.length, query).toBe(expected.length);
        for (const r of expected) expect(scores.get(r.id as number)).toBeCloseTo(r.score, 9);
      }
    }
  });

  it("gives each search its own sums (nothing carried over from the previous one)", () => {
    const index = createBm25Index(documents);
    const lookup = () => ({ prefix: false, typos: 0 });
    const first = new Map<number, number>();
    index.search(["number"], lookup, (doc, score) => first.set(doc, score));
    index.search(["refund", "code"], lookup, () => {});
    const again = new Map<number, number>();
    index.search(["number"], lookup, (doc, score) => again.set(doc, score));
    expect(again).toEqual(first);
  });
});
