import { describe, expect, it } from "vitest";
import { databaseKinds } from "../support/database.ts";
import { CUSTOMERS, KILLS, runChaos } from "./harness.ts";

// The real program, killed with SIGKILL at random moments while scripted
// customers run whole refund conversations and a staff member reviews each
// case in the staff group; see harness.ts. Staff reviews wait on the staff
// group, paced to about 20 messages a minute, so the databases run side by side.
const TIMEOUT = 120_000 + (CUSTOMERS + KILLS) * 30_000 + CUSTOMERS * 45_000;

describe("crash test", () => {
  it.concurrent.each(databaseKinds)(
    `on %s: ${CUSTOMERS} customers and a staff member, ${KILLS} kills: nothing lost, nothing doubled, every conversation finished and every case reviewed`,
    async (kind) => {
      const r = await runChaos(kind);
      process.stdout.write(
        `chaos (${kind}): ${r.kills} kills (${r.killsDuringReviews} during reviews), ` +
          `${r.conversationsChecked}/${r.customers} conversations and ${r.reviewsChecked}/${r.customers} reviews checked, ` +
          `${r.messagesChecked} messages checked, ${r.resends} resent (at-least-once across a kill)\n`,
      );
      expect(r.problems).toEqual([]);
      expect(r.kills).toBe(KILLS);
      expect(r.conversationsChecked).toBe(CUSTOMERS);
      expect(r.reviewsChecked).toBe(CUSTOMERS);
    },
    TIMEOUT,
  );
});
