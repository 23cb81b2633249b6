/**
 * The conversation's route through the questions, derived from the rules:
 * `walk` returns the next thing to do (a question, the refusal, the summary)
 * and the questions whose answers the case now rests on.
 */
import { type A1Result, e1Window } from "./arithmetic.ts";
import { toLocal } from "./dates.ts";
import { accountSchema, check } from "./fields.ts";
import {
  type Answers,
  type BalanceClause,
  type ClauseId,
  type Lang,
  type MethodId,
  type PayoutClause,
  QUESTION_IDS,
  type QuestionId,
  type RefusalClause,
  type ServiceId,
} from "./ids.ts";
import {
  isUnrefundable,
  options,
  payoutMethod,
  type QuestionCtx,
  stillValid,
} from "./questions.ts";
import { a1Of, type Decision, decide, grantClauses, type Lookup } from "./rules.ts";

export interface RefundContext extends QuestionCtx {
  /** Questions answered, most recent last; `back` undoes the last one. */
  trail: QuestionId[];
  /** A question being edited from the summary (asked even though answered). */
  focus: QuestionId | null;
  /** The day the customer's first message said the problem began, to propose (RefundInput). */
  since?: string | undefined;
}

/** Where a conversation is: the question asked, the summary, or the refusal. */
export type Place = QuestionId | "summary" | "refused";

export type Grant = Extract<Decision, { kind: "grant" }>;
export type Refusal = Extract<Decision, { kind: "refuse" | "none" }>;

export type Next =
  | { kind: "ask"; q: QuestionId }
  | { kind: "refused"; decision: Refusal }
  | { kind: "summary"; grant: Grant };

const ORDER = new Map<QuestionId, number>(QUESTION_IDS.map((q, i) => [q, i]));

function lookup(ctx: QuestionCtx, used: Set<QuestionId>): Lookup {
  return {
    now: ctx.now,
    timeZone: ctx.timeZone,
    answer(q) {
      const v = ctx.answers[q];
      if (v === undefined || !stillValid(q, v, ctx)) return undefined;
      used.add(q);
      return v;
    },
  };
}

/** The fields collected once the case is eligible (F3 and what staff need), in order. */
function collect(ctx: QuestionCtx, grant: Grant): QuestionId[] {
  const qs: QuestionId[] = ["account", "reference", "amount"];
  if (grant.refund === "payout") {
    qs.push("paid_with");
    if (isUnrefundable(ctx.answers.paid_with, ctx) && options("payout_to", ctx).length > 0) {
      qs.push("payout_to");
    }
    qs.push("details");
  }
  qs.push("comment", "evidence");
  return qs;
}

export interface Walk {
  next: Next;
  /** Answered questions the case rests on, in question order. */
  used: QuestionId[];
  decision: Decision;
}

/** Walks are pure: the machine's guards and actions on one context share one. */
const walked = new WeakMap<QuestionCtx, Walk>();

export function walk(ctx: RefundContext | QuestionCtx): Walk {
  const known = walked.get(ctx);
  if (known !== undefined) return known;
  const w = walkOnce(ctx);
  walked.set(ctx, w);
  return w;
}

function walkOnce(ctx: RefundContext | QuestionCtx): Walk {
  const used = new Set<QuestionId>();
  const look = lookup(ctx, used);
  const decision = decide(look);
  let next: Next;
  if (decision.kind === "need") next = { kind: "ask", q: decision.q };
  else if (decision.kind === "grant") {
    next = { kind: "summary", grant: decision };
    for (const q of collect(ctx, decision)) {
      if (q === "details" && payoutMethod(ctx) === undefined) continue;
      if (look.answer(q) === undefined) {
        next = { kind: "ask", q };
        break;
      }
    }
  } else next = { kind: "refused", decision };
  const focus = "focus" in ctx ? ctx.focus : null;
  if (focus !== null) next = { kind: "ask", q: focus };
  return {
    next,
    used: [...used].sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0)),
    decision,
  };
}

/** Where the conversation is, derived from its answers (never stored beside them). */
export function where(ctx: RefundContext): Place {
  const { next } = walk(ctx);
  return next.kind === "ask" ? next.q : next.kind;
}

