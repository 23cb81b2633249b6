/**
 * The refund policy as data. Read it beside docs/policy/clauses.md.
 *
 * Each rule cites one clause. The engine (`decide`) walks the rules in order;
 * for each rule it checks the conditions left to right, and the first
 * condition whose answer is still missing is the next question. A rule whose
 * conditions all hold decides the case: a refusal (B, D), a grant (A to the
 * balance, C to the client) subject to its E1 time limit, or, for a payout
 * request that meets no C clause but an A clause, an offer of the refund to
 * the balance (settled reading 1). Refusals come first (settled reading 2).
 * When no rule holds, no clause applies. D3 is never asked (settled reading 3).
 * The settled readings are numbered at the end of docs/policy/clauses.md.
 */
import { type A1Result, a1, e1DateWithin, type Outage } from "./arithmetic.ts";
import { answerInstant } from "./dates.ts";
import type { BalanceClause, ClauseId, PayoutClause, QuestionId, RefusalClause } from "./ids.ts";

export type Cond =
  | { q: QuestionId; in: readonly string[] }
  | { fact: FactId }
  | { any: readonly Cond[] }
  | { all: readonly Cond[] };

/** Facts computed from several answers. */
export type FactId = "a1_over_24h";
/** E1 limits: which date must lie within the month before the request. */
export type LimitId = "e1_outage" | "e1_problem" | "e1_payment";

export type Rule =
  | { clause: Exclude<RefusalClause, "E1">; effect: "refuse"; when: readonly Cond[] }
  | { clause: BalanceClause; effect: "balance" | "offer"; when: readonly Cond[]; limit: LimitId }
  | { clause: PayoutClause; effect: "payout"; when: readonly Cond[]; limit: LimitId };

const is = (q: QuestionId, ...values: string[]): Cond => ({ q, in: values });
const BALANCE = is("want", "balance");
const PAYOUT = is("want", "payout");
const RENTED = is("service", "rented");
const ONE_TIME = is("service", "one_time");
const CALLER_ID = is("service", "caller_id");
const TOP_UP = is("service", "top_up");
/** The rented number failed: "not working", or switched off by the customer because it failed. */
const FAILED: Cond = {
  any: [is("what", "not_working"), { all: [is("what", "deactivated"), is("was_working", "no")] }],
};
/** A2: blocked by the operator, not because of the customer's own use. */
const BLOCKED_NOT_OWN: Cond = { all: [is("what", "blocked"), is("own_activity", "no", "unknown")] };
const NO_SMS_OK: Cond[] = [
  ONE_TIME,
  is("what", "no_sms"),
  is("code_shown", "no"),
  is("restrictions", "yes"),
];

