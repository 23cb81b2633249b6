/**
 * When staff are at work (SUPPORT_HOURS), in the configured time zone: for
 * each weekday (0 Sunday … 6 Saturday) the shifts of that day, each from a
 * minute of the day to a later one, in order. A night shift ("Fri 22:00-02:00")
 * is split at midnight into its two days. Holidays are days off
 * (src/deadlines/support-hours.ts).
 */
/** `night`: the hours after midnight of a shift that began the day before (a holiday then is its day off). */
export type Shift = { from: number; to: number; night?: true };
export type SupportHours = ReadonlyMap<number, readonly Shift[]>;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const GROUP = /^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/;
const DAY_END = 24 * 60;

/**
 * Reads "Mon-Fri 09:00-13:00, Mon-Fri 14:00-18:00, Sat 22:00-02:00"; a message
 * saying what is wrong when it cannot.
 */
export function parseSupportHours(text: string): SupportHours | string {
  const hours = new Map<number, Shift[]>();
  const add = (day: number, shift: Shift): boolean => {
    const shifts = hours.get(day) ?? [];
    if (shifts.some((s) => s.from < shift.to && shift.from < s.to)) return false;
    hours.set(
      day,
      [...shifts, shift].sort((a, b) => a.from - b.from),
    );
    return true;
  };
  for (const group of text.toLowerCase().split(",")) {
    const g = group.trim();
    const m = GROUP.exec(g);
    if (m === null) return `"${g}" is not like "Mon-Fri 09:00-18:00"`;
    const [, first = "", last, fh = "", fm = "", th = "", tm = ""] = m;
    const start = DAYS.indexOf(first as (typeof DAYS)[number]);
    const end = last === undefined ? start : DAYS.indexOf(last as (typeof DAYS)[number]);
    if (start < 0 || end < 0) return `"${g}" names a day not among Mon … Sun`;
    const from = Number(fh) * 60 + Number(fm);
    const to = Number(th) * 60 + Number(tm);
    if (Number(fm) > 59 || Number(tm) > 59 || from >= DAY_END || to > DAY_END)
      return `"${g}" has a time that is not on a 24-hour clock`;
    if (from === to) return `"${g}" starts and ends at the same time`;
    for (let d = start; ; d = (d + 1) % 7) {
      // A shift past midnight ends on the next day.
      const fits =
        from < to
          ? add(d, { from, to })
          : add(d, { from, to: DAY_END }) &&
            (to === 0 || add((d + 1) % 7, { from: 0, to, night: true }));
      if (!fits) return `"${g}" overlaps another shift of the same day`;
      if (d === end) break;
    }
  }
  return hours;
}
