import type { CaseStatus, RefundKind } from "../database/generated/client.ts";
import { addBusinessDays, type BusinessCalendar } from "./business-days.ts";

/**
 * A case's deadline, from the F clauses: F1 gives a refund to the balance 5
 * business days to be carried out, F2 gives a payout request 2 working days to
 * be considered. The clock starts when the case is submitted.
 */
const DEADLINES: Record<
  RefundKind,
  { clause: "F1" | "F2"; businessDays: number; openUntilMet: readonly CaseStatus[] }
> = {
  // Carried out: open until the case is done.
  balance: {
    clause: "F1",
    businessDays: 5,
    openUntilMet: ["submitted", "in_review", "needs_info", "approved"],
  },
  // Considered: open until the case is decided.
  payout: { clause: "F2", businessDays: 2, openUntilMet: ["submitted", "in_review", "needs_info"] },
};

/** Whether a case's deadline still runs (a payout's ends with the decision, a balance refund's once it is done). */
export function deadlineRuns(c: { kind: RefundKind; status: CaseStatus }): boolean {
  return DEADLINES[c.kind].openUntilMet.includes(c.status);
}

/** The F clause a case's deadline comes from. */
export function deadlineClause(c: { kind: RefundKind }): "F1" | "F2" {
  return DEADLINES[c.kind].clause;
}

/** When a case submitted at `submittedAt` is due. */
export function dueAt(kind: RefundKind, submittedAt: Date, cal: BusinessCalendar): Date {
  return addBusinessDays(submittedAt, DEADLINES[kind].businessDays, cal);
}

/** Cases whose deadline still runs: what their F clause promises is not yet done. */
export function openDeadlines() {
  return {
    OR: (Object.keys(DEADLINES) as RefundKind[]).map((kind) => ({
      kind,
      status: { in: [...DEADLINES[kind].openUntilMet] },
    })),
  };
}
