// The FAQ's language-independent data: which entries exist, which policy clauses each one
// explains (ids of docs/policy/clauses.md), where its button starts the refund conversation,
// and which /faq topic it belongs to. Every word of an entry lives in locales/<lang>/faq.json
// under `entries.<id>`.

import { CLAUSE_IDS, type ClauseId } from "../../machines/refund/ids.ts";

export type { ClauseId };

/** Clause ids of clauses.md ("C*" is the note on payment methods without refunds). */
export const ALL_CLAUSES: readonly ClauseId[] = CLAUSE_IDS;

/**
 * Where an entry's button starts the refund conversation; the bot maps these ids to its
 * machine's entry points. "none": the entry offers no button.
 */
export type FaqStart =
  | "sms_not_received"
  | "number_down"
  | "number_blocked"
  | "number_not_provided"
  | "payout"
  | "none";

export type FaqTopicId = "balance" | "numbers" | "sms" | "payout" | "timing" | "contact";

/** /faq lists the topics in this order. */
export const FAQ_TOPICS: readonly FaqTopicId[] = [
  "numbers",
  "sms",
  "balance",
  "payout",
  "timing",
  "contact",
];

export interface FaqEntry {
  id: string;
  topic: FaqTopicId;
  /** The clauses the answer explains and cites (may be empty for general questions). */
  clauses: readonly ClauseId[];
  start: FaqStart;
  /** Asking this means "let me talk to a person": the bot hands the chat to staff. */
  handoff?: true;
}

export const FAQ_ENTRIES: readonly FaqEntry[] = [
  // Rented numbers
  { id: "number_down", topic: "numbers", clauses: ["A1", "E1"], start: "number_down" },
  { id: "number_blocked", topic: "numbers", clauses: ["A2", "D3"], start: "number_blocked" },
  {
    id: "number_not_provided",
    topic: "numbers",
    clauses: ["A3", "C1"],
    start: "number_not_provided",
  },
  { id: "carrier_no_replacement", topic: "numbers", clauses: ["C2"], start: "payout" },
  { id: "deactivated_early", topic: "numbers", clauses: ["B1"], start: "none" },
  { id: "identity_documents", topic: "numbers", clauses: ["D2"], start: "none" },
  { id: "caller_id", topic: "numbers", clauses: ["D5"], start: "none" },
  { id: "changed_mind", topic: "numbers", clauses: ["D6"], start: "none" },
  { id: "fraud_complaint", topic: "numbers", clauses: ["D3"], start: "none" },
  // One-time SMS numbers
  { id: "sms_not_received", topic: "sms", clauses: ["A4"], start: "sms_not_received" },
  { id: "code_shown", topic: "sms", clauses: ["B2"], start: "none" },
  { id: "sms_restrictions", topic: "sms", clauses: ["D4"], start: "none" },
  // Balance
  { id: "balance_expiry", topic: "balance", clauses: [], start: "none" },
  { id: "balance_vs_payout", topic: "balance", clauses: ["A1", "C1"], start: "none" },
  { id: "unused_balance", topic: "balance", clauses: ["D1"], start: "none" },
  { id: "accidental_topup", topic: "balance", clauses: ["D7"], start: "none" },
  { id: "misunderstood", topic: "balance", clauses: ["D8"], start: "none" },
  // Payouts
  { id: "payout_when", topic: "payout", clauses: ["C1", "C2"], start: "payout" },
  { id: "payment_methods", topic: "payout", clauses: ["C*"], start: "none" },
  { id: "payout_request_contents", topic: "payout", clauses: ["F3"], start: "payout" },
  // Timing
  { id: "time_limit", topic: "timing", clauses: ["E1"], start: "none" },
  { id: "balance_refund_time", topic: "timing", clauses: ["F1"], start: "none" },
  { id: "payout_review_time", topic: "timing", clauses: ["F2"], start: "none" },
  // Contact
  { id: "contact_human", topic: "contact", clauses: [], start: "none", handoff: true },
  { id: "support_email", topic: "contact", clauses: [], start: "none" },
  // A request already sent: /status shows it and withdraws it.
  { id: "my_request", topic: "contact", clauses: [], start: "none" },
];

export const FAQ_ENTRY_IDS: readonly string[] = FAQ_ENTRIES.map((e) => e.id);

const byId = new Map(FAQ_ENTRIES.map((e) => [e.id, e]));

export function faqEntry(id: string): FaqEntry | undefined {
  return byId.get(id);
}

export function entriesOfTopic(topic: FaqTopicId): FaqEntry[] {
  return FAQ_ENTRIES.filter((e) => e.topic === topic);
}
