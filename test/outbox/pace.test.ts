import { describe, expect, it } from "vitest";
import { Pace, TELEGRAM_LIMITS } from "../../src/outbox/pace.ts";

describe("Pace", () => {
  it("lets a chat's burst go, then spaces its messages; a group more slowly", () => {
    const pace = new Pace(TELEGRAM_LIMITS, () => 0);
    expect([1, 2, 3].map(() => pace.delayFor(7n))).toEqual([0, 0, 0]);
    expect(pace.delayFor(7n)).toBe(1_000);
    expect([1, 2, 3].map(() => pace.delayFor(-100n))).toEqual([0, 0, 0]);
    expect(pace.delayFor(-100n)).toBe(3_000);
  });

  it("forgets chats whose allowance is whole again, so memory follows the active chats only", () => {
    let now = 0;
    const pace = new Pace(TELEGRAM_LIMITS, () => now);
    for (let chat = 1n; chat <= 999n; chat++) pace.delayFor(chat);
    expect(pace.size).toBe(999);
    now = 10_000;
    pace.delayFor(5_000n); // the thousandth message: idle chats are dropped
    expect(pace.size).toBe(1);
  });
});
