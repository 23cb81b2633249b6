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
  /** An amount in the reader's notation, with the currency's own number of decimals. */
  money(amount: { toString(): string } | number, currency: string): string;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const moneyFormats = new Map<string, Intl.NumberFormat | null>();
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(lang: string): Intl.DateTimeFormat {
  let f = dayFormats.get(lang);
  if (f === undefined) {
    // A day has no zone: read and written in UTC, it stays the day it is.
    f = new Intl.DateTimeFormat(lang, {
      year: "numeric",
      month: "long",
      day: "numeric",
      timeZone: "UTC",
    });
    dayFormats.set(lang, f);
  }
  return f;
}

function dateFormat(lang: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}`;
  let f = dateFormats.get(key);
  if (f === undefined) {
    // The weekday, because "back on Monday" or "due Friday" is how people plan.
    f = new Intl.DateTimeFormat(lang, {
      weekday: "short",
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      timeZone,
      timeZoneName: "short",
    });
    dateFormats.set(key, f);
  }
  return f;
}

/** null: a code Intl does not know (shown as typed, after the number). */
function moneyFormat(lang: string, currency: string): Intl.NumberFormat | null {
  const key = `${lang}|${currency}`;
  let f = moneyFormats.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat(lang, { style: "currency", currency });
    } catch {
      f = null;
    }
    moneyFormats.set(key, f);
  }
  return f;
}

export function createSpeaker(i18n: I18n, lang: string, timeZone: string): Speaker {
  return {
    lang,
    t: (key, params) => i18n.t(lang, key, params),
    date: (at) => dateFormat(lang, timeZone).format(at),
    day: (isoDate) => {
      const at = Date.parse(`${isoDate}T00:00:00Z`);
      return Number.isNaN(at) ? isoDate : dayFormat(lang).format(at);
    },
    money(amount, currency) {
      const value = typeof amount === "number" ? amount : amount.toString();
      const f = moneyFormat(lang, currency);
      // A decimal string is formatted exactly, without a detour through floating point.
      return f === null ? `${value} ${currency}` : f.format(value as Intl.StringNumericLiteral);
    },
  };
}
