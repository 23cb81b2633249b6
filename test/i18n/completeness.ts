// The checks behind completeness.test.ts, as plain functions so that they can be tested too.

/** locales[lang][namespace] = parsed JSON. */
export type LocaleFiles = Record<string, Record<string, unknown>>;

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const ORDINAL_SUFFIX = /_ordinal_(zero|one|two|few|many|other)$/;

/** [dotted key, value] of every leaf; arrays (e.g. FAQ phrasings) are leaves. */
export function flatten(tree: unknown, prefix = ""): [string, unknown][] {
  if (tree === null || typeof tree !== "object" || Array.isArray(tree)) return [[prefix, tree]];
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(tree)) out.push(...flatten(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

/** Names of the `{{name}}` placeholders of a message (formats and `-` prefix ignored). */
export function placeholders(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/\{\{-?\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)) {
    if (m[1]) out.add(m[1]);
  }
  return out;
}

/** Placeholders that hold a count: written in the reader's notation (1,234 / 1 234 / 1.234). */
const COUNTS = /\{\{-?\s*(count|n|total|page|pages|max|kb|cases|days)\s*\}\}/g;

/** The counts a message interpolates without the `number` format. */
export function unformattedCounts(text: string): string[] {
  return [...text.matchAll(COUNTS)].map((m) => m[1] ?? "");
}

interface KeyInfo {
  /** Plural forms found ("one", "few"…), or null for a key without plural suffix. */
  forms: Set<string> | null;
  ordinal: boolean;
  placeholders: Set<string>;
  bad: boolean;
  /** count placeholders written without `, number` */
  raw: Set<string>;
}

function analyse(tree: unknown): Map<string, KeyInfo> {
  const keys = new Map<string, KeyInfo>();
  for (const [key, value] of flatten(tree)) {
    const ordinal = ORDINAL_SUFFIX.exec(key);
    const plural = ordinal ? null : PLURAL_SUFFIX.exec(key);
    const base = ordinal ? key.slice(0, ordinal.index) : plural ? key.slice(0, plural.index) : key;
    const info = keys.get(base) ?? {
      forms: ordinal || plural ? new Set<string>() : null,
      ordinal: ordinal !== null,
      placeholders: new Set<string>(),
      bad: false,
      raw: new Set<string>(),
    };
    const form = (ordinal ?? plural)?.[1];
    if (form && info.forms) info.forms.add(form);
    const texts =
      typeof value === "string"
        ? [value]
        : Array.isArray(value) && value.every((v) => typeof v === "string")
          ? (value as string[])
          : null;
    if (texts === null) info.bad = true;
    else {
      for (const t of texts) {
        for (const p of placeholders(t)) info.placeholders.add(p);
        for (const c of unformattedCounts(t)) info.raw.add(c);
      }
    }
    keys.set(base, info);
  }
  return keys;
}

/** Every problem found, as readable lines; empty when the locales are complete. */
export function checkLocales(files: LocaleFiles): string[] {
  const problems: string[] = [];
  const languages = Object.keys(files).sort();
  const namespaces = [...new Set(languages.flatMap((l) => Object.keys(files[l] ?? {})))].sort();
  for (const lang of languages) {
    for (const ns of namespaces) {
      if (!(ns in (files[lang] ?? {}))) problems.push(`${lang}: missing namespace ${ns}`);
    }
  }
  for (const ns of namespaces) {
    const perLang = new Map<string, Map<string, KeyInfo>>();
    for (const lang of languages) {
      const tree = files[lang]?.[ns];
      if (tree !== undefined) perLang.set(lang, analyse(tree));
    }
    const allKeys = [...new Set([...perLang.values()].flatMap((m) => [...m.keys()]))].sort();
    for (const [lang, keys] of perLang) {
      const cardinal = new Set(new Intl.PluralRules(lang).resolvedOptions().pluralCategories);
      const ordinal = new Set(
        new Intl.PluralRules(lang, { type: "ordinal" }).resolvedOptions().pluralCategories,
      );
      for (const key of allKeys) {
        const info = keys.get(key);
        if (!info) {
          problems.push(`${lang}/${ns}: missing key ${key}`);
          continue;
        }
        if (info.bad) problems.push(`${lang}/${ns}: ${key} is not text`);
        for (const c of info.raw) {
          problems.push(`${lang}/${ns}: ${key} writes {{${c}}} without the reader's notation`);
        }
        if (info.forms) {
          const needed = info.ordinal ? ordinal : cardinal;
          const lacking = [...needed].filter((c) => !info.forms?.has(c));
          if (lacking.length > 0) {
            problems.push(`${lang}/${ns}: ${key} lacks plural forms ${lacking.join(", ")}`);
          }
          for (const f of info.forms) {
            if (f !== "zero" && !needed.has(f as Intl.LDMLPluralRule)) {
              problems.push(
                `${lang}/${ns}: ${key} has plural form ${f}, which ${lang} does not use`,
              );
            }
          }
        }
        for (const [other, otherKeys] of perLang) {
          if (other === lang) continue;
          for (const p of otherKeys.get(key)?.placeholders ?? []) {
            if (!info.placeholders.has(p)) {
              const msg = `${lang}/${ns}: ${key} lacks {{${p}}} (present in ${other})`;
              if (!problems.some((x) => x.startsWith(`${lang}/${ns}: ${key} lacks {{${p}}}`))) {
                problems.push(msg);
              }
            }
          }
        }
      }
    }
  }
  return problems;
}
