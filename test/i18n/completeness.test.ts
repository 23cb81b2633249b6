// Every namespace under locales/ (not only the FAQ): every JSON parses, every language has
// every key, placeholders agree across languages, plural keys cover each language's CLDR
// categories.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkLocales, flatten, type LocaleFiles, placeholders } from "./completeness.ts";

const localesDir = path.resolve(import.meta.dirname, "../../locales");
const languages = readdirSync(localesDir)
  .filter((d) => statSync(path.join(localesDir, d)).isDirectory())
  .sort();

function readAll(): { files: LocaleFiles; errors: string[] } {
  const files: LocaleFiles = {};
  const errors: string[] = [];
  for (const lang of languages) {
    files[lang] = {};
    for (const f of readdirSync(path.join(localesDir, lang)).filter((f) => f.endsWith(".json"))) {
      try {
        files[lang][f.slice(0, -5)] = JSON.parse(
          readFileSync(path.join(localesDir, lang, f), "utf8"),
        ) as unknown;
      } catch (err) {
        errors.push(`${lang}/${f}: ${(err as Error).message}`);
      }
    }
  }
  return { files, errors };
}

describe("locales", () => {
  const { files, errors } = readAll();

  it("has the four languages", () => {
    expect(languages).toEqual(expect.arrayContaining(["en", "es", "ru", "uk"]));
  });

  it("every JSON file parses", () => {
    expect(errors).toEqual([]);
  });

  it("every language has every namespace, key, placeholder and plural form", () => {
    expect(checkLocales(files)).toEqual([]);
  });
});

describe("the checker itself", () => {
  it("flattens nested keys and treats arrays as leaves", () => {
    expect(flatten({ a: { b: "x", c: ["y", "z"] } }).map(([k]) => k)).toEqual(["a.b", "a.c"]);
  });

  it("reads placeholders with formats and unescaped prefixes", () => {
    expect([...placeholders("Hi {{name}}, {{- raw}} on {{d, datetime(dateStyle: long)}}")]).toEqual(
      ["name", "raw", "d"],
    );
  });

  it("reports a missing key", () => {
    const problems = checkLocales({ en: { ns: { a: "A", b: "B" } }, ru: { ns: { a: "А" } } });
    expect(problems).toEqual(["ru/ns: missing key b"]);
  });

  it("reports a missing namespace", () => {
    const problems = checkLocales({
      en: { ns: { a: "A" }, other: { x: "X" } },
      ru: { ns: { a: "А" } },
    });
    expect(problems).toEqual(["ru: missing namespace other"]);
  });

  it("reports a placeholder present in one language only", () => {
    const problems = checkLocales({
      en: { ns: { a: "Write to {{email}}" } },
      es: { ns: { a: "Escríbenos" } },
    });
    expect(problems).toEqual(["es/ns: a lacks {{email}} (present in en)"]);
  });

  it("checks plurals per language's CLDR categories, not by key equality", () => {
    const ok = checkLocales({
      en: { ns: { days_one: "{{count, number}} day", days_other: "{{count, number}} days" } },
      ru: {
        ns: {
          days_one: "{{count, number}} день",
          days_few: "{{count, number}} дня",
          days_many: "{{count, number}} дней",
          days_other: "{{count, number}} дня",
        },
      },
    });
    expect(ok).toEqual([]);
    const bad = checkLocales({
      en: { ns: { days_one: "{{count, number}} day", days_other: "{{count, number}} days" } },
      ru: { ns: { days_one: "{{count, number}} день", days_other: "{{count, number}} дня" } },
    });
    expect(bad).toEqual(["ru/ns: days lacks plural forms few, many"]);
  });

  it("reports a plural form a language does not have", () => {
    const bad = checkLocales({
      en: { ns: { days_one: "1 day", days_few: "few days", days_other: "days" } },
    });
    expect(bad).toEqual(["en/ns: days has plural form few, which en does not use"]);
  });

  it("reports a value that is neither text nor a list of text", () => {
    expect(checkLocales({ en: { ns: { a: 3 } } })).toEqual(["en/ns: a is not text"]);
  });

  it("reports a count written without the reader's notation", () => {
    expect(checkLocales({ en: { ns: { a: "{{n}} of {{max, number}}", b: "#{{id}}" } } })).toEqual([
      "en/ns: a writes {{n}} without the reader's notation",
    ]);
  });
});
