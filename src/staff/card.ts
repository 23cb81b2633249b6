import type { PayoutDetails } from "../../machines/refund/flow.ts";
import { maskDetails } from "../../machines/refund/mask.ts";
import type { CaseEvent, RefundCase, User } from "../database/generated/client.ts";
import { deadlineClause } from "../deadlines/deadline.ts";
import type { Speaker } from "../i18n/speaker.ts";
import type { Button } from "../outbox/write.ts";
import { nameOf } from "./words.ts";

/** A case as staff see it: its row, the customer and who claimed it. */
export interface CaseView {
  case: RefundCase;
  customer: Pick<User, "id" | "firstName" | "username" | "language">;
  assignee: Pick<User, "id" | "firstName" | "username"> | null;
  /** how many photos and files the customer attached */
  files: number;
  /** the customer's rating of the closed case, if they gave one */
  rating: { stars: number; comment: string | null } | null;
}

/** The F clause whose deadline the case runs on. */

function parseDetails(raw: string | null): PayoutDetails | null {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as PayoutDetails;
  } catch {
    return null;
  }
}

/**
 * The payout details as the reader may see them: masked everywhere, in full
 * only for the staff member paying out an approved case in a private chat.
 */
export function payoutDetails(c: RefundCase, full: boolean): string {
  const d = parseDetails(c.payoutDetails);
  if (d === null) return "—";
  if (!full) return maskDetails(d);
  switch (d.method) {
    case "card":
      return maskDetails(d);
    case "paypal":
      return d.email;
    case "crypto":
      return d.wallet;
    case "bank":
      return d.iban;
    case "other":
      return d.text;
  }
}

/** The card's text: everything staff need to decide, nothing to pay with. */
export function cardText(
  s: Speaker,
  v: CaseView,
  o: { fresh?: boolean; fullDetails?: boolean } = {},
): string {
  const c = v.case;
  const lines: string[] = [];
  if (o.fresh === true) lines.push(s.t("staff:card.new"));
  lines.push(s.t("staff:card.title", { id: c.id, kind: s.t(`staff:card.kind.${c.kind}`) }));
  lines.push(
    s.t("staff:card.customer", { name: nameOf({ ...v.customer }), userId: String(v.customer.id) }),
  );
  lines.push(s.t("staff:card.service", { service: s.t(`bot:service.${c.service}`) }));
  lines.push(s.t("staff:card.clauses", { clauses: c.clauses.join(", ") }));
  // F3 asks for the reason: in words, not only as a clause id.
  lines.push(s.t("staff:card.reason", { reason: s.t(`conversation:${c.reason}`) }));
  lines.push(s.t("staff:card.amount", { amount: s.money(c.amount, c.currency) }));
  if (c.refundDays !== null) lines.push(s.t("staff:card.days", { days: c.refundDays }));
  lines.push(s.t("staff:card.account", { account: c.accountId, reference: c.serviceRef }));
  if (c.kind === "payout") {
    lines.push(
      s.t("staff:card.payout", {
        method: c.payoutMethod === null ? "—" : s.t(`conversation:method.${c.payoutMethod}`),
        details: payoutDetails(c, o.fullDetails === true),
      }),
    );
  }
  if (c.unrefundableMethod) lines.push(s.t("staff:card.unrefundable"));
  if (c.comment !== null && c.comment !== "") {
    lines.push(s.t("staff:card.comment", { comment: c.comment }));
  }
  if (v.files > 0) lines.push(s.t("staff:card.files", { n: v.files }));
  lines.push(s.t("staff:card.due", { clause: deadlineClause(c), due: s.date(c.dueAt) }));
  lines.push(s.t("staff:card.state", { state: s.t(`staff:state.${c.status}`) }));
  if (v.assignee !== null) lines.push(s.t("staff:card.assignee", { name: nameOf(v.assignee) }));
  if (v.rating !== null) {
    lines.push(
      v.rating.comment === null
        ? s.t("staff:card.rating", { stars: v.rating.stars })
        : s.t("staff:card.ratingComment", { stars: v.rating.stars, comment: v.rating.comment }),
    );
  }
  return lines.join("\n");
}

/** The buttons that apply to the case in its current state, and its files' button when it has any. */
export function cardButtons(
  s: Speaker,
  c: Pick<RefundCase, "id" | "status">,
  files = 0,
): Button[][] {
  const rows = actionButtons(s, c);
  if (files === 0) return rows;
  const show: Button = {
    text: s.t("staff:buttons.files", { count: files }),
    callback: { kind: "staff", action: "files", caseId: c.id },
  };
  return [...rows, [show]];
}

function actionButtons(s: Speaker, c: Pick<RefundCase, "id" | "status">): Button[][] {
  const b = (action: "claim" | "approve" | "reject" | "ask" | "release" | "done"): Button => ({
    text: s.t(`staff:buttons.${action}`),
    callback: { kind: "staff", action, caseId: c.id },
  });
  switch (c.status) {
    case "submitted":
      return [
        [b("claim"), b("approve")],
        [b("reject"), b("ask")],
      ];
    case "in_review":
      return [
        [b("approve"), b("reject")],
        [b("ask"), b("release")],
      ];
    case "needs_info":
      return [[b("approve"), b("reject")]];
    case "approved":
      return [[b("done")]];
    case "rejected":
    case "done":
    case "withdrawn":
      return [];
  }
}

/** The audit log as lines, oldest first. */
export function historyLines(
  s: Speaker,
  events: readonly CaseEvent[],
  people: ReadonlyMap<bigint, Pick<User, "id" | "firstName" | "username">>,
): string[] {
  return events.map((e) => {
    const params = {
      at: s.date(e.at),
      who: e.actorId === null ? s.t("staff:card.system") : nameOf(people.get(e.actorId) ?? null),
      from: e.fromStatus === null ? "—" : s.t(`staff:state.${e.fromStatus}`),
      to: s.t(`staff:state.${e.toStatus}`),
      note: e.note ?? "",
    };
    return s.t(e.note === null ? "staff:card.event" : "staff:card.eventNote", params);
  });
}
