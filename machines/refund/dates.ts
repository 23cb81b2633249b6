/**
 * Pure calendar arithmetic and date parsing in the customer's time zone.
 * No clock: `now` (epoch ms) always comes from the caller.
 */
import { grammar } from "./grammar.ts";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A calendar date "YYYY-MM-DD". */
export type IsoDate = string;
/** A wall-clock time "HH:MM". */
export type HhMm = string;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Fields {
  readonly y: number;
  readonly m: number;
  readonly d: number;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
}

/**
 * Recent answers of fieldsAt, by zone and whole second: one step asks for the
 * same instants several times (the request time, the month window's ends), and
 * each ICU formatToParts call costs more than the rest of the step's date work.
 */
const recent = new Map<string, Map<number, Fields>>();
const RECENT_MAX = 256;

function fieldsAt(epoch: number, timeZone: string): Fields {
  const second = Math.floor(epoch / 1000);
  let zone = recent.get(timeZone);
  const known = zone?.get(second);
  if (known !== undefined) return known;
  const out = { y: 0, m: 0, d: 0, h: 0, mi: 0, s: 0 };
  for (const p of formatter(timeZone).formatToParts(second * 1000)) {
    const n = Number(p.value);
    if (p.type === "year") out.y = n;
    else if (p.type === "month") out.m = n;
    else if (p.type === "day") out.d = n;
    else if (p.type === "hour") out.h = n === 24 ? 0 : n;
    else if (p.type === "minute") out.mi = n;
    else if (p.type === "second") out.s = n;
  }
  if (zone === undefined) {
    zone = new Map();
    recent.set(timeZone, zone);
  }
  if (zone.size >= RECENT_MAX) zone.clear();
  zone.set(second, Object.freeze(out));
  return out;
}