export const RULES: readonly Rule[] = [
  // B and D: checked before anything is queued (settled reading 2).
  {
    clause: "B1",
    effect: "refuse",
    when: [BALANCE, RENTED, is("what", "deactivated"), is("was_working", "yes")],
  },
  {
    clause: "D1",
    effect: "refuse",
    when: [PAYOUT, RENTED, is("what", "deactivated"), is("was_working", "yes")],
  },
  { clause: "D1", effect: "refuse", when: [PAYOUT, TOP_UP, is("what", "unused")] },
  {
    clause: "D2",
    effect: "refuse",
    when: [PAYOUT, RENTED, is("what", "documents"), is("docs_shown", "yes")],
  },
  {
    clause: "B2",
    effect: "refuse",
    when: [ONE_TIME, is("what", "no_sms"), is("code_shown", "yes")],
  },
  {
    clause: "D4",
    effect: "refuse",
    when: [ONE_TIME, is("what", "no_sms"), is("code_shown", "no"), is("restrictions", "no")],
  },
  { clause: "D5", effect: "refuse", when: [CALLER_ID, is("what", "caller_id_failed")] },
  {
    clause: "D6",
    effect: "refuse",
    when: [PAYOUT, is("service", "rented", "one_time"), is("what", "changed_mind")],
  },
  { clause: "D7", effect: "refuse", when: [PAYOUT, TOP_UP, is("what", "accidental")] },
  { clause: "D8", effect: "refuse", when: [PAYOUT, is("what", "misunderstood")] },
  // A: refund to the balance.
  {
    clause: "A1",
    effect: "balance",
    when: [BALANCE, RENTED, FAILED, { fact: "a1_over_24h" }],
    limit: "e1_outage",
  },
  {
    clause: "A2",
    effect: "balance",
    when: [BALANCE, RENTED, BLOCKED_NOT_OWN],
    limit: "e1_problem",
  },
  {
    clause: "A3",
    effect: "balance",
    when: [BALANCE, is("service", "rented", "one_time"), is("what", "not_provided")],
    limit: "e1_problem",
  },
  { clause: "A4", effect: "balance", when: [BALANCE, ...NO_SMS_OK], limit: "e1_problem" },
  // C: refund to the client (E1: the payment within the month).
  {
    clause: "C1",
    effect: "payout",
    when: [
      PAYOUT,
      is("service", "rented", "one_time"),
      is("what", "not_provided"),
      is("no_stock", "yes"),
    ],
    limit: "e1_payment",
  },
  {
    clause: "C2",
    effect: "payout",
    when: [PAYOUT, RENTED, { any: [FAILED, BLOCKED_NOT_OWN] }, is("replacement", "no")],
    limit: "e1_payment",
  },
  // Settled reading 1: a payout request that meets no C clause (its conditions, or
  // E1 on the payment's date) but an A clause is offered the balance. Reached only
  // when no C clause granted: a replacement offered, numbers on sale, or paid too long ago.
  {
    clause: "A1",
    effect: "offer",
    when: [PAYOUT, RENTED, FAILED, { fact: "a1_over_24h" }],
    limit: "e1_outage",
  },
  {
    clause: "A2",
    effect: "offer",
    when: [PAYOUT, RENTED, BLOCKED_NOT_OWN],
    limit: "e1_problem",
  },
  {
    clause: "A3",
    effect: "offer",
    when: [PAYOUT, is("service", "rented", "one_time"), is("what", "not_provided")],
    limit: "e1_problem",
  },
  { clause: "A4", effect: "offer", when: [PAYOUT, ...NO_SMS_OK], limit: "e1_problem" },
];

/** Which clause each limit question dates; for the record. */
export const LIMIT_QUESTION: Record<LimitId, QuestionId> = {
  e1_outage: "reported",
  e1_problem: "problem_date",
  e1_payment: "paid_date",
};

// ---------------------------------------------------------------------------
// The engine

/** What the engine reads: the still-valid answer to a question, the request time, the zone. */
export interface Lookup {
  answer(q: QuestionId): string | undefined;
  now: number;
  timeZone: string;
}

export type Decision =
  | { kind: "need"; q: QuestionId }
  | { kind: "refuse"; clause: RefusalClause; near?: ClauseId }
  | { kind: "none"; near?: ClauseId; why?: "a1_short" | "offer_declined" }
  | { kind: "grant"; refund: "balance"; clause: BalanceClause; viaOffer: boolean }
  | { kind: "grant"; refund: "payout"; clause: PayoutClause };

type Eval = true | { false: true; deep: boolean } | { need: QuestionId };
const CLASSIFYING = new Set<QuestionId>(["want", "service", "what"]);

/** The outage from the A1 answers, or the next A1 question. */
export function outageOf(look: Lookup): Outage | { need: QuestionId } {
  const instant = (dateQ: QuestionId, timeQ: QuestionId): number | { need: QuestionId } => {
    const d = look.answer(dateQ);
    if (d === undefined) return { need: dateQ };
    return (
      answerInstant(d, d.includes("T") ? undefined : look.answer(timeQ), look.timeZone) ?? {
        need: timeQ,
      }
    );
  };
  const reportedAt = instant("reported", "reported_time");
  if (typeof reportedAt !== "number") return reportedAt;
  const still = look.answer("still_down");
  if (still === undefined) return { need: "still_down" };
  if (still === "yes") return { reportedAt, restoredAt: null };
  const restoredAt = instant("restored", "restored_time");
  if (typeof restoredAt !== "number") return restoredAt;
  return { reportedAt, restoredAt };
}

