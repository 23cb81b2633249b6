import { describe, expect, it } from "vitest";
import { parseDate } from "../../machines/refund/dates.ts";
import { LOCALES_DIR } from "../../src/config/load.ts";
import { teachLanguages } from "../../src/conversation/languages.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { createSpeaker } from "../../src/i18n/speaker.ts";

const i18n = createI18n({ localesDir: LOCALES_DIR, fallbackLanguage: "en" });
const at = new Date("2026-12-04T11:16:00Z");

describe("Speaker", () => {
  it("writes money in the reader's notation with the currency's own decimals", () => {
    const es = createSpeaker(i18n, "es", "Europe/Madrid");
    expect(es.money("9.99", "EUR")).toBe("9,99\u00a0€");
    const en = createSpeaker(i18n, "en", "UTC");
    expect(en.money("12.345", "KWD")).toBe("KWD\u00a012.345");
    expect(en.money("1000", "JPY")).toBe("¥1,000");
    // An exact decimal string is not rounded through floating point.
    expect(en.money("0.10", "USD")).toBe("$0.10");
    expect(en.money("7319.43", "EUR")).toBe("€7,319.43");
  });

  it("names the time zone of every date it writes", () => {
    expect(createSpeaker(i18n, "en", "UTC").date(at)).toBe("Fri, Dec 4, 2026, 11:16 AM UTC");
    expect(createSpeaker(i18n, "ru", "Europe/Kyiv").date(at)).toMatch(/13:16 GMT\+2$/);
  });

  it("writes a day with its month in words, in every language, as the date parser reads it back", () => {
    expect(createSpeaker(i18n, "en", "UTC").day("2026-11-03")).toBe("November 3, 2026");
    expect(createSpeaker(i18n, "es", "UTC").day("2026-11-03")).toBe("3 de noviembre de 2026");
    expect(createSpeaker(i18n, "ru", "Asia/Tokyo").day("2026-11-03")).toBe("3 ноября 2026 г.");
    expect(createSpeaker(i18n, "uk", "America/Lima").day("2026-11-03")).toBe("3 листопада 2026 р.");
    // The questions give a day as the example of what to type, alone or with a time.
    teachLanguages(i18n);
    for (const lang of i18n.languages)
      for (const day of ["2026-01-31", "2026-05-02", "2026-11-03"])
        for (const typed of [
          createSpeaker(i18n, lang, "UTC").day(day),
          `${createSpeaker(i18n, lang, "UTC").day(day)} 14:30`,
        ]) {
          const r = parseDate(typed, { now: Date.UTC(2026, 11, 1), timeZone: "UTC", lang });
          expect(r.ok && r.date, `${lang}: ${typed}`).toBe(day);
        }
  });

  it("names a time zone by its offset from GMT, which every reader knows", () => {
    expect(createSpeaker(i18n, "ru", "UTC").zone("Asia/Tokyo")).toBe("GMT+9");
    expect(createSpeaker(i18n, "es", "UTC").zone("Asia/Kolkata")).toBe("GMT+5:30");
  });

  it("shows a currency code Intl does not know after the number, as typed", () => {
    expect(createSpeaker(i18n, "en", "UTC").money("5.00", "XYZ1")).toBe("5.00 XYZ1");
  });

  it("speaks the reader's language", () => {
    expect(createSpeaker(i18n, "uk", "UTC").t("bot:errors.staleButton")).toBe(
      "Ця кнопка більше не діє.",
    );
  });
});
