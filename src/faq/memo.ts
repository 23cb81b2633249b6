// Remembered results of pure functions of one word (its index term, what it expands to in an
// index): customers' words repeat from message to message, so most of a lookup's per-word work
// is done once. Bounded: the memory starts over when full. A word cut out of a message can be a
// view into the whole message, so keys and string results are stored as copies: a remembered
// word must not keep a 4,096-character message alive.

/** How many words each memory holds before it starts over. */
const WORDS_REMEMBERED = 20_000;

/** `text` in a string of its own, sharing no memory with the string it was cut from. */
const copied = (text: string): string => Buffer.from(text, "utf16le").toString("utf16le");

export function memoize<T>(compute: (key: string) => T): (key: string) => T {
  const memory = new Map<string, { value: T }>();
  return (key) => {
    const known = memory.get(key);
    if (known !== undefined) return known.value;
    if (memory.size >= WORDS_REMEMBERED) memory.clear();
    const computed = compute(key);
    const value = typeof computed === "string" ? (copied(computed) as T) : computed;
    memory.set(copied(key), { value });
    return value;
  };
}
