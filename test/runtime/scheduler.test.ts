import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { Scheduler } from "../../src/runtime/scheduler.ts";

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
    await new Promise((r) => setTimeout(r, 100));
    await scheduler.stop();
    expect(runs.fast).toBeGreaterThan(3);
    expect(overlapped).toBe(false);
    expect(slowRunning).toBe(0);
    const after = { ...runs };
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toEqual(after);
  });

  it("logs a failing pass and keeps running it", async () => {
    let tries = 0;
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
      createLogger("silent"),
    );
    scheduler.start();
    await new Promise((r) => setTimeout(r, 60));
    await scheduler.stop();
    expect(tries).toBeGreaterThan(2);
  });
});
