import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { Scheduler } from "../../src/runtime/scheduler.ts";

// The clock is the test's: passes run when it moves, whatever the machine's load.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Scheduler", () => {
  it("runs each job at start and then on its interval, never two passes of one job at once", async () => {
    const runs: Record<string, number> = { fast: 0, slow: 0 };
    let slowRunning = 0;
    let overlapped = false;
    const scheduler = new Scheduler(
      [
        {
          name: "fast",
          everyMs: 10,
          pass: async () => {
            runs.fast = (runs.fast ?? 0) + 1;
          },
        },
        {
          name: "slow",
          everyMs: 10,
          pass: async () => {
            slowRunning++;
            if (slowRunning > 1) overlapped = true;
            runs.slow = (runs.slow ?? 0) + 1;
            await new Promise((r) => setTimeout(r, 35));
            slowRunning--;
          },
        },
      ],
      createLogger("silent"),
    );
    scheduler.start();
    expect(runs).toEqual({ fast: 1, slow: 1 });
    await vi.advanceTimersByTimeAsync(100);
    // Every 10 ms for 100 ms; the slow one only when its last pass has ended.
    expect(runs.fast).toBe(11);
    expect(runs.slow).toBeGreaterThan(1);
    expect(runs.slow).toBeLessThan(5);
    const stopping = scheduler.stop();
    await vi.advanceTimersByTimeAsync(40);
    await stopping;
    expect(overlapped).toBe(false);
    expect(slowRunning).toBe(0);
    const after = { ...runs };
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toEqual(after);
  });

  it("logs a failing pass and keeps running it", async () => {
    let tries = 0;
    const lines: string[] = [];
    const scheduler = new Scheduler(
      [
        {
          name: "failing",
          everyMs: 10,
          pass: async () => {
            tries++;
            throw new Error("database away");
          },
        },
      ],
      createLogger("info", { write: (line: string) => void lines.push(line) }),
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(30);
    await scheduler.stop();
    expect(tries).toBe(4);
    const logged = lines.map(
      (l) => JSON.parse(l) as { msg: string; pass: string; err: { message: string } },
    );
    expect(logged).toHaveLength(4);
    expect(logged[0]).toMatchObject({
      msg: "periodic pass failed",
      pass: "failing",
      err: { message: "database away" },
    });
  });
});
