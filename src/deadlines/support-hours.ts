import { addDays, fromLocal, type IsoDate, toLocal } from "../../machines/refund/dates.ts";
import type { SupportHours } from "../config/support-hours.ts";
import { type BusinessCalendar, weekdayOf } from "./business-days.ts";

/**
 * Deadlines do not use the support hours: they count business days. These
 * only tell a customer who writes at night when to expect a person.
 */
/** When staff are next at work: undefined when they are now (or no hours are configured). */
export function nextOpening(
  at: Date,
  hours: SupportHours | undefined,
  cal: BusinessCalendar,
): Date | undefined {
  if (hours === undefined || hours.size === 0) return undefined;
  const local = toLocal(at.getTime(), cal.timeZone);
  const [h = 0, m = 0] = local.time.split(":").map(Number);
  const minute = h * 60 + m;
  let date: IsoDate = local.date;
  // A week and a bit covers every schedule; a run of holidays longer than that is not a schedule.
  for (let day = 0; day < 60; day++, date = addDays(date, 1)) {
    for (const shift of hours.get(weekdayOf(date)) ?? []) {
      // A night shift's hours after midnight are the day's it began on, holiday or not.
      if (cal.holidays.includes(shift.night === true ? addDays(date, -1) : date)) continue;
      if (day === 0 && minute >= shift.to) continue;
      if (day === 0 && minute >= shift.from) return undefined;
      return new Date(fromLocal(date, minutesToTime(shift.from), cal.timeZone));
    }
  }
  return undefined;
}

function minutesToTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