/** The A1 figures for the current answers (undefined unless all A1 answers are in). */
export function a1Figures(ctx: QuestionCtx): A1Result | undefined {
  const r = a1Of(lookup(ctx, new Set()));
  return "need" in r ? undefined : r;
}

// ---------------------------------------------------------------------------
// Outcomes

export type PayoutDetails =
  | { method: "card"; last4: string }
  | { method: "paypal"; email: string }
  | { method: "crypto"; wallet: string }
  | { method: "bank"; iban: string }
  | { method: "other"; text: string };

export interface RefundRequest {
  refund: "balance" | "payout";
  /** The clause that makes it eligible. */
  clause: BalanceClause | PayoutClause;
  /** Every clause the decision cites: the grant, C* when flagged, E1, F1 or F2 + F3. */
  clauses: ClauseId[];
  /** Settled reading 1: asked for a payout, met no C clause, accepted the refund to the balance. */
  offeredInsteadOfPayout: boolean;
  /** A1: days to refund (over 24 h, partial days rounded up, capped by E1); null for other clauses. */
  a1Days: number | null;
  /** C*: paid with a method that does not support refunds (staff offer an alternative). */
  unrefundableMethod: boolean;
  service: ServiceId;
  /** What happened, as chosen (an option id of WHAT_BY_SERVICE). */
  what: string;
  account: { kind: "email" | "account_number"; value: string };
  reference: { kind: "phone" | "order"; value: string };
  /** Exact decimal string (minor units of the currency) and ISO 4217 code. */
  amount: { value: string; currency: string };
  /** Locale key of the reason, from the clause: `reason.<clause>`. */
  reasonKey: string;
  comment: string | null;
  payout: null | {
    paidWith: MethodId;
    /** Where the money goes; null when no refundable method is configured (staff decide). */
    method: MethodId | null;
    details: PayoutDetails | null;
  };
  /** Dates as the customer gave them (their zone) and as instants. */
  dates: {
    reportedAtMs?: number;
    restoredAtMs?: number | null;
    problemDate?: string;
    paidDate?: string;
  };
  /** Every answer the decision rests on, as stored. */
  answers: Answers;
  lang: Lang;
  timeZone: string;
  submittedAtMs: number;
}

export interface NotEligible {
  kind: "not_eligible";
  /** The clause that excludes the case, or "none" when no clause gives a refund. */
  clause: RefusalClause | "none";
  /** The clause the case came closest to (E1: the clause the time limit stopped; none: the last one tried). */
  near: ClauseId | null;
  why: "a1_short" | "offer_declined" | null;
  /**
   * What the recorded decision cites, never empty (settled reading 6): the
   * refusing clause (E1 with the clause it stopped; one of what no granting
   * clause covers after the group the request fell outside), else the granting
   * clause whose condition failed, else that group ("A": refunds to the
   * balance, "C": payouts).
   */
  clauses: readonly string[];
  answers: Answers;
  lang: Lang;
  decidedAtMs: number;
}

/**
 * Refusals of what no granting clause covers at all (a working number switched
 * off, a change of mind, an accidental top-up…), unlike B2 and D4, which fail
 * a condition of A4: cited with the group the request fell outside.
 */
const OUTSIDE_EVERY_GRANT: ReadonlySet<string> = new Set([
  "B1",
  "D1",
  "D2",
  "D5",
  "D6",
  "D7",
  "D8",
]);

/** The clauses a refusal cites (see NotEligible.clauses). */
export function refusalClauses(d: Refusal, want: string | undefined): string[] {
  const group = want === "payout" ? "C" : "A";
  if (d.kind === "refuse") {
    if (d.clause === "E1" && d.near !== undefined) return ["E1", d.near];
    return OUTSIDE_EVERY_GRANT.has(d.clause) ? [group, d.clause] : [d.clause];
  }
  if (d.near !== undefined) return [d.near];
  return [group];
}