/** Offset of `timeZone` from UTC at instant `epoch`, in ms (east positive). */
export function offsetMs(epoch: number, timeZone: string): number {
  const f = fieldsAt(epoch, timeZone);
  const asUtc = Date.UTC(f.y, f.m - 1, f.d, f.h, f.mi, f.s);
  return asUtc - (epoch - (((epoch % 1000) + 1000) % 1000));
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

export function isoDate(y: number, m: number, d: number): IsoDate {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

export function splitDate(date: IsoDate): { y: number; m: number; d: number } {
  const [y = "0", m = "0", d = "0"] = date.split("-");
  return { y: Number(y), m: Number(m), d: Number(d) };
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function isValidDate(y: number, m: number, d: number): boolean {
  return (
    Number.isInteger(y) &&
    Number.isInteger(m) &&
    Number.isInteger(d) &&
    y >= 1000 &&
    y <= 9999 &&
    m >= 1 &&
    m <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, m)
  );
}

/** The customer's calendar date and wall time at `epoch`. */
export function toLocal(epoch: number, timeZone: string): { date: IsoDate; time: HhMm } {
  const f = fieldsAt(epoch, timeZone);
  return { date: isoDate(f.y, f.m, f.d), time: `${pad(f.h)}:${pad(f.mi)}` };
}

/**
 * The instant of a wall-clock time in `timeZone`. In a DST gap (a time the
 * clocks skip) the time counts on as if the clocks had not changed: 02:30 where
 * 02:00 became 03:00 is 03:30, later, never earlier, whichever side of GMT.
 */
export function fromLocal(date: IsoDate, time: HhMm, timeZone: string): number {
  const { y, m, d } = splitDate(date);
  const [h = "0", mi = "0"] = time.split(":");
  const guess = Date.UTC(y, m - 1, d, Number(h), Number(mi));
  const first = offsetMs(guess - offsetMs(guess, timeZone), timeZone);
  const t = guess - first;
  const second = offsetMs(t, timeZone);
  // Offsets differ only in a gap: the smaller is the one from before the change.
  return second === first ? t : guess - Math.min(first, second);
}

/**
 * The instant of a stored date answer ("YYYY-MM-DD", or "YYYY-MM-DDTHH:MM" when
 * typed with its time) completed by a separately asked time; undefined while
 * no time is known.
 */
export function answerInstant(
  dateAnswer: string,
  time: HhMm | undefined,
  timeZone: string,
): number | undefined {
  const [date = "", inline] = dateAnswer.split("T");
  const t = inline ?? time;
  return t === undefined ? undefined : fromLocal(date, t, timeZone);
}

/** Calendar date `n` days after `date` (negative: before). */
export function addDays(date: IsoDate, n: number): IsoDate {
  const { y, m, d } = splitDate(date);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Whole calendar days from `a` to `b`. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  const x = splitDate(a);
  const y = splitDate(b);
  return Math.round((Date.UTC(y.y, y.m - 1, y.d) - Date.UTC(x.y, x.m - 1, x.d)) / DAY_MS);
}

/** The same day one calendar month earlier, clamped to that month's last day (31 Mar → 28/29 Feb). */
export function monthBefore(date: IsoDate): IsoDate {
  const { y, m, d } = splitDate(date);
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  return isoDate(py, pm, Math.min(d, daysInMonth(py, pm)));
}

// ---------------------------------------------------------------------------
// Parsing what the customer types.

export type DateError = "date_format" | "date_future" | "date_too_old" | "date_ambiguous";
export type ParsedDate =
  | { ok: true; date: IsoDate; time: HhMm | null }
  | { ok: false; error: DateError };
export type ParsedTime = { ok: true; time: HhMm } | { ok: false; error: "time_format" };

function normalise(text: string): string {
  return text
    .normalize("NFC")
    .toLowerCase()
    .replace(/[\u00a0\s]+/g, " ")
    .trim();
}

/** "14:30", "9:05", "14.30", "14 30", "14h30", "14" → "HH:MM". */
export function parseTime(text: string): ParsedTime {
  const t = normalise(text).replace(grammar().hourSuffix, "");
  const m = /^(\d{1,2})(?:[:.h ](\d{2}))?$/.exec(t);
  if (m === null) return { ok: false, error: "time_format" };
  const h = Number(m[1]);
  const mi = m[2] === undefined ? 0 : Number(m[2]);
  if (h > 23 || mi > 59) return { ok: false, error: "time_format" };
  return { ok: true, time: `${pad(h)}:${pad(mi)}` };
}

function parseDatePart(
  s: string,
  lang: string,
  today: IsoDate,
): { ok: true; date: IsoDate } | { ok: false; error: DateError } {
  const bad = { ok: false as const, error: "date_format" as const };
  const todayParts = splitDate(today);
  const g = grammar();
  const rel = g.daysBack.get(s);
  if (rel !== undefined) return { ok: true, date: addDays(today, -rel) };
  for (const re of g.daysAgo) {
    const m = re.exec(s);
    if (m !== null) return { ok: true, date: addDays(today, -Number(m[1])) };
  }
  const check = (y: number, m: number, d: number, yearGiven: boolean) => {
    if (!isValidDate(y, m, d)) return bad;
    let date = isoDate(y, m, d);
    // Without a year, the most recent such date that is not in the future.
    if (!yearGiven && date > today) {
      if (!isValidDate(y - 1, m, d)) return bad;
      date = isoDate(y - 1, m, d);
    }
    return { ok: true as const, date };
  };
  let m = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/.exec(s);
  if (m !== null) return check(Number(m[1]), Number(m[2]), Number(m[3]), true);
  m = /^(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?$/.exec(s);
  if (m !== null) {
    let a = Number(m[1]);
    let b = Number(m[3]);
    if (m[2] === "/" && g.slashDates(lang) === "either") {
      // 05/11: day-first in most of the world, month-first in the US.
      if (a <= 12 && b <= 12 && a !== b) return { ok: false, error: "date_ambiguous" };
      if (b > 12) [a, b] = [b, a];
    }
    const yRaw = m[4];
    const y =
      yRaw === undefined ? todayParts.y : yRaw.length === 2 ? 2000 + Number(yRaw) : Number(yRaw);
    return check(y, b, a, yRaw !== undefined);
  }
  // "12 November 2026", "12 ноября 2026 г.", "12 de noviembre de 2026"
  m = g.dayMonthYear.exec(s);
  if (m !== null) {
    const month = g.months.get(m[2] ?? "");
    if (month === undefined) return bad;
    const y = m[3] === undefined ? todayParts.y : Number(m[3]);
    return check(y, month, Number(m[1]), m[3] !== undefined);
  }
  // "November 12, 2026", "Nov 12th"
  m = g.monthDayYear.exec(s);
  if (m !== null) {
    const month = g.months.get(m[1] ?? "");
    if (month === undefined) return bad;
    const y = m[3] === undefined ? todayParts.y : Number(m[3]);
    return check(y, month, Number(m[2]), m[3] !== undefined);
  }
  return bad;
}

export interface DateContext {
  now: number;
  timeZone: string;
  lang: string;
}

/**
 * A date, optionally with a time, typed in any of the languages (grammar.ts):
 * "2026-11-12", "12.11.2026 14:30", "12/11", "12 ноября", "ayer 9:15",
 * "вчора", "3 days ago". Never in the future; never before the year 2000.
 */
export function parseDate(text: string, ctx: DateContext): ParsedDate {
  if (text.length > 64) return { ok: false, error: "date_format" };
  let s = normalise(text);
  let time: HhMm | null = null;
  const tm = grammar().trailingTime.exec(s);
  if (tm !== null) {
    const h = Number(tm[1]);
    const mi = Number(tm[2]);
    if (h > 23 || mi > 59) return { ok: false, error: "date_format" };
    time = `${pad(h)}:${pad(mi)}`;
    s = s.slice(0, tm.index).trim();
  }
  s = s.replace(/[,]+$/, "").replace(grammar().yearSuffix, "").trim();
  const local = toLocal(ctx.now, ctx.timeZone);
  const part = parseDatePart(s, ctx.lang, local.date);
  if (!part.ok) return part;
  if (part.date < "2000-01-01") return { ok: false, error: "date_too_old" };
  if (part.date > local.date) return { ok: false, error: "date_future" };
  if (part.date === local.date && time !== null && time > local.time) {
    return { ok: false, error: "date_future" };
  }
  return { ok: true, date: part.date, time };
}
