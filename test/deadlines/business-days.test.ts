import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addBusinessDays, isBusinessDay, startOfWeek } from "../../src/deadlines/business-days.ts";

const utc = { timeZone: "UTC", holidays: [] };

describe("addBusinessDays", () => {
  it("skips the weekend and keeps the time of day", () => {
    // Thursday 2026-11-19 15:30 UTC + 2 → Monday 23rd 15:30.
    expect(addBusinessDays(new Date("2026-11-19T15:30:00Z"), 2, utc).toISOString()).toBe(
      "2026-11-23T15:30:00.000Z",
    );
    // Monday + 5 → next Monday.
    expect(addBusinessDays(new Date("2026-11-23T09:00:00Z"), 5, utc).toISOString()).toBe(
      "2026-11-30T09:00:00.000Z",
    );
  });

  it("starts a Friday-evening submission's clock on Friday, a Saturday one's on Monday morning", () => {
    expect(addBusinessDays(new Date("2026-11-20T23:59:00Z"), 2, utc).toISOString()).toBe(
      "2026-11-24T23:59:00.000Z",
    );
    expect(addBusinessDays(new Date("2026-11-21T10:00:00Z"), 2, utc).toISOString()).toBe(
      "2026-11-25T00:00:00.000Z",
    );
  });

  it("lands a deadline the clocks skip later, never on the evening before", () => {
    // Cairo moves 00:00 to 01:00 on Friday 24 April 2026: Wednesday 00:30 + 2 is Friday 01:30.
    const cairo = { timeZone: "Africa/Cairo", holidays: [] };
    expect(addBusinessDays(new Date("2026-04-21T22:30:00Z"), 2, cairo).toISOString()).toBe(
      "2026-04-23T22:30:00.000Z",
    );
  });

  it("skips configured holidays", () => {
    const cal = { timeZone: "UTC", holidays: ["2026-12-25", "2027-01-01"] };
    // Thu 24 Dec + 2: Fri 25 (holiday), Mon 28, Tue 29.
    expect(addBusinessDays(new Date("2026-12-24T12:00:00Z"), 2, cal).toISOString()).toBe(
      "2026-12-29T12:00:00.000Z",
    );
  });

  it("counts days in the configured time zone, not UTC", () => {
    // 22:30 UTC on Friday is already Saturday 01:30 in Kyiv (UTC+2): the clock starts Monday 00:00 Kyiv.
    const kyiv = { timeZone: "Europe/Kyiv", holidays: [] };
    expect(addBusinessDays(new Date("2026-11-20T23:30:00Z"), 2, kyiv).toISOString()).toBe(
      "2026-11-24T22:00:00.000Z",
    );
  });

  it("keeps the local time across a daylight-saving change", () => {
    // Berlin leaves summer time on Sunday 2026-10-25: Friday 10:00 CEST + 1 business day = Monday 10:00 CET.
    const berlin = { timeZone: "Europe/Berlin", holidays: [] };
    expect(addBusinessDays(new Date("2026-10-23T08:00:00Z"), 1, berlin).toISOString()).toBe(
      "2026-10-26T09:00:00.000Z",
    );
    // And into summer time (Sunday 2026-03-29).
    expect(addBusinessDays(new Date("2026-03-27T09:00:00Z"), 1, berlin).toISOString()).toBe(
      "2026-03-30T08:00:00.000Z",
    );
  });

  it("always lands on a business day, later than it started, at most days+4 weeks away", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2020-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"),
        (from, days, timeZone) => {
          const cal = { timeZone, holidays: [] };
          const due = addBusinessDays(from, days, cal);
          expect(due.getTime()).toBeGreaterThan(from.getTime());
          const local = new Intl.DateTimeFormat("en-CA", { timeZone }).format(due);
          expect(isBusinessDay(local, cal)).toBe(true);
          expect(due.getTime() - from.getTime()).toBeLessThan(
            ((days * 7) / 5) * 86_400_000 + 4 * 86_400_000,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("startOfWeek", () => {
  it("is Monday 00:00 in the configured time zone", () => {
    // Sunday 23:30 UTC is already Monday in Kyiv: that Monday starts the week there.
    expect(startOfWeek(new Date("2026-11-22T23:30:00Z"), "Europe/Kyiv").toISOString()).toBe(
      "2026-11-22T22:00:00.000Z",
    );
    expect(startOfWeek(new Date("2026-11-22T23:30:00Z"), "UTC").toISOString()).toBe(
      "2026-11-16T00:00:00.000Z",
    );
  });
});