export type Outcome =
  | { kind: "submitted"; request: RefundRequest }
  | NotEligible
  | {
      kind: "handoff";
      /** The refusal the customer wants a person to look at, if any. */
      after: NotEligible | null;
      /** The question the customer was at. */
      at: Place;
      answers: Answers;
      lang: Lang;
      atMs: number;
    }
  | { kind: "cancelled"; at: Place; atMs: number };

function pick(answers: Answers, qs: readonly QuestionId[]): Answers {
  const out: Answers = {};
  for (const q of qs) {
    const v = answers[q];
    if (v !== undefined) out[q] = v;
  }
  return out;
}

export function notEligible(ctx: RefundContext): NotEligible | null {
  const w = walk({ ...ctx, focus: null });
  if (w.next.kind !== "refused") return null;
  const d = w.next.decision;
  return {
    kind: "not_eligible",
    clause: d.kind === "refuse" ? d.clause : "none",
    near: d.near ?? null,
    why: d.kind === "none" ? (d.why ?? null) : null,
    clauses: refusalClauses(d, ctx.answers.want),
    answers: pick(ctx.answers, w.used),
    lang: ctx.lang,
    decidedAtMs: ctx.now,
  };
}

/** The payout details held in the stored answer of the method's details question. */
export function payoutDetails(method: MethodId, v: string): PayoutDetails {
  switch (method) {
    case "card":
      return { method, last4: v };
    case "paypal":
      return { method, email: v };
    case "crypto":
      return { method, wallet: v };
    case "bank":
      return { method, iban: v };
    case "other":
      return { method, text: v };
  }
}

/** The request to queue, when the answers are complete; null otherwise. */
export function buildRequest(ctx: RefundContext): RefundRequest | null {
  const w = walk({ ...ctx, focus: null });
  if (w.next.kind !== "summary") return null;
  const g = w.next.grant;
  const a = pick(ctx.answers, w.used);
  const flagged = g.refund === "payout" && isUnrefundable(a.paid_with, ctx);
  const fig = g.clause === "A1" ? a1Figures(ctx) : undefined;
  const [amountValue = "", currency = ""] = (a.amount ?? "").split(" ");
  const account = a.account ?? "";
  const reference = a.reference ?? "";
  const method = g.refund === "payout" ? (payoutMethod(ctx) ?? null) : null;
  const dates: RefundRequest["dates"] = {};
  if (fig !== undefined) {
    dates.reportedAtMs = fig.end - fig.spanMs;
    dates.restoredAtMs = a.still_down === "yes" ? null : fig.end;
  }
  if (a.problem_date !== undefined) dates.problemDate = a.problem_date;
  if (a.paid_date !== undefined) dates.paidDate = a.paid_date;
  return {
    refund: g.refund,
    clause: g.clause,
    clauses: grantClauses(g, flagged),
    offeredInsteadOfPayout: g.refund === "balance" && g.viaOffer,
    a1Days: fig?.days ?? null,
    unrefundableMethod: flagged,
    service: (a.service ?? "rented") as ServiceId,
    what: a.what ?? "",
    account: {
      kind: check(accountSchema, account).ok && /^\d+$/.test(account) ? "account_number" : "email",
      value: account,
    },
    reference: { kind: reference.startsWith("+") ? "phone" : "order", value: reference },
    amount: { value: amountValue, currency },
    reasonKey: `reason.${g.clause}`,
    comment: a.comment === undefined || a.comment === "" ? null : a.comment,
    payout:
      g.refund === "payout"
        ? {
            paidWith: (a.paid_with ?? "other") as MethodId,
            method,
            details:
              method !== null && a.details !== undefined ? payoutDetails(method, a.details) : null,
          }
        : null,
    dates,
    answers: a,
    lang: ctx.lang,
    timeZone: ctx.timeZone,
    submittedAtMs: ctx.now,
  };
}

/** The E1 window's first day, for messages. */
export function e1StartDate(ctx: QuestionCtx): string {
  return e1Window(ctx.now, ctx.timeZone).startDate;
}

export function today(ctx: QuestionCtx): string {
  return toLocal(ctx.now, ctx.timeZone).date;
}
