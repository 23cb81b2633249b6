import { describe, expect, it } from "vitest";
import { fromLocal, offsetMs, toLocal } from "../../../machines/refund/dates.ts";

/** The wall clock as Intl shows it ("YYYY-MM-DD HH:MM" in Swedish style), apart from the code under test. */
function wall(epoch: number, timeZone: string): string {
  return new Date(epoch).toLocaleString("sv-SE", { timeZone }).slice(0, 16);
}

describe("the customer's wall clock", () => {
  // Minute by minute over the hours around a daylight-saving change, more
  // instants than the remembered answers hold, each asked twice in a row: the
  // second answer comes from memory, and must be the same.
  const changes = [
    { zone: "Europe/Berlin", from: Date.UTC(2026, 2, 29, 0, 0) },
    { zone: "America/New_York", from: Date.UTC(2026, 10, 1, 4, 0) },
    { zone: "Asia/Kathmandu", from: Date.UTC(2026, 0, 1, 0, 0) },
  ];
  for (const { zone, from } of changes)
    it(`agrees with Intl every minute around a change, asked twice (${zone})`, () => {
      for (let i = 0; i < 6 * 60; i++) {
        const epoch = from + i * 60_000 + 59_999;
        const first = toLocal(epoch, zone);
        expect(`${first.date} ${first.time}`).toBe(wall(epoch, zone));
        expect(toLocal(epoch, zone)).toEqual(first);
      }
    });

  it("remembers each zone's answers apart: one instant, three zones", () => {
    const epoch = Date.UTC(2026, 10, 28, 23, 30);
    for (let round = 0; round < 2; round++) {
      expect(toLocal(epoch, "Europe/Berlin")).toEqual({ date: "2026-11-29", time: "00:30" });
      expect(toLocal(epoch, "America/New_York")).toEqual({ date: "2026-11-28", time: "18:30" });
      expect(toLocal(epoch, "Asia/Kathmandu")).toEqual({ date: "2026-11-29", time: "05:15" });
    }
  });

  it("reads an instant's offset to the second, whatever its milliseconds", () => {
    const epoch = Date.UTC(2026, 2, 29, 1, 0, 0);
    expect(offsetMs(epoch - 1, "Europe/Berlin")).toBe(3_600_000);
    expect(offsetMs(epoch, "Europe/Berlin")).toBe(7_200_000);
    expect(offsetMs(epoch + 999, "Europe/Berlin")).toBe(7_200_000);
  });

  it("turns a wall time back into the instant it names, before and after a change", () => {
    expect(fromLocal("2026-03-29", "01:30", "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 0, 30));
    expect(fromLocal("2026-03-29", "03:30", "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 1, 30));
  });

  it("reads a time the clocks skip as the same time counted on, later, on either side of GMT", () => {
    // 02:00 became 03:00: 02:30 is 03:30 local.
    expect(fromLocal("2026-03-29", "02:30", "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(fromLocal("2026-03-08", "02:30", "America/New_York")).toBe(Date.UTC(2026, 2, 8, 7, 30));
  });
});
