// Remembered results of pure functions of one word (its index term, what it expands to in an
// index): customers' words repeat from message to message, so most of a lookup's per-word work
// is done once. Bounded: the memory starts over when full.

/** How many words each memory holds before it starts over. */
const WORDS_REMEMBERED = 20_000;

export function memoize<T>(compute: (key: string) => T): (key: string) => T {
  const memory = new Map<string, { value: T }>();
  return (key) => {
    const known = memory.get(key);
    if (known !== undefined) return known.value;
    if (memory.size >= WORDS_REMEMBERED) memory.clear();
    const value = compute(key);
    memory.set(key, { value });
    return value;
  };
}
