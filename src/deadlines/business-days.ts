import {
  addDays,
  fromLocal,
  type IsoDate,
  splitDate,
  toLocal,
} from "../../machines/refund/dates.ts";

/**
 * Business days (settled reading 4): Monday to Friday, less the configured
 * holidays, in the configured time zone. Deadlines (F1: 5 business days, F2:
 * 2 working days) run from the moment a case is submitted and keep its local
 * time of day, across daylight-saving changes. A case submitted on a weekend
 * or holiday starts its clock at the beginning of the next business day.
 * The wall-clock arithmetic is the conversation's own (machines/refund/dates.ts).
 */
export interface BusinessCalendar {
  timeZone: string;
  /** YYYY-MM-DD, local dates */
  holidays: readonly string[];
}

/** 0 Sunday … 6 Saturday. */
export function weekdayOf(date: IsoDate): number {
  const { y, m, d } = splitDate(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function isBusinessDay(date: IsoDate, cal: BusinessCalendar): boolean {
  const w = weekdayOf(date);
  return w !== 0 && w !== 6 && !cal.holidays.includes(date);
}

/** The moment `days` business days after `from`. */
export function addBusinessDays(from: Date, days: number, cal: BusinessCalendar): Date {
  let { date, time } = toLocal(from.getTime(), cal.timeZone);
  // toLocal keeps minutes; the seconds come back at the end (zones differ by whole minutes).
  let seconds = from.getTime() % 60_000;
  if (!isBusinessDay(date, cal)) {
    do date = addDays(date, 1);
    while (!isBusinessDay(date, cal));
    time = "00:00";
    seconds = 0;
  }
  for (let counted = 0; counted < days; ) {
    date = addDays(date, 1);
    if (isBusinessDay(date, cal)) counted++;
  }
  return new Date(fromLocal(date, time, cal.timeZone) + seconds);
}

/** Monday 00:00 of the week `at` falls in, in `timeZone`. */
export function startOfWeek(at: Date, timeZone: string): Date {
  const { date } = toLocal(at.getTime(), timeZone);
  return new Date(fromLocal(addDays(date, -((weekdayOf(date) + 6) % 7)), "00:00", timeZone));
}

/** The first day of the month `at` falls in, 00:00, in `timeZone`. */
export function startOfMonth(at: Date, timeZone: string): Date {
  const { date } = toLocal(at.getTime(), timeZone);
  return new Date(fromLocal(`${date.slice(0, 8)}01`, "00:00", timeZone));
}
