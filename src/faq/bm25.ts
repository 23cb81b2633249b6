// BM25 ranking over postings computed once at start. MiniSearch's search builds an object per
// matching document for every word of the question and merges them word by word, which was
// most of a lookup's time; here each word's documents add their precomputed scores into one
// array. The scores are MiniSearch's: BM25+ (k 1.2, b 0.7, d 0.5) with a text's length counted
// in distinct words, times the document's boost; prefix and typo matches weighted down; the sum
// multiplied by how many of the question's terms the document matched. The vocabulary is
// MiniSearch's radix tree, which finds the terms a term begins; near misses come from typos.ts.
import SearchableMap from "minisearch/SearchableMap";
import { memoize } from "./memo.ts";
import { MAX_EDITS, type NearMisses, nearMissIndex } from "./typos.ts";

export interface Bm25Document {
  /** Its index terms, in order, repeats kept (they count). */
  terms: readonly string[];
  /** Its length: how many distinct words it has as written. */
  length: number;
  boost: number;
}

/** How a term of a question is looked up besides as itself. */
export interface Lookup {
  /** Also every longer term it begins. */
  prefix: boolean;
  /** Also terms up to this many edits away (0: none; at most `MAX_EDITS`). */
  typos: number;
}

/** A document a question matched: its score, and how many distinct terms of the question it has. */
export type Visit = (doc: number, score: number, matched: number) => void;

interface Postings {
  docs: Int32Array;
  scores: Float64Array;
}

const K = 1.2;
const B = 0.7;
const D = 0.5;
const PREFIX_WEIGHT = 0.6;
const TYPO_WEIGHT = 0.5;

export interface Bm25Index {
  /**
   * Scores every document that has a term of `terms` (repeats count twice, as in MiniSearch),
   * calls `visit` once for each, and returns the terms that matched anything.
   */
  search(
    terms: readonly string[],
    lookup: (term: string, termCount: number) => Lookup,
    visit: Visit,
  ): Set<string>;
}

export function createBm25Index(documents: readonly Bm25Document[]): Bm25Index {
  const count = documents.length;
  const averageLength = documents.reduce((sum, d) => sum + d.length, 0) / Math.max(1, count);
  const frequencies = new Map<string, Map<number, number>>();
  documents.forEach((d, doc) => {
    for (const term of d.terms) {
      const byDoc = frequencies.get(term) ?? new Map<number, number>();
      byDoc.set(doc, (byDoc.get(doc) ?? 0) + 1);
      frequencies.set(term, byDoc);
    }
  });
  const vocabulary = new SearchableMap<Postings>();
  for (const [term, byDoc] of frequencies) {
    const idf = Math.log(1 + (count - byDoc.size + 0.5) / (byDoc.size + 0.5));
    const postings: Postings = {
      docs: new Int32Array(byDoc.size),
      scores: new Float64Array(byDoc.size),
    };
    let i = 0;
    for (const [doc, tf] of byDoc) {
      const d = documents[doc];
      if (d === undefined) continue;
      const norm = K * (1 - B + (B * d.length) / averageLength);
      postings.docs[i] = doc;
      postings.scores[i] = d.boost * idf * (D + (tf * (K + 1)) / (tf + norm));
      i++;
    }
    vocabulary.set(term, postings);
  }
  // Built on the first typo search: an index searched without typos (the whole-entry one)
  // never needs it.
  let nearMisses: NearMisses | undefined;
  const typoIndex = (): NearMisses => {
    nearMisses ??= nearMissIndex(vocabulary.keys());
    return nearMisses;
  };

  /** The vocabulary's terms a query term stands for, each with its weight. */
  function expand(term: string, { prefix, typos }: Lookup): [Postings, number][] {
    const out: [Postings, number][] = [];
    const exact = vocabulary.get(term);
    if (exact !== undefined) out.push([exact, 1]);
    const near = typos > 0 ? typoIndex().near(term, typos) : undefined;
    if (prefix) {
      for (const [longer, postings] of vocabulary.atPrefix(term)) {
        const extra = longer.length - term.length;
        if (extra === 0) continue;
        // A term both begins with the query term and is a typo of it: it counts as a prefix.
        near?.delete(longer);
        out.push([postings, (PREFIX_WEIGHT * longer.length) / (longer.length + 0.3 * extra)]);
      }
    }
    if (near !== undefined) {
      for (const [other, distance] of near) {
        const postings = vocabulary.get(other);
        if (distance === 0 || postings === undefined) continue;
        out.push([postings, (TYPO_WEIGHT * other.length) / (other.length + distance)]);
      }
    }
    return out;
  }

  // What each term expands to, remembered for each way of looking it up.
  const ways = (prefix: boolean) =>
    Array.from({ length: MAX_EDITS + 1 }, (_, typos) =>
      memoize((term: string) => expand(term, { prefix, typos })),
    );
  const withPrefixes = ways(true);
  const asWritten = ways(false);

  // Per-document sums, reused by every search; a stamp tells whether a slot is this search's
  // (or this term's) without clearing the arrays.
  const sums = new Float64Array(count);
  const matched = new Uint16Array(count);
  const searchStamp = new Uint32Array(count);
  const termStamp = new Uint32Array(count);
  let stamp = 0;

  return {
    search(terms, lookup, visit) {
      // A search takes one stamp and one per distinct term (a few thousand at most): start over
      // well before they would wrap around.
      if (stamp > 0xffff_0000) {
        searchStamp.fill(0);
        termStamp.fill(0);
        stamp = 0;
      }
      const repeats = new Map<string, number>();
      for (const t of terms) if (t !== "") repeats.set(t, (repeats.get(t) ?? 0) + 1);
      const thisSearch = ++stamp;
      const touched: number[] = [];
      const found = new Set<string>();
      for (const [term, times] of repeats) {
        const { prefix, typos } = lookup(term, terms.length);
        const edits = Math.max(0, Math.min(Math.trunc(typos), MAX_EDITS));
        const expansions = (prefix ? withPrefixes : asWritten)[edits]?.(term) ?? [];
        if (expansions.length > 0) found.add(term);
        const thisTerm = ++stamp;
        for (const [postings, weight] of expansions) {
          const { docs, scores } = postings;
          for (let i = 0; i < docs.length; i++) {
            const doc = docs[i] ?? 0;
            const score = times * weight * (scores[i] ?? 0);
            if (searchStamp[doc] !== thisSearch) {
              searchStamp[doc] = thisSearch;
              sums[doc] = 0;
              matched[doc] = 0;
              touched.push(doc);
            }
            sums[doc] = (sums[doc] ?? 0) + score;
            if (termStamp[doc] !== thisTerm) {
              termStamp[doc] = thisTerm;
              matched[doc] = (matched[doc] ?? 0) + 1;
            }
          }
        }
      }
      for (const doc of touched) {
        const m = matched[doc] ?? 0;
        visit(doc, (sums[doc] ?? 0) * m, m);
      }
      return found;
    },
  };
}
