import { describe, expect, it } from "vitest";
import { type FaqMatch, sinceDay } from "../../src/faq/index.ts";
import { projectFaq } from "./setup.ts";

const { faq } = projectFaq();

/** 2026-11-20 12:00 UTC: a Friday in Berlin. */
const NOW = new Date(Date.UTC(2026, 10, 20, 12, 0));
const TZ = "Europe/Berlin";

const sinceOf = (m: FaqMatch) => (m.kind === "answer" ? m.since : undefined);
const day = (text: string) => {
  const said = sinceOf(faq.match(text));
  return said === undefined ? undefined : sinceDay(said, NOW, TZ);
};

describe("since when a message says the problem began", () => {
  it.each([
    ["My rented number has been dead for two days, refund please", "2026-11-18"],
    ["my number stopped working since yesterday", "2026-11-19"],
    ["Номер не работает уже 3 дня, верните деньги", "2026-11-17"],
    ["Арендованный номер не работает второй день", "2026-11-19"],
    ["Орендований номер не працює з понеділка, поверніть гроші", "2026-11-16"],
    ["Мій номер не працює вже два дні", "2026-11-18"],
    ["Mi número alquilado no funciona desde ayer, quiero el reembolso", "2026-11-19"],
    ["Mi número no funciona desde hace tres días", "2026-11-17"],
    ["nomer ne rabotaet uzhe dva dnya", "2026-11-18"],
  ])("%s → %s", (text, expected) => {
    expect(day(text)).toBe(expected);
  });

  it.each([
    // nothing said
    "My rented number stopped working, please refund it",
    // a rental's length, not the problem's
    "I rented a number for 30 days and now it does not work",
    "Взял номер на 3 дня, а он не работает",
    // two days that disagree
    "My number has been down for two days, or maybe since Monday",
    // today's weekday: this week's or last week's
    "my number doesn't work since friday",
  ])("none in %j", (text) => {
    expect(day(text)).toBeUndefined();
  });

  it("is read only for an entry that starts a request", () => {
    const m = faq.match("My balance was topped up by mistake two days ago, can I get it back?");
    expect(m).toMatchObject({ kind: "answer", entryId: "accidental_topup" });
    expect(sinceOf(m)).toBeUndefined();
  });

  it("is put on the customer's calendar, not UTC's", () => {
    // 23:30 UTC on the 19th is already the 20th in Berlin.
    const late = new Date(Date.UTC(2026, 10, 19, 23, 30));
    expect(sinceDay({ daysBack: [1], weekdays: [] }, late, TZ)).toBe("2026-11-19");
    expect(sinceDay({ daysBack: [1], weekdays: [] }, late, "UTC")).toBe("2026-11-18");
  });
});
