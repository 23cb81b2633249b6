import type { I18n, TParams } from "./index.ts";

/**
 * The one way the program speaks to a person: words from locales/, and dates
 * and money written the way that reader writes them. Every message to a
 * customer or to staff is rendered through one of these.
 */
export interface Speaker {
  readonly lang: string;
  t(key: string, params?: TParams): string;
  /** A moment in the configured time zone, with the zone named (a deadline is someone's noon). */
  date(at: Date): string;
  /** A calendar day (YYYY-MM-DD) as the reader writes it, its month in words. */
  day(isoDate: string): string;
  /** A time zone as its offset from GMT now ("GMT+1"), which every reader knows. */
  zone(timeZone: string): string;
  /** An amount in the reader's notation, with the currency's own number of decimals. */
  money(amount: { toString(): string } | number, currency: string): string;
}

/** A formatter per key, made on first use: making one costs far more than using it. */
function cached<T>(make: (a: string, b: string) => T): (a: string, b: string) => T {
  const made = new Map<string, { f: T }>();
  return (a, b) => {
    const key = `${a}|${b}`;
    let hit = made.get(key);
    if (hit === undefined) {
      hit = { f: make(a, b) };
      made.set(key, hit);
    }
    return hit.f;
  };
}

// The weekday, because "back on Monday" or "due Friday" is how people plan.
const dateFormat = cached(
  (lang, timeZone) =>
    new Intl.DateTimeFormat(lang, {
      weekday: "short",
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      timeZone,
      timeZoneName: "short",
    }),
);

// A day has no zone: read and written in UTC, it stays the day it is.
const dayFormat = cached(
  (lang) =>
    new Intl.DateTimeFormat(lang, {
      year: "numeric",
      month: "long",
      day: "numeric",
      timeZone: "UTC",
    }),
);

const zoneFormat = cached(
  (lang, timeZone) => new Intl.DateTimeFormat(lang, { timeZone, timeZoneName: "shortOffset" }),
);

/** null: a code Intl does not know (shown as typed, after the number). */
const moneyFormat = cached((lang, currency): Intl.NumberFormat | null => {
  try {
    return new Intl.NumberFormat(lang, { style: "currency", currency });
  } catch {
    return null;
  }
});

export function createSpeaker(i18n: I18n, lang: string, timeZone: string): Speaker {
  return {
    lang,
    t: (key, params) => i18n.t(lang, key, params),
    date: (at) => dateFormat(lang, timeZone).format(at),
    zone: (zone) =>
      zoneFormat(lang, zone)
        .formatToParts(Date.now())
        .find((p) => p.type === "timeZoneName")?.value ?? zone,
    day: (isoDate) => {
      const at = Date.parse(`${isoDate}T00:00:00Z`);
      return Number.isNaN(at) ? isoDate : dayFormat(lang, "").format(at);
    },
    money(amount, currency) {
      const value = typeof amount === "number" ? amount : amount.toString();
      const f = moneyFormat(lang, currency);
      // A decimal string is formatted exactly, without a detour through floating point.
      return f === null ? `${value} ${currency}` : f.format(value as Intl.StringNumericLiteral);
    },
  };
}
