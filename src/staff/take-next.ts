import type { Actor } from "../cases/transition.ts";
import { transition } from "../cases/transition.ts";
import type { RefundCase } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";

/**
 * "Take next": claims the unclaimed case with the oldest deadline. The row is
 * locked with FOR UPDATE SKIP LOCKED, so staff taking next at the same moment
 * (in one process or several sharing PostgreSQL) each get a different case and
 * nobody waits on a row someone else is taking; the claim itself is the usual
 * conditional transition. PGlite runs the same SQL (one connection, so there
 * is never anything to skip).
 */
export async function takeNext(
  tx: Tx,
  actor: Actor & { kind: "staff" },
  now: Date,
): Promise<RefundCase | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rows = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM "RefundCase"
      WHERE status = 'submitted' AND "assigneeId" IS NULL
      ORDER BY "dueAt" ASC, id ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED`;
    const id = rows[0]?.id;
    if (id === undefined) return null;
    const r = await transition(tx, id, actor, { action: "claim" }, now);
    if (r.kind === "ok") return r.case;
    // Only possible if the row changed between the lock and the claim, which
    // the lock rules out; try the next one rather than fail the update.
  }
  return null;
}
