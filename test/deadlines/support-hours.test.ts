import { describe, expect, it } from "vitest";
import { parseSupportHours, type SupportHours } from "../../src/config/support-hours.ts";
import { nextOpening } from "../../src/deadlines/support-hours.ts";

function hours(text: string): SupportHours {
  const h = parseSupportHours(text);
  if (typeof h === "string") throw new Error(h);
  return h;
}

const BERLIN = { timeZone: "Europe/Berlin", holidays: ["2026-12-25"] };
const WEEKDAYS = hours("Mon-Fri 09:00-18:00, Sat 10:00-14:00");

describe("support hours", () => {
  it("reads days, ranges of days and hours", () => {
    expect([...WEEKDAYS.entries()].sort(([a], [b]) => a - b)).toEqual([
      [1, [{ from: 540, to: 1080 }]],
      [2, [{ from: 540, to: 1080 }]],
      [3, [{ from: 540, to: 1080 }]],
      [4, [{ from: 540, to: 1080 }]],
      [5, [{ from: 540, to: 1080 }]],
      [6, [{ from: 600, to: 840 }]],
    ]);
    // A range may wrap over Sunday; the whole day ends at 24:00.
    expect([...hours("Sat-Mon 00:00-24:00").keys()].sort()).toEqual([0, 1, 6]);
  });

  it("reads split shifts, one-digit hours and night shifts that end the next day", () => {
    const split = hours("Mon 9:00-13:00, Mon 14:00-18:00");
    expect(split.get(1)).toEqual([
      { from: 540, to: 780 },
      { from: 840, to: 1080 },
    ]);
    const night = hours("Fri 22:00-02:00");
    expect(night.get(5)).toEqual([{ from: 1320, to: 1440 }]);
    expect(night.get(6)).toEqual([{ from: 0, to: 120, night: true }]);
    // Saturday 01:00 Berlin is still Friday's shift; Saturday 03:00 waits for next Friday 22:00.
    expect(nextOpening(new Date("2026-12-05T00:00:00Z"), night, BERLIN)).toBeUndefined();
    expect(nextOpening(new Date("2026-12-05T02:00:00Z"), night, BERLIN)).toEqual(
      new Date("2026-12-11T21:00:00Z"),
    );
    // Monday 13:30, between the shifts → 14:00.
    expect(nextOpening(new Date("2026-12-07T12:30:00Z"), split, BERLIN)).toEqual(
      new Date("2026-12-07T13:00:00Z"),
    );
  });

  it("says what is wrong with a schedule it cannot read", () => {
    expect(parseSupportHours("weekdays 9-6")).toContain('not like "Mon-Fri 09:00-18:00"');
    expect(parseSupportHours("Mon-Fry 09:00-18:00")).toContain("names a day");
    expect(parseSupportHours("Mon 09:00-09:00")).toContain("starts and ends at the same time");
    expect(parseSupportHours("Mon 09:00-25:00")).toContain("not on a 24-hour clock");
    expect(parseSupportHours("Mon 09:00-18:00, Mon-Tue 10:00-11:00")).toContain(
      "overlaps another shift",
    );
  });

  it("is open within the hours: nobody waits", () => {
    // Wednesday 2026-12-02, 10:30 in Berlin (09:30 UTC).
    expect(nextOpening(new Date("2026-12-02T09:30:00Z"), WEEKDAYS, BERLIN)).toBeUndefined();
    expect(nextOpening(new Date("2026-12-02T22:00:00Z"), undefined, BERLIN)).toBeUndefined();
  });

  it("names the next opening: later today, tomorrow, after the weekend and a holiday", () => {
    // Wednesday 07:00 Berlin → 09:00 the same day.
    expect(nextOpening(new Date("2026-12-02T06:00:00Z"), WEEKDAYS, BERLIN)).toEqual(
      new Date("2026-12-02T08:00:00Z"),
    );
    // Wednesday 19:00 → Thursday 09:00.
    expect(nextOpening(new Date("2026-12-02T18:00:00Z"), WEEKDAYS, BERLIN)).toEqual(
      new Date("2026-12-03T08:00:00Z"),
    );
    // Saturday 23:00 → Monday 09:00.
    expect(nextOpening(new Date("2026-12-05T22:00:00Z"), WEEKDAYS, BERLIN)).toEqual(
      new Date("2026-12-07T08:00:00Z"),
    );
    // Thursday 24 December 20:00 → Friday the 25th is a holiday → Saturday 10:00.
    expect(nextOpening(new Date("2026-12-24T19:00:00Z"), WEEKDAYS, BERLIN)).toEqual(
      new Date("2026-12-26T09:00:00Z"),
    );
  });

  it("keeps a night shift's hours after midnight on a holiday when its night began the day before", () => {
    const nights = hours("Mon-Thu 22:00-02:00");
    const christmas = { ...BERLIN, holidays: ["2026-12-25"] };
    // Friday 25th 01:00: Thursday's shift is still on, the holiday notwithstanding.
    expect(nextOpening(new Date("2026-12-25T00:00:00Z"), nights, christmas)).toBeUndefined();
    // A holiday on Thursday: its night shift, past midnight too, is off.
    const thursdayOff = { ...BERLIN, holidays: ["2026-12-24"] };
    expect(nextOpening(new Date("2026-12-25T00:00:00Z"), nights, thursdayOff)).toEqual(
      new Date("2026-12-28T21:00:00Z"),
    );
  });

  it("counts in the configured zone, across a daylight-saving change", () => {
    // Saturday 28 March 2026, 20:00 in Berlin (CET) → Monday 30 March 09:00 CEST.
    expect(nextOpening(new Date("2026-03-28T19:00:00Z"), WEEKDAYS, BERLIN)).toEqual(
      new Date("2026-03-30T07:00:00Z"),
    );
  });
});
