// Since when a message says something has been wrong ("for two days", "со вторника", "desde
// ayer"), read with the phrases of the message's language (`since` in faq.json), then put on the
// customer's calendar. Only a message that points to one day gets one: phrases that disagree, a
// weekday that is today, or a number shortly after "rented" give none. The day is only ever
// proposed to the customer, never taken as their answer.
import type { FaqLocale } from "./content.ts";
import { escapeRegExp, normalize, wholeWords } from "./text.ts";

const whole = (body: string) => wholeWords(body, "gu");

type SinceWords = NonNullable<FaqLocale["since"]>;

/** Longer spans are not an outage the customer can still report (E1 covers a month). */
const MAX_DAYS = 31;

/**
 * What a message says about since when, before it is put on a calendar: days back from the
 * day it was written, and weekdays (1 = Monday … 7).
 */
export interface Since {
  daysBack: number[];
  weekdays: number[];
}

export type SinceReader = (text: string) => Since | undefined;

export function sinceReader(words: SinceWords): SinceReader {
  const numberOf = new Map<string, number>();
  for (const [n, list] of Object.entries(words.numbers)) {
    for (const w of list) numberOf.set(normalize(w), Number(n));
  }
  const numberAlternatives = ["\\d{1,2}", ...[...numberOf.keys()].map(escapeRegExp)].join("|");
  const counted = words.daysAgo.map((phrase) =>
    whole(normalize(phrase).split("#").map(escapeRegExp).join(`(${numberAlternatives})`)),
  );
  const fixed = Object.entries(words.daysBack).flatMap(([n, list]) =>
    list.map((phrase) => ({ days: Number(n), re: whole(escapeRegExp(normalize(phrase))) })),
  );
  const weekdays = Object.entries(words.weekdays).flatMap(([d, list]) =>
    list.map((phrase) => ({ day: Number(d), re: whole(escapeRegExp(normalize(phrase))) })),
  );
  const blockers = new Set(words.notAfter.map(normalize));
  // The three words before a match: "rented a number for 30 days" is the rental, not the problem.
  const blocked = (text: string, at: number) =>
    (text.slice(Math.max(0, at - 60), at).match(/\p{L}+/gu) ?? [])
      .slice(-3)
      .some((w) => blockers.has(w));

  return (raw) => {
    const text = normalize(raw);
    const days = new Set<number>();
    for (const re of counted) {
      for (const m of text.matchAll(re)) {
        if (blocked(text, m.index)) continue;
        const said = m[1] ?? "";
        days.add(numberOf.get(said) ?? Number(said));
      }
    }
    for (const { days: n, re } of fixed) {
      for (const m of text.matchAll(re)) if (!blocked(text, m.index)) days.add(n);
    }
    const named = new Set<number>();
    for (const { day, re } of weekdays) if (text.search(re) !== -1) named.add(day);
    if (days.size === 0 && named.size === 0) return undefined;
    return { daysBack: [...days], weekdays: [...named] };
  };
}

/**
 * The customer's calendar day (YYYY-MM-DD in `timeZone`) that what the message said points to,
 * when it points to exactly one within the last month; "since Tuesday" written on a Tuesday
 * points to none.
 */
export function sinceDay(said: Since, now: Date, timeZone: string): string | undefined {
  const local = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
  const today = new Date(`${local}T12:00:00Z`);
  const weekday = today.getUTCDay() || 7;
  const back = new Set(said.daysBack);
  for (const day of said.weekdays) back.add((weekday - day + 7) % 7 || -1);
  const [only, ...more] = [...back];
  if (only === undefined || more.length > 0 || only < 0 || only > MAX_DAYS) return undefined;
  today.setUTCDate(today.getUTCDate() - only);
  return today.toISOString().slice(0, 10);
}
