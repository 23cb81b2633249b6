import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDate } from "../../../machines/refund/dates.ts";
import { parseAmount } from "../../../machines/refund/fields.ts";
import { grammar, useLanguages } from "../../../machines/refund/grammar.ts";
import { discoverLanguages } from "../../../src/config/load.ts";

const NOW = Date.UTC(2026, 10, 20, 12, 0);
const words = (lang: string) =>
  (
    JSON.parse(
      readFileSync(path.resolve(process.cwd(), "locales", lang, "conversation.json"), "utf8"),
    ) as { input: unknown }
  ).input;
const everyLanguage = () => Object.fromEntries(discoverLanguages().map((l) => [l, words(l)]));

describe("the input words of locales/", () => {
  afterAll(() => {
    useLanguages(everyLanguage());
  });

  it("every language's words have the shape the machine reads", () => {
    expect(() => useLanguages(everyLanguage())).not.toThrow();
    expect([...grammar().languages].sort()).toEqual(discoverLanguages());
  });

  it("a language is its folder: words added for a new one are read, with its own decimal separator", () => {
    const de = {
      ...(words("en") as object),
      daysBack: { "0": ["heute"], "1": ["gestern"], "2": ["vorgestern"], "3": [] },
      daysAgo: ["vor # Tagen"],
      months: { ...(words("en") as { months: object }).months, "11": ["november", "nov"] },
      currencies: { USD: ["dollar"], EUR: ["euro"], RUB: ["rubel"], UAH: ["hrywnja"] },
      decimalSeparator: ",",
      slashDates: "dayFirst",
    };
    useLanguages({ ...everyLanguage(), de });
    const ctx = { now: NOW, timeZone: "Europe/Berlin", lang: "de" };
    expect(parseDate("gestern", ctx)).toEqual({ ok: true, date: "2026-11-19", time: null });
    expect(parseDate("vor 3 Tagen", ctx)).toEqual({ ok: true, date: "2026-11-17", time: null });
    expect(parseAmount("12,50 Euro", "de")).toEqual({ ok: true, value: "12.50", currency: "EUR" });
    expect(parseAmount("1.500 rubel", "de")).toEqual({
      ok: true,
      value: "1500.00",
      currency: "RUB",
    });
  });

  it("refuses words of the wrong shape, naming the language", () => {
    expect(() => useLanguages({ xx: { daysBack: {} } })).toThrow(/input words of "xx"/);
  });
});

describe("dates as the bot writes them", () => {
  // A customer asked for a date often copies one the bot showed them: each
  // month, written as Intl writes it in the reader's language (short month,
  // as src/i18n/speaker.ts shows dates), reads back as that day.
  for (const lang of discoverLanguages())
    it(`reads back every month as Intl writes it in ${lang}`, () => {
      const write = new Intl.DateTimeFormat(lang, {
        day: "numeric",
        month: "short",
        year: "numeric",
        timeZone: "UTC",
      });
      for (let month = 0; month < 12; month++) {
        const day = Date.UTC(2025, month, 5);
        const iso = new Date(day).toISOString().slice(0, 10);
        const text = write.format(day);
        expect({ text, read: parseDate(text, { now: NOW, timeZone: "UTC", lang }) }).toEqual({
          text,
          read: { ok: true, date: iso, time: null },
        });
      }
    });
});
