import { describe, expect, it } from "vitest";
import { a1, e1DateWithin, e1Window } from "../../../machines/refund/arithmetic.ts";
import { fromLocal, monthBefore } from "../../../machines/refund/dates.ts";

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const berlin = "Europe/Berlin";
const at = (date: string, time: string, tz = berlin) => fromLocal(date, time, tz);

describe("A1: over 24 hours from the first report, days rounded up", () => {
  const now = at("2026-11-20", "12:00");
  it("exactly 24 h is not enough", () => {
    const r = a1(
      { reportedAt: at("2026-11-10", "10:00"), restoredAt: at("2026-11-11", "10:00") },
      now,
      berlin,
    );
    expect(r.spanMs).toBe(DAY);
    expect(r.overDay).toBe(false);
  });
  it("24 h + 1 min is, and counts two days", () => {
    const r = a1(
      { reportedAt: at("2026-11-10", "10:00"), restoredAt: at("2026-11-11", "10:01") },
      now,
      berlin,
    );
    expect(r.overDay).toBe(true);
    expect(r.days).toBe(2);
  });
  it("exactly 48 h counts two days; 48 h + 1 min three", () => {
    const base = at("2026-11-10", "10:00");
    expect(a1({ reportedAt: base, restoredAt: base + 2 * DAY }, now, berlin).days).toBe(2);
    expect(a1({ reportedAt: base, restoredAt: base + 2 * DAY + MIN }, now, berlin).days).toBe(3);
  });
  it("a still-down outage runs until the request", () => {
    const r = a1({ reportedAt: now - DAY - MIN, restoredAt: null }, now, berlin);
    expect(r.end).toBe(now);
    expect(r.overDay).toBe(true);
    expect(r.days).toBe(2);
    expect(a1({ reportedAt: now - DAY, restoredAt: null }, now, berlin).overDay).toBe(false);
  });
  it("counts real hours across daylight-saving changes", () => {
    // Autumn: 25 October 2026, clocks go back; 10:00 to 10:00 is 25 h.
    const autumn = a1(
      { reportedAt: at("2026-10-24", "10:00"), restoredAt: at("2026-10-25", "10:00") },
      now,
      berlin,
    );
    expect(autumn.spanMs).toBe(25 * H);
    expect(autumn.overDay).toBe(true);
    // Spring: 29 March 2026, clocks go forward; 10:00 to 10:00 is 23 h.
    const springNow = at("2026-04-10", "12:00");
    const spring = a1(
      { reportedAt: at("2026-03-28", "10:00"), restoredAt: at("2026-03-29", "10:00") },
      springNow,
      berlin,
    );
    expect(spring.spanMs).toBe(23 * H);
    expect(spring.overDay).toBe(false);
  });
  it("the same wall times in different zones are different instants", () => {
    const tokyo = at("2026-11-10", "10:00", "Asia/Tokyo");
    const ny = at("2026-11-10", "10:00", "America/New_York");
    expect(ny - tokyo).toBe(14 * H);
  });
});

describe("E1: one calendar month before the request", () => {
  it("clamps to the last day of a shorter month", () => {
    expect(monthBefore("2026-03-31")).toBe("2026-02-28");
    expect(monthBefore("2028-03-30")).toBe("2028-02-29");
    expect(monthBefore("2026-01-15")).toBe("2025-12-15");
  });
  it("includes the first day of the window, not the day before", () => {
    const now = at("2026-03-31", "12:00");
    expect(e1DateWithin("2026-02-28", now, berlin)).toBe(true);
    expect(e1DateWithin("2026-02-27", now, berlin)).toBe(false);
    expect(e1DateWithin("2026-03-31", now, berlin)).toBe(true);
    expect(e1DateWithin("2026-04-01", now, berlin)).toBe(false);
  });
  it("uses the customer's calendar: just after midnight in Tokyo it is already the next day", () => {
    const now = Date.UTC(2026, 10, 19, 15, 30); // 20 Nov 00:30 in Tokyo, 19 Nov in London
    expect(e1Window(now, "Asia/Tokyo").startDate).toBe("2026-10-20");
    expect(e1Window(now, "Europe/London").startDate).toBe("2026-10-19");
  });
  it("caps A1 days at the days of that month, counting only the part inside it", () => {
    const now = at("2026-03-15", "12:00");
    const long = a1({ reportedAt: at("2026-01-01", "00:00"), restoredAt: null }, now, berlin);
    expect(e1Window(now, berlin).days).toBe(28);
    expect(long.days).toBe(28);
    expect(long.withinMonth).toBe(true);
    const partly = a1(
      { reportedAt: at("2026-02-10", "12:00"), restoredAt: at("2026-02-17", "12:00") },
      now,
      berlin,
    );
    expect(partly.days).toBe(2);
  });
  it("an outage that ended before the window is outside the month", () => {
    const now = at("2026-03-15", "12:00");
    const r = a1(
      { reportedAt: at("2026-02-01", "12:00"), restoredAt: at("2026-02-15", "11:59") },
      now,
      berlin,
    );
    expect(r.overDay).toBe(true);
    expect(r.withinMonth).toBe(false);
    expect(r.days).toBe(0);
  });
});
