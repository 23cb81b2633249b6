import { describe, expect, it } from "vitest";
import { Pace, TELEGRAM_LIMITS } from "../../src/outbox/pace.ts";

describe("Pace", () => {
  it("lets a chat's burst go, then makes it wait; a group longer", () => {
    let now = 0;
    const pace = new Pace(TELEGRAM_LIMITS, () => now);
    for (let i = 0; i < 3; i++) pace.take(7n);
    expect(pace.waiting()).toEqual([7n]);
    now = 999;
    expect(pace.waiting()).toEqual([7n]);
    now = 1_000;
    expect(pace.waiting()).toEqual([]);
    for (let i = 0; i < 3; i++) pace.take(-100n);
    now = 3_999;
    expect(pace.waiting()).toEqual([-100n]);
    now = 4_001;
    expect(pace.waiting()).toEqual([]);
  });

  it("says how many messages may leave in all, and when the next may", () => {
    let now = 0;
    const pace = new Pace(TELEGRAM_LIMITS, () => now);
    expect(pace.room()).toBe(30);
    for (let chat = 1n; chat <= 30n; chat++) pace.take(chat);
    expect(pace.room()).toBe(0);
    expect(pace.nextRoom()).toBe(34);
    now = 100;
    expect(pace.room()).toBe(3);
    expect(pace.nextRoom()).toBe(0);
    // Five at once: two more, a thirtieth of a second each.
    expect(pace.nextRoom(5)).toBe(67);
    // More than the bot's burst can never be free at once: the burst is what is waited for.
    expect(pace.nextRoom(1_000)).toBe(pace.nextRoom(30));
    expect(pace.nextRoom(30)).toBe(900);
  });

  it("forgets chats whose allowance is whole again, so memory follows the active chats only", () => {
    let now = 0;
    const pace = new Pace(TELEGRAM_LIMITS, () => now);
    for (let chat = 1n; chat <= 999n; chat++) pace.take(chat);
    pace.take(-5n);
    expect(pace.size).toBe(1_000);
    now = 1_000;
    expect(pace.waiting()).toEqual([]);
    expect(pace.size).toBe(1); // the group's allowance comes back more slowly
    now = 9_000;
    pace.waiting();
    expect(pace.size).toBe(0);
  });
});
