import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { baseLanguage, createI18n } from "../../src/i18n/index.ts";

function fixture(files: Record<string, Record<string, unknown>>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "locales-"));
  for (const [lang, namespaces] of Object.entries(files)) {
    mkdirSync(path.join(dir, lang));
    for (const [ns, json] of Object.entries(namespaces)) {
      writeFileSync(path.join(dir, lang, `${ns}.json`), JSON.stringify(json));
    }
  }
  return dir;
}

const dir = fixture({
  en: {
    common: {
      days_one: "{{count}} day",
      days_other: "{{count}} days",
      on: "on {{when, datetime(dateStyle: long; timeZone: UTC)}}",
      hi: "Hi {{name}}",
      onlyEn: "English only",
    },
    faq: { title: "FAQ" },
  },
  ru: {
    common: {
      days_one: "{{count}} день",
      days_few: "{{count}} дня",
      days_many: "{{count}} дней",
      days_other: "{{count}} дня",
      on: "{{when, datetime(dateStyle: long; timeZone: UTC)}}",
      hi: "Привет, {{name}}",
    },
    faq: { title: "Вопросы" },
  },
});

describe("createI18n", () => {
  const i18n = createI18n({ localesDir: dir, fallbackLanguage: "en" });

  it("discovers languages from folders and namespaces from files", () => {
    expect(i18n.languages).toEqual(["en", "ru"]);
    expect(i18n.namespaces).toEqual(["common", "faq"]);
  });

  it("is usable right after creation (synchronous)", () => {
    expect(i18n.t("ru", "faq:title")).toBe("Вопросы");
    expect(i18n.t("en", "hi", { name: "Ann" })).toBe("Hi Ann");
  });

  it("a key read without parameters stays in its language however often and in whatever order it is read", () => {
    const reads = ["ru", "en", "ru-RU", "en", "ru"].map((l) => i18n.t(l, "faq:title"));
    expect(reads).toEqual(["Вопросы", "FAQ", "Вопросы", "FAQ", "Вопросы"]);
    // The same key with parameters is not taken from what was read without them.
    expect(i18n.t("en", "hi")).toBe("Hi {{name}}");
    expect(i18n.t("en", "hi", { name: "Ann" })).toBe("Hi Ann");
  });

  it("applies each language's plural rules", () => {
    expect([1, 2, 5, 21, 11].map((count) => i18n.t("ru", "days", { count }))).toEqual([
      "1 день",
      "2 дня",
      "5 дней",
      "21 день",
      "11 дней",
    ]);
    expect(i18n.t("en", "days", { count: 1 })).toBe("1 day");
    expect(i18n.t("en", "days", { count: 3 })).toBe("3 days");
  });

  it("formats dates per language", () => {
    const when = new Date(Date.UTC(2025, 2, 5, 12));
    expect(i18n.t("en", "on", { when })).toBe("on March 5, 2025");
    expect(i18n.t("ru", "on", { when })).toBe("5 марта 2025 г.");
  });

  it("does not escape interpolated text (rendering escapes)", () => {
    expect(i18n.t("en", "hi", { name: "<b>" })).toBe("Hi <b>");
  });

  it("falls back to the fallback language for a missing key, and tells with exists()", () => {
    expect(i18n.t("ru", "onlyEn")).toBe("English only");
    expect(i18n.exists("ru", "onlyEn")).toBe(false);
    expect(i18n.exists("en", "onlyEn")).toBe(true);
  });

  it("accepts region variants in t()", () => {
    expect(i18n.t("ru-RU", "faq:title")).toBe("Вопросы");
  });

  it("picks a supported language from a Telegram language code", () => {
    expect(i18n.pickLanguage("ru-RU")).toBe("ru");
    expect(i18n.pickLanguage("RU")).toBe("ru");
    expect(i18n.pickLanguage("en_GB")).toBe("en");
    expect(i18n.pickLanguage("de", "ru")).toBe("ru");
    expect(i18n.pickLanguage("de")).toBe("en");
    expect(i18n.pickLanguage(undefined, "xx")).toBe("en");
    expect(i18n.isSupported("ru-UA")).toBe(true);
    expect(i18n.isSupported("de")).toBe(false);
    expect(i18n.isSupported(undefined)).toBe(false);
  });

  it("adding a language is adding a folder", () => {
    const more = fixture({ en: { common: { hi: "Hi" } }, de: { common: { hi: "Hallo" } } });
    const again = createI18n({ localesDir: more, fallbackLanguage: "en" });
    expect(again.languages).toEqual(["de", "en"]);
    expect(again.t(again.pickLanguage("de-AT"), "hi")).toBe("Hallo");
  });

  it("rejects malformed files and a fallback without folder", () => {
    const bad = fixture({ en: { common: { a: 1 } } });
    expect(() => createI18n({ localesDir: bad, fallbackLanguage: "en" })).toThrow(/common\.json/);
    expect(() => createI18n({ localesDir: dir, fallbackLanguage: "es" })).toThrow(/fallback/);
  });

  it("normalises language codes", () => {
    expect(baseLanguage(" pt_BR ")).toBe("pt");
  });
});

describe("the project's locales", () => {
  it("load, with en, ru, uk and es", () => {
    const i18n = createI18n({
      localesDir: path.resolve(import.meta.dirname, "../../locales"),
      fallbackLanguage: "en",
    });
    expect(i18n.languages).toEqual(expect.arrayContaining(["en", "es", "ru", "uk"]));
    expect(i18n.t("uk", "faq:ui.talkToHuman")).toBe("Зв'язатися з людиною");
    expect(
      i18n.t("es", "faq:entries.support_email.answer", { email: "help@example.com" }),
    ).toContain("help@example.com");
  });

  it("write counts in the reader's notation", () => {
    const i18n = createI18n({
      localesDir: path.resolve(import.meta.dirname, "../../locales"),
      fallbackLanguage: "en",
    });
    const missed = (lang: string) => i18n.t(lang, "staff:stats.missed", { n: 12345 });
    expect(missed("en")).toContain("12,345");
    expect(missed("ru")).toContain("12\u00a0345");
    expect(missed("uk")).toContain("12\u00a0345");
    expect(missed("es")).toContain("12.345");
    expect(i18n.t("ru", "conversation:value.files", { count: 1234 })).toBe("1\u00a0234 файла");
  });
});
