// Near misses of a word in a fixed vocabulary, by edit distance (letters inserted, deleted or
// replaced). Every vocabulary term with up to MAX_EDITS letters deleted is listed once;
// two words within k edits of each other share a string reached by at most k deletions from
// each, so a lookup generates the word's own deletions, collects the terms listed under them
// and keeps those truly within reach. A walk of a radix tree for each word (MiniSearch's fuzzy
// search) took most of a lookup's time; this takes a few microseconds.

/** The most edits a lookup may ask for. */
export const MAX_EDITS = 2;

export interface NearMisses {
  /** The vocabulary's terms within `edits` edits of `word` (itself included), with their distance. */
  near(word: string, edits: number): Map<string, number>;
}

/** `word` and every string made from it by deleting up to `edits` letters. */
function deletions(word: string, edits: number): Set<string> {
  const all = new Set([word]);
  let level = [word];
  for (let e = 0; e < edits; e++) {
    const next: string[] = [];
    for (const w of level) {
      for (let i = 0; i < w.length; i++) {
        const shorter = w.slice(0, i) + w.slice(i + 1);
        if (!all.has(shorter)) {
          all.add(shorter);
          next.push(shorter);
        }
      }
    }
    level = next;
  }
  return all;
}

/** The edit distance of `a` and `b`, or `limit + 1` once it is sure to exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let best = i;
    const letter = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const replace = (previous[j - 1] ?? 0) + (letter === b.charCodeAt(j - 1) ? 0 : 1);
      const value = Math.min(replace, (previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1);
      row[j] = value;
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    [previous, row] = [row, previous];
  }
  return Math.min(previous[b.length] ?? 0, limit + 1);
}

export function nearMissIndex(vocabulary: Iterable<string>): NearMisses {
  const byDeletion = new Map<string, string[]>();
  let longest = 0;
  for (const term of vocabulary) {
    longest = Math.max(longest, term.length);
    for (const d of deletions(term, MAX_EDITS)) {
      const terms = byDeletion.get(d);
      if (terms === undefined) byDeletion.set(d, [term]);
      else terms.push(term);
    }
  }
  return {
    near(word, edits) {
      const found = new Map<string, number>();
      const within = Math.max(0, Math.min(Math.trunc(edits), MAX_EDITS));
      // No term is within reach of a longer word, and its deletions grow with the square of its
      // length: a "word" of thousands of letters would take seconds and gigabytes.
      if (word.length > longest + within) return found;
      const checked = new Set<string>();
      for (const d of deletions(word, within)) {
        for (const term of byDeletion.get(d) ?? []) {
          if (checked.has(term)) continue;
          checked.add(term);
          const distance = editDistance(word, term, within);
          if (distance <= within) found.set(term, distance);
        }
      }
      return found;
    },
  };
}
