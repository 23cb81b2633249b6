import { describe, expect, it } from "vitest";
import { cachedCheck, checkHealth } from "../../src/transport/http-server.ts";

describe("health checks", () => {
  it("reports each check, and not ok when one fails or hangs", async () => {
    const report = await checkHealth(
      {
        database: async () => {},
        telegram: async () => {
          throw new Error("ECONNREFUSED");
        },
        slow: () => new Promise(() => {}),
      },
      50,
    );
    expect(report.ok).toBe(false);
    expect(report.checks.database?.ok).toBe(true);
    expect(report.checks.telegram).toMatchObject({ ok: false, error: "ECONNREFUSED" });
    expect(report.checks.slow).toMatchObject({ ok: false, error: "timed out" });
  });

  it("remembers a success for a while, never a failure", async () => {
    let calls = 0;
    let fail = true;
    const check = cachedCheck(async () => {
      calls++;
      if (fail) throw new Error("down");
    }, 60_000);
    await expect(check()).rejects.toThrow("down");
    fail = false;
    await check();
    await check();
    await check();
    expect(calls).toBe(2);
  });
});
