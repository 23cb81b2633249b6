// Multilingual foundation: every word a person reads lives in locales/<lang>/<namespace>.json.
// Languages are the folders under locales/, namespaces the JSON files in them: adding a
// language is adding a folder. Everything is read synchronously at start.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import i18next, { type i18n as I18nextInstance } from "i18next";
import { z } from "zod";

/** A locale file: nested objects whose leaves are strings or lists of strings. */
export type LocaleTree = { [key: string]: string | string[] | LocaleTree };

const localeTree: z.ZodType<LocaleTree> = z.lazy(() =>
  z.record(z.string(), z.union([z.string(), z.array(z.string()), localeTree])),
);

/** Values that may be interpolated into a message (`{{name}}`, `{{when, datetime}}`). */
export type TParams = Record<string, string | number | Date | boolean | undefined>;

export interface I18n {
  /** The languages found under the locales directory, sorted. */
  readonly languages: readonly string[];
  /** The namespaces (file names without .json) found in any language, sorted. */
  readonly namespaces: readonly string[];
  readonly fallbackLanguage: string;
  /** Translates `key` ("namespace:path.to.key", or a key of the default namespace). */
  t(lang: string, key: string, params?: TParams): string;
  /** Whether `key` resolves in `lang` itself (no fallback). */
  exists(lang: string, key: string): boolean;
  isSupported(lang: string | undefined): boolean;
  /** Maps a Telegram `language_code` ("ru", "ru-RU", "pt_br") to a supported language. */
  pickLanguage(telegramLanguageCode: string | undefined, defaultLang?: string): string;
  /** One namespace of one language, as loaded (read-only view). */
  resources(lang: string, namespace: string): LocaleTree | undefined;
}

export interface CreateI18nOptions {
  localesDir: string;
  fallbackLanguage: string;
  /** Default namespace for keys without "ns:" (default "common" if present, else the first). */
  defaultNamespace?: string;
}

/** Reads every locales/<lang>/<ns>.json; throws on malformed files. */
export function loadLocales(localesDir: string): Record<string, Record<string, LocaleTree>> {
  const out: Record<string, Record<string, LocaleTree>> = {};
  const languages = readdirSync(localesDir)
    .filter((name) => !name.startsWith(".") && statSync(path.join(localesDir, name)).isDirectory())
    .sort();
  for (const lang of languages) {
    const dir = path.join(localesDir, lang);
    const bundles: Record<string, LocaleTree> = {};
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith(".json")) continue;
      const full = path.join(dir, file);
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(full, "utf8"));
      } catch (err) {
        throw new Error(`${full}: invalid JSON (${(err as Error).message})`);
      }
      const checked = localeTree.safeParse(parsed);
      if (!checked.success) throw new Error(`${full}: ${z.prettifyError(checked.error)}`);
      bundles[file.slice(0, -".json".length)] = checked.data;
    }
    out[lang] = bundles;
  }
  return out;
}

/** The primary subtag of a language code, lower-cased: "ru-RU" → "ru", "pt_BR" → "pt". */
export function baseLanguage(code: string): string {
  return code.trim().toLowerCase().split(/[-_]/)[0] ?? "";
}

export function createI18n(options: CreateI18nOptions): I18n {
  const resources = loadLocales(options.localesDir);
  const languages = Object.keys(resources);
  if (!languages.includes(options.fallbackLanguage)) {
    throw new Error(
      `fallback language "${options.fallbackLanguage}" has no folder in ${options.localesDir}`,
    );
  }
  const namespaces = [...new Set(languages.flatMap((l) => Object.keys(resources[l] ?? {})))].sort();
  const defaultNS =
    options.defaultNamespace ?? (namespaces.includes("common") ? "common" : namespaces[0]);

  const instance: I18nextInstance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    resources,
    lng: options.fallbackLanguage,
    fallbackLng: options.fallbackLanguage,
    supportedLngs: languages,
    nonExplicitSupportedLngs: true,
    load: "languageOnly",
    ns: namespaces,
    defaultNS: defaultNS ?? false,
    returnNull: false,
    returnEmptyString: false,
    // Messages are plain text; whoever renders HTML/Markdown escapes at that point.
    interpolation: { escapeValue: false },
  });

  const supported = new Set(languages);
  const isSupported = (lang: string | undefined): boolean =>
    lang !== undefined && supported.has(baseLanguage(lang));
  // The resources are fixed at start, so a key without parameters always reads the
  // same: a button's label, a field's name. Kept per supported language only.
  const plain = new Map<string, string>();

  return {
    languages,
    namespaces,
    fallbackLanguage: options.fallbackLanguage,
    t(lang, key, params) {
      if (!isSupported(lang)) return instance.t(key, { ...params, lng: lang });
      const lng = baseLanguage(lang);
      if (params !== undefined) return instance.t(key, { ...params, lng });
      const cacheKey = `${lng}:${key}`;
      let text = plain.get(cacheKey);
      if (text === undefined) {
        text = instance.t(key, { lng });
        plain.set(cacheKey, text);
      }
      return text;
    },
    exists(lang, key) {
      return instance.exists(key, { lng: baseLanguage(lang), fallbackLng: false });
    },
    isSupported,
    pickLanguage(code, defaultLang) {
      if (code !== undefined && isSupported(code)) return baseLanguage(code);
      if (defaultLang !== undefined && isSupported(defaultLang)) return baseLanguage(defaultLang);
      return options.fallbackLanguage;
    },
    resources(lang, namespace) {
      return resources[lang]?.[namespace];
    },
  };
}
