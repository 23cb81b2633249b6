/**
 * Business days (settled reading 4): Monday to Friday, less the configured
 * holidays, in the configured time zone. Deadlines (F1: 5 business days, F2:
 * 2 working days) run from the moment a case is submitted and keep its local
 * time of day, across daylight-saving changes. A case submitted on a weekend
 * or holiday starts its clock at the beginning of the next business day.
 */
export interface BusinessCalendar {
  timeZone: string;
  /** YYYY-MM-DD, local dates */
  holidays: readonly string[];
}

interface Local {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(at: Date, timeZone: string): Local {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    ms: at.getUTCMilliseconds(),
  };
}

/** The instant at which the wall clock of `timeZone` shows `l` (the later one in a DST gap). */
function fromLocal(l: Local, timeZone: string): Date {
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.ms);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const seen = localParts(new Date(guess), timeZone);
    const seenWall = Date.UTC(
      seen.year,
      seen.month - 1,
      seen.day,
      seen.hour,
      seen.minute,
      seen.second,
      l.ms,
    );
    const diff = wall - seenWall;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess);
}

function isoDate(l: Pick<Local, "year" | "month" | "day">): string {
  return `${l.year}-${String(l.month).padStart(2, "0")}-${String(l.day).padStart(2, "0")}`;
}

function nextDay(l: Local): Local {
  const d = new Date(Date.UTC(l.year, l.month - 1, l.day + 1));
  return { ...l, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function isBusinessDay(
  l: Pick<Local, "year" | "month" | "day">,
  cal: BusinessCalendar,
): boolean {
  const weekday = new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !cal.holidays.includes(isoDate(l));
}

/** The moment `days` business days after `from`. */
export function addBusinessDays(from: Date, days: number, cal: BusinessCalendar): Date {
  let l = localParts(from, cal.timeZone);
  if (!isBusinessDay(l, cal)) {
    do l = nextDay(l);
    while (!isBusinessDay(l, cal));
    l = { ...l, hour: 0, minute: 0, second: 0, ms: 0 };
  }
  for (let counted = 0; counted < days; ) {
    l = nextDay(l);
    if (isBusinessDay(l, cal)) counted++;
  }
  return fromLocal(l, cal.timeZone);
}

/** Business days an F clause allows from submission. */
export const DEADLINE_DAYS = { balance: 5, payout: 2 } as const;

/** Monday 00:00 of the week that contains `at`, in `timeZone` (for "this week" figures). */
export function startOfWeek(at: Date, timeZone: string): Date {
  const l = localParts(at, timeZone);
  const weekday = new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay();
  const monday = new Date(Date.UTC(l.year, l.month - 1, l.day - ((weekday + 6) % 7)));
  return fromLocal(
    {
      year: monday.getUTCFullYear(),
      month: monday.getUTCMonth() + 1,
      day: monday.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
      ms: 0,
    },
    timeZone,
  );
}
