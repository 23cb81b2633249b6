import type { RefundRequest } from "../../machines/refund/flow.ts";
import { type Attachment, Prisma, type RefundCase } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import type { BusinessCalendar } from "../deadlines/business-days.ts";
import { dueAt } from "../deadlines/deadline.ts";

/** A submitted request's case as it will be written, and the files that become its own. */
export interface Submitted {
  case: RefundCase;
  files: Attachment[];
}

/** The number drawn, on every row; a file's columns, all null when the request has none. */
interface DrawnRow extends Partial<Attachment> {
  drawnId: number;
}

/**
 * Turns the conversation's eligible request into a case for the staff queue,
 * with its deadline (F1 or F2, on business days): draws the case's number
 * and reads the request's files (sent since `draftsSince`) in one statement,
 * safe to run again (a number drawn and not used is a gap). The case, its
 * first audit entry and the files' link are written with the update's own
 * write (CaseOpen in src/updates/chat-state.ts), so none of it exists unless
 * the update is processed.
 */
export async function submitCase(
  db: Tx,
  o: {
    customerId: bigint;
    chatId: bigint;
    request: RefundRequest;
    now: Date;
    calendar: BusinessCalendar;
    draftsSince: Date | null;
  },
): Promise<Submitted> {
  const rows = await db.$queryRaw<DrawnRow[]>`
    WITH drawn AS (SELECT nextval(pg_get_serial_sequence('"RefundCase"', 'id'))::int AS "drawnId")
    SELECT drawn."drawnId", a.* FROM drawn
    LEFT JOIN "Attachment" a
      ON a."chatId" = ${o.chatId} AND a."caseId" IS NULL
     AND a."createdAt" >= ${o.draftsSince?.toISOString() ?? null}::timestamp(3)
    ORDER BY a."id"`;
  const id = rows[0]?.drawnId;
  if (id === undefined) throw new Error("drawing a case number returned no row");
  const r = o.request;
  return {
    case: {
      id,
      customerId: o.customerId,
      chatId: o.chatId,
      status: "submitted",
      kind: r.refund,
      clauses: r.clauses,
      service: r.service,
      accountId: r.account.value,
      serviceRef: r.reference.value,
      amount: new Prisma.Decimal(r.amount.value),
      currency: r.amount.currency,
      reason: r.reasonKey,
      comment: r.comment,
      refundDays: r.a1Days,
      payoutMethod: r.payout?.method ?? r.payout?.paidWith ?? null,
      payoutDetails: r.payout?.details == null ? null : JSON.stringify(r.payout.details),
      unrefundableMethod: r.unrefundableMethod,
      submittedAt: o.now,
      dueAt: dueAt(r.refund, o.now, o.calendar),
      assigneeId: null,
      decidedAt: null,
      remindedAt: null,
      overdueAt: null,
      version: 0,
      createdAt: o.now,
      updatedAt: o.now,
    },
    // A joined file's columns are all set (the table's own NOT NULLs) when its id is.
    files: rows.flatMap(({ drawnId, ...a }) => (a.id == null ? [] : [a as Attachment])),
  };
}
