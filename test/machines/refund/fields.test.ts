import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isValidDate,
  parseDate,
  parseTime,
  splitDate,
  toLocal,
} from "../../../machines/refund/dates.ts";
import {
  accountSchema,
  check,
  commentSchema,
  containsCardNumber,
  detailsSchema,
  luhnValid,
  parseAmount,
  referenceSchema,
} from "../../../machines/refund/fields.ts";
import { METHODS, SERVICES } from "../../../machines/refund/ids.ts";
import { discoverLanguages } from "../../../src/config/load.ts";
import { choose, converse, NOW, type Say, text } from "./helpers.ts";

const TZS = ["Europe/Berlin", "Asia/Tokyo", "America/New_York", "Pacific/Kiritimati", "UTC"];

/** Luhn-valid card numbers of 13–19 digits. */
const cardDigits = fc
  .integer({ min: 12, max: 18 })
  .chain((n) =>
    fc.tuple(
      // Card numbers start with 1–9 (ISO/IEC 7812).
      fc.integer({ min: 1, max: 9 }),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n - 1, maxLength: n - 1 }),
    ),
  )
  .map(([first, rest]) => {
    const s = `${first}${rest.join("")}`;
    for (let d = 0; d <= 9; d++) if (luhnValid(s + d)) return s + d;
    throw new Error("unreachable");
  });

/** A card number as a person types it: together, in fours, with dashes or single spaces, inside a sentence. */
const typedCard = fc
  .tuple(
    cardDigits,
    fc.constantFrom("", " ", "-", ".", "\u00a0"),
    fc.integer({ min: 3, max: 6 }),
    fc.constantFrom("", "my card ", "Card: "),
    fc.constantFrom("", " thanks", ", please"),
  )
  .map(([digits, sep, every, before, after]) => {
    const groups: string[] = [];
    for (let i = 0; i < digits.length; i += every) groups.push(digits.slice(i, i + every));
    return { digits, typed: `${before}${groups.join(sep)}${after}` };
  });

const LANGS = discoverLanguages();
const lang = fc.constantFrom(...LANGS);

describe("card numbers are never accepted", () => {
  it("containsCardNumber finds every typed card number", () => {
    fc.assert(
      fc.property(typedCard, ({ typed }) => {
        expect(containsCardNumber(typed), typed).toBe(true);
      }),
    );
  });
  it("no field schema accepts a full card number", () => {
    fc.assert(
      fc.property(
        typedCard,
        fc.constantFrom(...SERVICES),
        fc.constantFrom(...METHODS),
        lang,
        ({ typed, digits }, service, method, l) => {
          for (const schema of [
            accountSchema,
            commentSchema,
            referenceSchema(service),
            detailsSchema(method),
          ]) {
            const r = check(schema, typed);
            if (r.ok) expect(r.value.replace(/\D/g, "")).not.toContain(digits);
          }
          expect(parseAmount(typed, l).ok).toBe(false);
          expect(check(commentSchema, typed)).toEqual({ ok: false, error: "card_number" });
          expect(check(detailsSchema("card"), typed)).toEqual({ ok: false, error: "card_number" });
        },
      ),
    );
  });
  it("a number typed with the international prefix 00 is a phone number, never a card number", () => {
    // Found by the property below: "00100000000008" passes the Luhn check, but no card number
    // starts with 0, and at the phone question it is +1 00000000008.
    expect(containsCardNumber("00100000000008")).toBe(false);
    expect(check(referenceSchema("rented"), "00100000000008")).toEqual({
      ok: true,
      value: "+100000000008",
    });
    for (const service of SERVICES) {
      expect(check(referenceSchema(service), "000000000000000000")).toEqual({
        ok: false,
        error: "phone_format",
      });
    }
    expect(containsCardNumber("card 4111 1111 1111 1111")).toBe(true);
  });
  it("a card number typed at every free-text question is refused and never stored", () => {
    const upTo: Say[] = [
      choose("want", "payout"),
      choose("service", "rented"),
      choose("what", "not_provided"),
      choose("no_stock", "yes"),
      text("today"),
    ];
    fc.assert(
      fc.property(typedCard, ({ typed, digits }) => {
        const says: Say[] = [...upTo];
        for (const next of [
          text("me@example.com"),
          text("+49 30 1234567"),
          text("5 EUR"),
          choose("paid_with", "card"),
          text("1234"),
          text("fine"),
        ]) {
          if (next.type === "text") says.push(text(typed));
          says.push(next);
        }
        const c = converse(says);
        const refusals = c.replies.filter((r) => r.key === "error.card_number").length;
        expect(refusals).toBe(5);
        const stored = JSON.stringify(c.last).replace(/[\s.\-\u00a0]/g, "");
        expect(stored).not.toContain(digits);
      }),
      { numRuns: 40 },
    );
  });
});

