// Per-language word equivalences, from the `synonyms` list of locales/<lang>/faq.json: each
// line is a group of words that mean the same to a customer, colloquial, abbreviated or in
// another script ("смс sms смска эсэмэска"). Every word of a group is indexed and looked up as
// the group's first word. The map works on index terms (after stemming), so the inflected
// forms of each word ("смску", "смски") follow it without being listed.

/** Index term → the index term of its group's first word. */
export type SynonymMap = ReadonlyMap<string, string>;

/**
 * Builds the map from the groups; `toTerm` is the language's word → index term (null for stop
 * words, which cannot be synonyms). A term listed in two groups keeps its first group.
 */
export function synonymMap(
  groups: readonly string[],
  toTerms: (text: string) => (string | null)[],
): SynonymMap {
  const map = new Map<string, string>();
  for (const group of groups) {
    const terms = group
      .split(/\s+/)
      .filter(Boolean)
      .map((word) => toTerms(word))
      // A word that splits into several tokens ("сим-карта") is not one term: skip it.
      .flatMap((t) => (t.length === 1 && t[0] ? [t[0]] : []));
    const [canonical, ...others] = terms;
    if (canonical === undefined) continue;
    for (const t of others) if (t !== canonical && !map.has(t)) map.set(t, canonical);
  }
  return map;
}