export function a1Of(look: Lookup): A1Result | { need: QuestionId } {
  const o = outageOf(look);
  return "need" in o ? o : a1(o, look.now, look.timeZone);
}

function evalCond(c: Cond, look: Lookup): Eval {
  if ("q" in c) {
    const a = look.answer(c.q);
    if (a === undefined) return { need: c.q };
    return c.in.includes(a) ? true : { false: true, deep: !CLASSIFYING.has(c.q) };
  }
  if ("fact" in c) {
    const r = a1Of(look);
    if ("need" in r) return r;
    return r.overDay ? true : { false: true, deep: true };
  }
  if ("all" in c) {
    for (const x of c.all) {
      const r = evalCond(x, look);
      if (r !== true) return r;
    }
    return true;
  }
  let deep = false;
  for (const x of c.any) {
    const r = evalCond(x, look);
    if (r === true || "need" in r) return r;
    deep ||= r.deep;
  }
  return { false: true, deep };
}

function evalLimit(limit: LimitId, look: Lookup): boolean | { need: QuestionId } {
  if (limit === "e1_outage") {
    const r = a1Of(look);
    return "need" in r ? r : r.withinMonth;
  }
  const q = LIMIT_QUESTION[limit];
  const d = look.answer(q);
  if (d === undefined) return { need: q };
  return e1DateWithin(d.slice(0, 10), look.now, look.timeZone);
}

/** Decides the case from the answers so far, or names the next question the decision depends on. */
export function decide(look: Lookup): Decision {
  let near: ClauseId | undefined;
  let why: "a1_short" | undefined;
  // A C clause that held but for E1 (paid over a month ago): the refusal, unless an offer follows.
  let paidTooLongAgo: Extract<Decision, { kind: "refuse" }> | undefined;
  for (const rule of RULES) {
    let failed = false;
    for (const c of rule.when) {
      const r = evalCond(c, look);
      if (r === true) continue;
      if ("need" in r) return { kind: "need", q: r.need };
      if (r.deep) {
        near = rule.clause;
        why = "fact" in c ? "a1_short" : undefined;
      }
      failed = true;
      break;
    }
    if (failed) continue;
    if (rule.effect === "refuse") return { kind: "refuse", clause: rule.clause };
    const within = evalLimit(rule.limit, look);
    if (within !== true && within !== false) return { kind: "need", q: within.need };
    if (!within) {
      if (rule.effect !== "payout")
        return paidTooLongAgo ?? { kind: "refuse", clause: "E1", near: rule.clause };
      paidTooLongAgo ??= { kind: "refuse", clause: "E1", near: rule.clause };
      continue;
    }
    if (rule.effect === "payout") return { kind: "grant", refund: "payout", clause: rule.clause };
    if (rule.effect === "balance") {
      return { kind: "grant", refund: "balance", clause: rule.clause, viaOffer: false };
    }
    const offer = look.answer("offer");
    if (offer === undefined) return { kind: "need", q: "offer" };
    if (offer === "accept")
      return { kind: "grant", refund: "balance", clause: rule.clause, viaOffer: true };
    return paidTooLongAgo ?? { kind: "none", near: rule.clause, why: "offer_declined" };
  }
  if (paidTooLongAgo !== undefined) return paidTooLongAgo;
  return why === undefined
    ? near === undefined
      ? { kind: "none" }
      : { kind: "none", near }
    : { kind: "none", near: "A1", why };
}

/** The clauses a granted case cites: the grant, E1, and F1 (balance) or F2 + F3 (payout); C* when flagged. */
export function grantClauses(
  d: Extract<Decision, { kind: "grant" }>,
  unrefundableMethod: boolean,
): ClauseId[] {
  if (d.refund === "balance") return [d.clause, "E1", "F1"];
  return unrefundableMethod ? [d.clause, "C*", "E1", "F2", "F3"] : [d.clause, "E1", "F2", "F3"];
}