describe("validators never throw and never accept nonsense", () => {
  it("any string: every schema answers without throwing", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 80 }),
        lang,
        fc.constantFrom(...METHODS),
        (s, l, m) => {
          for (const schema of [
            accountSchema,
            commentSchema,
            referenceSchema("one_time"),
            detailsSchema(m),
          ]) {
            const r = check(schema, s);
            if (r.ok) expect(check(schema, r.value).ok).toBe(true);
          }
          parseAmount(s, l);
        },
      ),
    );
  });
  it("an accepted amount is an exact positive decimal with an ISO 4217 code", () => {
    // Any text, and text shaped like an amount, so that many are accepted.
    const typed = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.stringMatching(/^[0-9][0-9 .,]{0,10} ?(usd|USD|eur|EUR|\$|€|грн|руб|uah|UAH|rub)?$/),
    );
    let accepted = 0;
    fc.assert(
      fc.property(typed, lang, (s, l) => {
        const r = parseAmount(s, l);
        if (r.ok) {
          accepted++;
          expect(r.value).toMatch(/^[1-9]\d*(\.\d+)?$|^0\.\d*[1-9]\d*$/);
          expect(r.currency).toMatch(/^[A-Z]{3}$/);
        }
      }),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(5);
  });
  it("amounts round-trip exactly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.constantFrom("USD", "EUR", "RUB", "UAH"),
        lang,
        (cents, cur, l) => {
          const value = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
          expect(parseAmount(`${value} ${cur}`, l)).toEqual({ ok: true, value, currency: cur });
          expect(parseAmount(`${value.replace(".", ",")} ${cur.toLowerCase()}`, l)).toEqual({
            ok: true,
            value,
            currency: cur,
          });
        },
      ),
    );
    expect(parseAmount("1,500 USD", "en")).toEqual({ ok: true, value: "1500.00", currency: "USD" });
    expect(parseAmount("1.500 €", "es")).toEqual({ ok: true, value: "1500.00", currency: "EUR" });
    expect(parseAmount("1 200,50 грн", "uk")).toEqual({
      ok: true,
      value: "1200.50",
      currency: "UAH",
    });
    expect(parseAmount("1500 JPY", "en")).toEqual({ ok: true, value: "1500", currency: "JPY" });
    expect(parseAmount("12.345 USD", "en")).toEqual({ ok: false, error: "amount_precision" });
    expect(parseAmount("12.50", "en")).toEqual({ ok: false, error: "amount_currency" });
    expect(parseAmount("0 USD", "en")).toEqual({ ok: false, error: "amount_range" });
    expect(parseAmount("-5 USD", "en")).toEqual({ ok: false, error: "amount_range" });
    expect(parseAmount("1e9 EUR", "en")).toEqual({ ok: false, error: "amount_range" });
    expect(parseAmount("- 12,50 €", "es")).toEqual({ ok: false, error: "amount_range" });
    // Currencies whose units are small: a month of a number costs millions of them.
    expect(parseAmount("1 500 000 IDR", "ru")).toEqual({
      ok: true,
      value: "1500000",
      currency: "IDR",
    });
    expect(parseAmount("2.500.000 VND", "es")).toEqual({
      ok: true,
      value: "2500000",
      currency: "VND",
    });
    expect(parseAmount("21,000,000 IRR", "en")).toEqual({
      ok: true,
      value: "21000000",
      currency: "IRR",
    });
    expect(parseAmount("10,000,000,001 IDR", "en")).toEqual({ ok: false, error: "amount_range" });
    expect(parseAmount("99999999999999 IDR", "en")).toEqual({ ok: false, error: "amount_range" });
  });
  it("phone numbers are stored in E.164", () => {
    expect(check(referenceSchema("rented"), "+7 (912) 345-67-89")).toEqual({
      ok: true,
      value: "+79123456789",
    });
    expect(check(referenceSchema("rented"), "0044 20 7946 0958")).toEqual({
      ok: true,
      value: "+442079460958",
    });
    expect(check(referenceSchema("rented"), "89123456789")).toEqual({
      ok: false,
      error: "phone_format",
    });
    expect(check(referenceSchema("top_up"), "#ORD-1234")).toEqual({ ok: true, value: "ORD-1234" });
  });
  it("payout details per method", () => {
    expect(check(detailsSchema("card"), "**** **** **** 4242")).toEqual({
      ok: true,
      value: "4242",
    });
    expect(check(detailsSchema("card"), "42424")).toEqual({ ok: false, error: "card_last4" });
    expect(check(detailsSchema("bank"), "DE89 3704 0044 0532 0130 00")).toEqual({
      ok: true,
      value: "DE89370400440532013000",
    });
    expect(check(detailsSchema("bank"), "DE00 1234 5678")).toEqual({
      ok: false,
      error: "iban_format",
    });
    expect(check(detailsSchema("paypal"), "not-an-email")).toEqual({
      ok: false,
      error: "email_format",
    });
  });
});

