import { type CaseStatus, Prisma, type RefundCase } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";

/**
 * The staff side of a case's lifecycle:
 *
 *   submitted ─claim─▶ in_review ─approve─▶ approved ─done─▶ done
 *          ◀─release─     │   ▲      └──reject──▶ rejected
 *                         ask │answer (the customer's reply)
 *                         ▼   │
 *                        needs_info
 *
 * approve, reject and ask also work on an unclaimed case (the actor claims it
 * by acting); a case claimed by someone else is theirs unless an admin acts.
 * Each transition is one UPDATE conditional on the version read plus one
 * CaseEvent row: here in the caller's transaction, or (a staff action, see
 * `decide`) in the update's own write (src/updates/chat-state.ts). Of two staff
 * acting at once exactly one UPDATE matches, and the other is told who got
 * there first.
 */
export type CaseAction = "claim" | "release" | "approve" | "reject" | "ask" | "answer" | "done";

/** A case that still needs staff: undecided, or approved and waiting for the money to move. */
export const OPEN = [
  "submitted",
  "in_review",
  "needs_info",
  "approved",
] as const satisfies readonly CaseStatus[];

export function isOpen(status: CaseStatus): boolean {
  return (OPEN as readonly CaseStatus[]).includes(status);
}

const RULES: Record<CaseAction, { from: readonly CaseStatus[]; to: CaseStatus }> = {
  claim: { from: ["submitted"], to: "in_review" },
  // Not while the customer is asked: their answer goes to the case that asked.
  release: { from: ["in_review"], to: "submitted" },
  approve: { from: ["submitted", "in_review", "needs_info"], to: "approved" },
  reject: { from: ["submitted", "in_review", "needs_info"], to: "rejected" },
  ask: { from: ["submitted", "in_review"], to: "needs_info" },
  answer: { from: ["needs_info"], to: "in_review" },
  done: { from: ["approved"], to: "done" },
};

/** Who acts: a staff member (with their role, read from the database this update) or the customer. */
export type Actor =
  | { kind: "staff"; id: bigint; admin: boolean }
  | { kind: "customer"; id: bigint };

export type TransitionRequest =
  | { action: "claim" | "release" | "done"; note?: string | null }
  /** D3 (settled reading 3): staff confirm there is no law-enforcement or provider complaint. */
  | { action: "approve"; d3Confirmed: true; note?: string | null }
  | { action: "reject"; note: string }
  | { action: "ask"; note: string }
  | { action: "answer"; note: string };

export interface LastEvent {
  actorId: bigint | null;
  at: Date;
  toStatus: CaseStatus;
}

export type TransitionResult =
  | { kind: "ok"; from: CaseStatus; case: RefundCase }
  | { kind: "not_found" }
  /** the case is not in a state the action applies to; `last` is who put it there */
  | { kind: "wrong_state"; status: CaseStatus; last: LastEvent | null }
  /** claimed by another staff member */
  | { kind: "taken"; status: CaseStatus; assigneeId: bigint };

/** Who last moved the case, and where to: what a refusal tells. */
export async function lastEvent(tx: Tx, caseId: number): Promise<LastEvent | null> {
  return tx.caseEvent.findFirst({
    where: { caseId },
    orderBy: { id: "desc" },
    select: { actorId: true, at: true, toStatus: true },
  });
}

/** What an action does to the case as read: its move, or why it does not apply. */
export type Decision =
  | { kind: "move"; to: CaseStatus; assigneeId: bigint | null; decided: boolean }
  | { kind: "not_found" }
  | { kind: "wrong_state"; status: CaseStatus }
  | { kind: "taken"; status: CaseStatus; assigneeId: bigint };

/** The lifecycle's rules, on the case as read; no I/O. */
export function decide(
  c: Pick<RefundCase, "status" | "assigneeId" | "customerId">,
  actor: Actor,
  action: CaseAction,
): Decision {
  // The customer may only answer their own case's question; someone else's
  // case looks the same as one that does not exist.
  if (actor.kind === "customer" && (action !== "answer" || c.customerId !== actor.id)) {
    return { kind: "not_found" };
  }
  const rule = RULES[action];
  if (!rule.from.includes(c.status)) return { kind: "wrong_state", status: c.status };
  if (
    actor.kind === "staff" &&
    !actor.admin &&
    c.assigneeId !== null &&
    c.assigneeId !== actor.id &&
    c.status !== "submitted" &&
    // whoever moved the money confirms it, not only the one who decided
    action !== "done"
  ) {
    return { kind: "taken", status: c.status, assigneeId: c.assigneeId };
  }
  const assigneeId =
    action === "release"
      ? null
      : actor.kind === "staff" && action !== "done"
        ? actor.id
        : c.assigneeId;
  return {
    kind: "move",
    to: rule.to,
    assigneeId,
    decided: action === "approve" || action === "reject",
  };
}

/** The case's row as a move leaves it (what the conditional UPDATE writes). */
export function moved(
  c: RefundCase,
  m: Extract<Decision, { kind: "move" }>,
  now: Date,
): RefundCase {
  return {
    ...c,
    status: m.to,
    version: c.version + 1,
    assigneeId: m.assigneeId,
    decidedAt: m.decided ? now : c.decidedAt,
    updatedAt: now,
  };
}

/** A transition in the caller's transaction: read, decide, conditional UPDATE, event. */
export async function transition(
  tx: Tx,
  caseId: number,
  actor: Actor,
  req: TransitionRequest,
  now: Date,
): Promise<TransitionResult> {
  for (;;) {
    const c = await tx.refundCase.findUnique({
      where: { id: caseId },
      select: { status: true, version: true, assigneeId: true, customerId: true },
    });
    if (c === null) return { kind: "not_found" };
    const d = decide(c, actor, req.action);
    if (d.kind === "wrong_state") return { ...d, last: await lastEvent(tx, caseId) };
    if (d.kind !== "move") return d;
    // One statement that also returns the row as updated (no read after it).
    const updated = await tx.refundCase
      .update({
        where: { id: caseId, version: c.version },
        data: {
          status: d.to,
          version: { increment: 1 },
          assigneeId: d.assigneeId,
          ...(d.decided ? { decidedAt: now } : {}),
        },
      })
      .catch((err: unknown) => {
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025")
          return null;
        throw err;
      });
    // Someone changed the case between our read and write: read again and
    // decide on what is there now.
    if (updated === null) continue;
    await tx.caseEvent.create({
      data: {
        caseId,
        actorId: actor.id,
        at: now,
        fromStatus: c.status,
        toStatus: d.to,
        note: req.note ?? null,
      },
    });
    return { kind: "ok", from: c.status, case: updated };
  }
}
