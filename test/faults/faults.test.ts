import { describe, expect, it } from "vitest";
import { faultKinds, faultTable, runFaults, SCALE } from "./harness.ts";

// The real program under one injected fault at a time; see harness.ts. The
// databases run side by side: most of the time goes to waiting for backoffs.
describe("fault suite", () => {
  it.concurrent.each(faultKinds)(
    "on %s: nothing lost, nothing doubled, nothing leaked, whatever the database, Telegram or the network does",
    async (kind) => {
      const run = await runFaults(kind);
      process.stdout.write(`${faultTable(kind, run)}\n`);
      expect(run.leaks).toEqual([]);
      for (const row of run.rows) {
        expect({ fault: row.fault, lost: row.lost, doubled: row.doubled }).toEqual({
          fault: row.fault,
          lost: 0,
          doubled: 0,
        });
        expect(row.processed, row.fault).toBe(row.stored);
        for (const [check, held] of Object.entries(row.checks))
          expect(held, `${row.fault}: ${check}`).toBe(true);
      }
      if (kind === "postgres") {
        expect(run.rows.map((r) => r.fault)).toContain("database restarted mid-conversation");
        expect(run.healthDownWhileCut, "/healthz 503 while the database is away").toBe(true);
        expect(run.healthUpAfterMs, "/healthz 200 again after its return").toBeDefined();
      }
    },
    300_000 * SCALE,
  );
});
