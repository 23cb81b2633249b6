import type { CaseStatus } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";

/** A customer may withdraw a case until staff decide it. */
export const WITHDRAWABLE: readonly CaseStatus[] = ["submitted", "in_review", "needs_info"];

export type WithdrawResult = { kind: "withdrawn" } | { kind: "decided" } | { kind: "not_found" };

/**
 * Withdraws the customer's own case. Someone else's case and a case that does
 * not exist get the same answer, so case numbers reveal nothing. The update is
 * conditional on the state read, so a staff action in between is never lost.
 */
export async function withdrawCase(
  tx: Tx,
  customerId: bigint,
  caseId: number,
  now: Date,
): Promise<WithdrawResult> {
  for (;;) {
    const c = await tx.refundCase.findFirst({
      where: { id: caseId, customerId },
      select: { status: true },
    });
    if (c === null) return { kind: "not_found" };
    if (!WITHDRAWABLE.includes(c.status)) return { kind: "decided" };
    const { count } = await tx.refundCase.updateMany({
      where: { id: caseId, status: c.status },
      data: { status: "withdrawn", version: { increment: 1 } },
    });
    if (count === 0) continue;
    await tx.caseEvent.create({
      data: { caseId, actorId: customerId, at: now, fromStatus: c.status, toStatus: "withdrawn" },
    });
    return { kind: "withdrawn" };
  }
}
