/**
 * Identifiers shared by the refund conversation: the clause ids of
 * `docs/policy/clauses.md`, the questions the bot can ask, the services and
 * the payment methods.
 */

/** Every clause id of clauses.md, in its order. `C*` is the payment-method note under C. */
export const CLAUSE_IDS = [
  "A1",
  "A2",
  "A3",
  "A4",
  "B1",
  "B2",
  "C1",
  "C2",
  "C*",
  "D1",
  "D2",
  "D3",
  "D4",
  "D5",
  "D6",
  "D7",
  "D8",
  "E1",
  "F1",
  "F2",
  "F3",
] as const;
export type ClauseId = (typeof CLAUSE_IDS)[number];

/** D3 is never asked of the customer (settled reading 3): staff check it on every case. */
export const NEVER_DECIDED_BY_BOT: readonly ClauseId[] = ["D3"];

/** Clauses that refuse a refund when they hold (B and D, and E1 when the time limit fails). */
export type RefusalClause = "B1" | "B2" | "D1" | "D2" | "D4" | "D5" | "D6" | "D7" | "D8" | "E1";
export type BalanceClause = "A1" | "A2" | "A3" | "A4";
export type PayoutClause = "C1" | "C2";

/** A language the program speaks: a folder under locales/ (see grammar.ts). */
export type Lang = string;

export const SERVICES = ["rented", "one_time", "caller_id", "top_up"] as const;
export type ServiceId = (typeof SERVICES)[number];

/** Payment / payout methods the bot knows. UNREFUNDABLE_PAYMENT_METHODS (C*) names a subset. */
export const METHODS = ["card", "paypal", "crypto", "bank", "other"] as const;
export type MethodId = (typeof METHODS)[number];

/**
 * The questions, in the order the conversation asks them. The order is the
 * order of `walk` (flow.ts); a question is asked only when a rule needs it.
 */
export const QUESTION_IDS = [
  "want",
  "service",
  "what",
  "was_working",
  "docs_shown",
  "own_activity",
  "code_shown",
  "restrictions",
  "no_stock",
  "replacement",
  "reported",
  "reported_time",
  "still_down",
  "restored",
  "restored_time",
  "problem_date",
  "paid_date",
  "offer",
  "account",
  "reference",
  "amount",
  "paid_with",
  "payout_to",
  "details",
  "comment",
  "evidence",
] as const;
export type QuestionId = (typeof QUESTION_IDS)[number];

/** Answers are stored as normalised strings (see questions.ts for each format). */
export type Answers = Partial<Record<QuestionId, string>>;