describe("date parsing", () => {
  const ctx = (l: string, tz = "Europe/Berlin") => ({
    now: NOW,
    timeZone: tz,
    lang: l,
  });
  it("never throws; anything accepted is a real date, not in the future, with a valid time", () => {
    // Any text, and text shaped like a date (with a time, sometimes), so that many are accepted.
    const typed = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.stringMatching(
        /^[0-3]?[0-9][./-][01]?[0-9]([./-](20)?[0-9]{2})?( [0-2]?[0-9]:[0-5][0-9])?$/,
      ),
    );
    let accepted = 0;
    fc.assert(
      fc.property(
        typed,
        lang,
        fc.constantFrom(...TZS),
        fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
        (s, l, tz, now) => {
          const r = parseDate(s, { now, timeZone: tz, lang: l });
          if (r.ok) {
            accepted++;
            const { y, m, d } = splitDate(r.date);
            expect(isValidDate(y, m, d)).toBe(true);
            expect(r.date <= toLocal(now, tz).date).toBe(true);
            if (r.time !== null) expect(r.time).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
          }
          parseTime(s);
        },
      ),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(25);
  });
  it("reads any past date in every format and language", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        lang,
        fc.constantFrom(...TZS),
        (back, l, tz) => {
          const date = toLocal(NOW - back * 86_400_000, tz).date;
          const { y, m, d } = splitDate(date);
          const dd = String(d).padStart(2, "0");
          const mm = String(m).padStart(2, "0");
          for (const typed of [date, `${dd}.${mm}.${y}`, `${d}.${m}.${y} 00:00`, `${date}T00:00`]) {
            const r = parseDate(typed, { now: NOW, timeZone: tz, lang: l });
            expect(r.ok && r.date).toBe(date);
          }
        },
      ),
    );
  });
  it("words for today and yesterday in four languages, in the customer's zone", () => {
    for (const w of ["yesterday", "вчера", "вчора", "ayer", "Ayer"]) {
      expect(parseDate(w, ctx("en"))).toEqual({ ok: true, date: "2026-11-19", time: null });
    }
    expect(parseDate("сегодня в 9:30", ctx("ru"))).toEqual({
      ok: true,
      date: "2026-11-20",
      time: "09:30",
    });
    expect(parseDate("hoy a las 9:30", ctx("es"))).toEqual({
      ok: true,
      date: "2026-11-20",
      time: "09:30",
    });
    expect(parseDate("позавчора", ctx("uk"))).toEqual({ ok: true, date: "2026-11-18", time: null });
    expect(parseDate("3 дня назад", ctx("ru"))).toEqual({
      ok: true,
      date: "2026-11-17",
      time: null,
    });
    expect(parseDate("hace 2 días", ctx("es"))).toEqual({
      ok: true,
      date: "2026-11-18",
      time: null,
    });
    expect(parseDate("12 ноября 2026 г.", ctx("ru"))).toEqual({
      ok: true,
      date: "2026-11-12",
      time: null,
    });
    expect(parseDate("12 листопада", ctx("uk"))).toEqual({
      ok: true,
      date: "2026-11-12",
      time: null,
    });
    expect(parseDate("12 de noviembre de 2026", ctx("es"))).toEqual({
      ok: true,
      date: "2026-11-12",
      time: null,
    });
    expect(parseDate("November 12, 2026 14:30", ctx("en"))).toEqual({
      ok: true,
      date: "2026-11-12",
      time: "14:30",
    });
    // 20 Nov 12:00 UTC is already 21 Nov in Kiritimati (UTC+14).
    expect(parseDate("today", ctx("en", "Pacific/Kiritimati"))).toEqual({
      ok: true,
      date: "2026-11-21",
      time: null,
    });
  });
  it("refuses the future, ambiguity and nonsense with a reason", () => {
    expect(parseDate("tomorrow", ctx("en"))).toEqual({ ok: false, error: "date_format" });
    expect(parseDate("2026-12-01", ctx("en"))).toEqual({ ok: false, error: "date_future" });
    expect(parseDate("today 23:59", ctx("en"))).toEqual({ ok: false, error: "date_future" });
    expect(parseDate("05/11/2026", ctx("en"))).toEqual({ ok: false, error: "date_ambiguous" });
    expect(parseDate("05/11/2026", ctx("es"))).toEqual({
      ok: true,
      date: "2026-11-05",
      time: null,
    });
    expect(parseDate("31.02.2026", ctx("ru"))).toEqual({ ok: false, error: "date_format" });
    expect(parseDate("1999-12-31", ctx("en"))).toEqual({ ok: false, error: "date_too_old" });
    // No year: the most recent such day that is not in the future.
    expect(parseDate("25.12", ctx("ru"))).toEqual({ ok: true, date: "2025-12-25", time: null });
  });
});
