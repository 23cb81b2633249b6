/**
 * A1 (outage over 24 h, days rounded up) and E1 (one calendar month) arithmetic.
 * Pure: the request time `now` and the customer's time zone come in.
 */
import { DAY_MS, daysBetween, fromLocal, type IsoDate, monthBefore, toLocal } from "./dates.ts";

/** An outage as A1 counts it: from the customer's first report, to its end (null: still down). */
export interface Outage {
  reportedAt: number;
  restoredAt: number | null;
}

export interface E1Window {
  /** The instant one calendar month before the request (same wall time, day clamped). */
  start: number;
  /** Its calendar date in the customer's zone. */
  startDate: IsoDate;
  /** Days in that month window (28–31): the most A1 can count. */
  days: number;
}

/** E1: the calendar month before the request at `now`, in `timeZone`. */
export function e1Window(now: number, timeZone: string): E1Window {
  const local = toLocal(now, timeZone);
  const startDate = monthBefore(local.date);
  return {
    start: fromLocal(startDate, local.time, timeZone),
    startDate,
    days: daysBetween(startDate, local.date),
  };
}

/** E1 for a dated event (the problem, or the payment for a payout): within the month, both ends included. */
export function e1DateWithin(date: IsoDate, now: number, timeZone: string): boolean {
  return date >= e1Window(now, timeZone).startDate && date <= toLocal(now, timeZone).date;
}

export interface A1Result {
  /** End of the outage: when it worked again, or `now` when still down. */
  end: number;
  spanMs: number;
  /** A1: strictly more than 24 hours from the first report. */
  overDay: boolean;
  /** E1: the outage lies, at least partly, within the month before the request. */
  withinMonth: boolean;
  /** Days to refund: the part inside the E1 window, partial days rounded up, capped at the month's days. */
  days: number;
}

export function a1(outage: Outage, now: number, timeZone: string): A1Result {
  const end = outage.restoredAt ?? now;
  const spanMs = end - outage.reportedAt;
  const w = e1Window(now, timeZone);
  const from = Math.max(outage.reportedAt, w.start);
  const counted = end - from;
  return {
    end,
    spanMs,
    overDay: spanMs > DAY_MS,
    withinMonth: end > w.start,
    days: counted > 0 ? Math.min(Math.ceil(counted / DAY_MS), w.days) : 0,
  };
}
