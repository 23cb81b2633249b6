import { describe, expect, it } from "vitest";
import { databaseKinds } from "../support/database.ts";
import { CUSTOMERS, KILLS, runChaos } from "./harness.ts";

// The real program, killed with SIGKILL at random moments while scripted
// customers run whole refund conversations; see harness.ts.
const TIMEOUT = 120_000 + (CUSTOMERS + KILLS) * 30_000;

describe.each(databaseKinds)("crash test on %s", (kind) => {
  it(
    `${CUSTOMERS} customers, ${KILLS} kills: nothing lost, nothing doubled, every conversation finished`,
    async () => {
      const r = await runChaos(kind);
      process.stdout.write(
        `chaos (${kind}): ${r.kills} kills, ${r.conversationsChecked}/${r.customers} conversations checked, ` +
          `${r.messagesChecked} messages checked, ${r.resends} resent (at-least-once across a kill)\n`,
      );
      expect(r.problems).toEqual([]);
      expect(r.kills).toBe(KILLS);
      expect(r.conversationsChecked).toBe(CUSTOMERS);
    },
    TIMEOUT,
  );
});
