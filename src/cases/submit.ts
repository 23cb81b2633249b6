import type { RefundRequest } from "../../machines/refund/flow.ts";
import type { RefundCase } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import type { BusinessCalendar } from "../deadlines/business-days.ts";
import { dueAt } from "../deadlines/deadline.ts";

/**
 * Turns the conversation's eligible request into a case in the staff queue,
 * with its deadline (F1 or F2, on business days) and the first audit entry.
 * Runs in the transaction of the step that submitted it.
 */
export async function submitCase(
  tx: Tx,
  o: {
    customerId: bigint;
    chatId: bigint;
    request: RefundRequest;
    now: Date;
    calendar: BusinessCalendar;
  },
): Promise<RefundCase> {
  const r = o.request;
  const created = await tx.refundCase.create({
    data: {
      customerId: o.customerId,
      chatId: o.chatId,
      kind: r.refund,
      clauses: r.clauses,
      service: r.service,
      accountId: r.account.value,
      serviceRef: r.reference.value,
      amount: r.amount.value,
      currency: r.amount.currency,
      reason: r.reasonKey,
      comment: r.comment,
      refundDays: r.a1Days,
      payoutMethod: r.payout?.method ?? r.payout?.paidWith ?? null,
      payoutDetails: r.payout?.details == null ? null : JSON.stringify(r.payout.details),
      unrefundableMethod: r.unrefundableMethod,
      submittedAt: o.now,
      dueAt: dueAt(r.refund, o.now, o.calendar),
    },
  });
  await tx.caseEvent.create({
    data: {
      caseId: created.id,
      actorId: o.customerId,
      at: o.now,
      fromStatus: null,
      toStatus: "submitted",
    },
  });
  return created;
}
