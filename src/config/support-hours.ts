/**
 * When staff are at work (SUPPORT_HOURS), in the configured time zone: for
 * each weekday (0 Sunday … 6 Saturday) the minutes of the day they start and
 * stop. Holidays are days off (src/deadlines/support-hours.ts).
 */
export type SupportHours = ReadonlyMap<number, { from: number; to: number }>;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const GROUP = /^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/**
 * Reads "Mon-Fri 09:00-18:00, Sat 10:00-14:00"; a message saying what is
 * wrong when it cannot.
 */
export function parseSupportHours(text: string): SupportHours | string {
  const hours = new Map<number, { from: number; to: number }>();
  for (const group of text.toLowerCase().split(",")) {
    const m = GROUP.exec(group.trim());
    if (m === null) return `"${group.trim()}" is not like "Mon-Fri 09:00-18:00"`;
    const [, first = "", last, fh = "", fm = "", th = "", tm = ""] = m;
    const start = DAYS.indexOf(first as (typeof DAYS)[number]);
    const end = last === undefined ? start : DAYS.indexOf(last as (typeof DAYS)[number]);
    if (start < 0 || end < 0) return `"${group.trim()}" names a day not among Mon … Sun`;
    const from = Number(fh) * 60 + Number(fm);
    const to = Number(th) * 60 + Number(tm);
    if (Number(fm) > 59 || Number(tm) > 59 || from >= to || to > 24 * 60)
      return `"${group.trim()}" has no time between its start and its end`;
    for (let d = start; ; d = (d + 1) % 7) {
      if (hours.has(d)) return `"${group.trim()}" repeats a day`;
      hours.set(d, { from, to });
      if (d === end) break;
    }
  }
  return hours;
}
