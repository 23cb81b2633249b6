import { describe, expect, it } from "vitest";
import { FloodGate } from "../../src/updates/flood.ts";

describe("FloodGate", () => {
  const limits = { maxUpdates: 3, windowMs: 1_000 };

  it("admits up to the limit in a window, warns once, then ignores until there is room", () => {
    let now = 0;
    const gate = new FloodGate(limits, () => now);
    const verdicts = [1n, 2n, 3n, 4n, 5n, 6n].map((u) => gate.check(7n, u));
    expect(verdicts).toEqual(["ok", "ok", "ok", "warn", "ignore", "ignore"]);
    // Another user is not affected.
    expect(gate.check(8n, 7n)).toBe("ok");
    now = 1_001;
    expect(gate.check(7n, 9n)).toBe("ok");
  });

  it("gives an update run again the verdict it got the first time", () => {
    const gate = new FloodGate(limits, () => 0);
    for (const u of [1n, 2n, 3n]) gate.check(7n, u);
    expect(gate.check(7n, 4n)).toBe("warn");
    expect(gate.check(7n, 4n)).toBe("warn");
    expect(gate.check(7n, 2n)).toBe("ok");
  });

  it("tells a flood that goes on only once, and a new flood after a quiet window again", () => {
    let now = 0;
    const gate = new FloodGate(limits, () => now);
    let u = 0n;
    const burst = () => Array.from({ length: 5 }, () => gate.check(7n, ++u));
    expect(burst()).toEqual(["ok", "ok", "ok", "warn", "ignore"]);
    now = 600;
    expect(gate.check(7n, ++u)).toBe("ignore");
    now = 1_001; // the window has room again, but the flood has not stopped
    expect(burst()).toEqual(["ok", "ok", "ok", "ignore", "ignore"]);
    now = 3_500; // quiet for more than a window
    expect(burst()).toEqual(["ok", "ok", "ok", "warn", "ignore"]);
  });

  it("says when a user has used more than half the window's room", () => {
    const gate = new FloodGate({ maxUpdates: 4, windowMs: 1_000 }, () => 0);
    gate.check(7n, 1n);
    gate.check(7n, 2n);
    expect(gate.busy(7n)).toBe(false);
    gate.check(7n, 3n);
    expect(gate.busy(7n)).toBe(true);
  });

  it("forgets users whose window is empty", () => {
    let now = 0;
    const gate = new FloodGate({ maxUpdates: 5, windowMs: 10 }, () => now);
    for (let i = 0n; i < 999n; i++) gate.check(i, i);
    expect(gate.size).toBe(999);
    now = 100;
    gate.check(5_000n, 5_000n); // the thousandth check prunes
    expect(gate.size).toBe(1);
  });

  it("knows a customer still flooding after the warning, so the door can ignore them", () => {
    let now = 0;
    const gate = new FloodGate(limits, () => now);
    expect(gate.stillFlooding(7n)).toBe(false);
    for (const u of [1n, 2n, 3n]) gate.check(7n, u);
    // Full, but not told yet: the handler must warn first.
    expect(gate.stillFlooding(7n)).toBe(false);
    expect(gate.check(7n, 4n)).toBe("warn");
    expect(gate.stillFlooding(7n)).toBe(true);
    now = 900;
    expect(gate.stillFlooding(7n)).toBe(true);
    // Room again: the next update goes to the handler.
    now = 1_001;
    expect(gate.stillFlooding(7n)).toBe(false);
    expect(gate.check(7n, 5n)).toBe("ok");
  });
});
