/**
 * What the conversation says: locale keys (namespace `conversation`) and
 * parameters, never words. See machines/README.md for the key scheme.
 */
import { addDays, DAY_MS, HOUR_MS } from "./dates.ts";
import type { ButtonEvent } from "./events.ts";
import {
  a1Figures,
  e1StartDate,
  type Grant,
  payoutDetails,
  type RefundContext,
  type Refusal,
  today,
  walk,
} from "./flow.ts";
import type { QuestionId, ServiceId } from "./ids.ts";
import { maskDetails } from "./mask.ts";
import type { AnswerError } from "./questions.ts";
import { isUnrefundable, payoutMethod, QUESTIONS } from "./questions.ts";

export type Params = Record<string, string | number>;

export interface Button {
  labelKey: string;
  labelParams?: Params;
  event: ButtonEvent;
}

/** One line of the summary: a field's label and its value (both locale keys). */
export interface Line {
  labelKey: string;
  valueKey: string;
  valueParams?: Params;
}

export interface Reply {
  key: string;
  params?: Params;
  lines?: Line[];
  buttons?: Button[][];
}

/** Locale key of a choice's label. */
export function optionKey(q: QuestionId, v: string): string {
  const spec = QUESTIONS[q];
  const labels = spec.kind === "choice" ? spec.labels : "own";
  if (labels === "shared") return `option.${v}`;
  if (labels === "method") return `method.${v}`;
  return `option.${q}.${v}`;
}

function promptKey(ctx: RefundContext, q: QuestionId): string {
  if (q === "reference") {
    const s = ctx.answers.service as ServiceId | undefined;
    return s === "rented" || s === "caller_id" ? "ask.reference_phone" : "ask.reference_any";
  }
  if (q === "details") return `ask.details.${payoutMethod(ctx) ?? "other"}`;
  return `ask.${q}`;
}

function navRow(ctx: RefundContext): Button[] {
  const row: Button[] = [];
  if (ctx.trail.length > 0 || ctx.focus !== null) {
    row.push({ labelKey: "button.back", event: { type: "back" } });
  }
  row.push({ labelKey: "button.cancel", event: { type: "cancel" } });
  return row;
}

function pairs(buttons: Button[]): Button[][] {
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

export function questionReply(ctx: RefundContext, q: QuestionId): Reply {
  const rows: Button[][] = [];
  let key = promptKey(ctx, q);
  const spec = QUESTIONS[q];
  const params: Params = {};
  if (spec.kind === "choice") {
    for (const v of spec.options(ctx)) {
      rows.push([{ labelKey: optionKey(q, v), event: { type: "choose", q, v } }]);
    }
  } else if (spec.kind === "date" || spec.kind === "datetime") {
    const t = today(ctx);
    // The day the first message named, for the customer to confirm with one press. An outage
    // counts from when it was reported, not from when the number broke: there the question
    // says which day the message named and asks whether it was reported that day.
    if ((q === "reported" || q === "problem_date") && ctx.since !== undefined && ctx.since <= t) {
      rows.push([
        {
          labelKey: q === "reported" ? "button.since_reported" : "button.since",
          labelParams: { date: ctx.since },
          event: { type: "choose", q, v: ctx.since },
        },
      ]);
      if (q === "reported") {
        key = "ask.reported_since";
        params.date = ctx.since;
      }
    }
    const dates: Button[] = [0, 1, 2, 3].map((n) => ({
      labelKey: n === 0 ? "button.today" : n === 1 ? "button.yesterday" : "button.days_ago",
      ...(n > 1 ? { labelParams: { count: n } } : {}),
      event: { type: "choose", q, v: addDays(t, -n) },
    }));
    rows.push(...pairs(dates));
    params.example = t;
  } else if ((spec.kind === "text" && spec.skippable === true) || spec.kind === "files") {
    rows.push([{ labelKey: "button.skip", event: { type: "choose", q, v: "skip" } }]);
  }
  if (spec.kind === "time") params.date = (ctx.answers[spec.date] ?? "").slice(0, 10);
  // A time typed is read in the service's zone: the question names it.
  if (spec.kind === "time" || spec.kind === "datetime") params.zone = ctx.timeZone;
  if (q === "offer") params.clause = offerClause(ctx);
  rows.push(navRow(ctx));
  return Object.keys(params).length > 0 ? { key, params, buttons: rows } : { key, buttons: rows };
}

function offerClause(ctx: RefundContext): string {
  // The clause of the A rule being offered: evaluate as if accepted.
  const w = walk({ ...ctx, focus: null, answers: { ...ctx.answers, offer: "accept" } });
  return w.decision.kind === "grant" ? w.decision.clause : "";
}

export function errorReply(error: AnswerError | "nothing_back"): Reply {
  return { key: `error.${error}` };
}

function valueLine(ctx: RefundContext, q: QuestionId, v: string): Line {
  const labelKey = `field.${q}`;
  const kind = QUESTIONS[q].kind;
  if (kind === "choice") return { labelKey, valueKey: optionKey(q, v) };
  if (kind === "date" || kind === "datetime") {
    const [date = "", time] = v.split("T");
    return time === undefined
      ? { labelKey, valueKey: "value.date", valueParams: { date } }
      : { labelKey, valueKey: "value.datetime", valueParams: { date, time } };
  }
  if (kind === "time") return { labelKey, valueKey: "value.time", valueParams: { time: v } };
  // "12.50 EUR": the decimal and the currency code, written the reader's way where rendered.
  if (q === "amount") return { labelKey, valueKey: "value.amount", valueParams: { money: v } };
  if (q === "comment" && v === "") return { labelKey, valueKey: "value.none" };
  if (kind === "files") {
    return v === "0"
      ? { labelKey, valueKey: "value.none" }
      : { labelKey, valueKey: "value.files", valueParams: { count: Number(v) } };
  }
  const method = q === "details" ? payoutMethod(ctx) : undefined;
  if (method === "card") {
    return { labelKey, valueKey: "value.card_last4", valueParams: { last4: v } };
  }
  if (method !== undefined) {
    // Shown back masked: the chat's history is no place for an IBAN or a wallet.
    return {
      labelKey,
      valueKey: "value.text",
      valueParams: { text: maskDetails(payoutDetails(method, v)) },
    };
  }
  return { labelKey, valueKey: "value.text", valueParams: { text: v } };
}

export function summaryReply(ctx: RefundContext, grant: Grant): Reply {
  const w = walk({ ...ctx, focus: null });
  const lines: Line[] = [];
  const edits: Button[] = [];
  for (const q of w.used) {
    const v = ctx.answers[q];
    if (v === undefined) continue;
    // A payout request that took the balance instead (settled reading 1) says what it now is.
    lines.push(valueLine(ctx, q, q === "want" ? grant.refund : v));
    edits.push({ labelKey: `field.${q}`, event: { type: "edit", q } });
  }
  const params: Params = { clause: grant.clause };
  if (grant.clause === "A1") {
    const fig = a1Figures(ctx);
    if (fig !== undefined) {
      params.days = fig.days;
      // Fewer days than the outage lasted: E1 cut it at the last calendar month; say so.
      const capped = fig.days < Math.ceil(fig.spanMs / DAY_MS);
      lines.push({
        labelKey: "field.a1_days",
        valueKey: capped ? "value.days_capped" : "value.days",
        valueParams: capped ? { count: fig.days, since: e1StartDate(ctx) } : { count: fig.days },
      });
    }
  }
  const flagged = grant.refund === "payout" && isUnrefundable(ctx.answers.paid_with, ctx);
  const key =
    grant.refund === "payout"
      ? flagged
        ? "summary.payout_cstar"
        : "summary.payout"
      : grant.viaOffer
        ? "summary.balance_offer"
        : "summary.balance";
  return {
    key,
    params,
    lines,
    buttons: [
      ...pairs(edits),
      [{ labelKey: "button.submit", event: { type: "submit" } }],
      [
        { labelKey: "button.back", event: { type: "back" } },
        { labelKey: "button.cancel", event: { type: "cancel" } },
      ],
    ],
  };
}

export function refusedReply(ctx: RefundContext, d: Refusal): Reply {
  const params: Params = {};
  let key: string;
  if (d.kind === "refuse") {
    key = `refused.${d.clause}`;
    params.clause = d.clause;
    if (d.clause === "E1") {
      params.near = d.near ?? "";
      params.since = e1StartDate(ctx);
    }
  } else if (d.why === "a1_short") {
    key = "refused.none_a1_short";
    const fig = a1Figures(ctx);
    params.clause = "A1";
    params.hours = fig === undefined ? 0 : Math.max(0, Math.floor(fig.spanMs / HOUR_MS));
  } else if (d.why === "offer_declined") {
    key = "refused.none_offer_declined";
    params.clause = d.near ?? "";
  } else if (d.near !== undefined) {
    // A granting clause's condition failed (a block caused by the customer's own use: A2).
    key = "refused.none_near";
    params.clause = d.near;
  } else {
    key = ctx.answers.want === "payout" ? "refused.none_payout" : "refused.none_balance";
    params.clause = ctx.answers.want === "payout" ? "C" : "A";
  }
  return {
    key,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    buttons: [
      [{ labelKey: "button.human", event: { type: "human" } }],
      [
        { labelKey: "button.back", event: { type: "back" } },
        { labelKey: "button.close", event: { type: "cancel" } },
      ],
    ],
  };
}

/**
 * The submission reply names the case number and its deadline, which only the
 * service knows once the case is queued: it adds these params (the number, and
 * the F1/F2 deadline as the reader writes dates).
 */
export const SUBMISSION_PARAMS = ["id", "due"] as const;

export function submittedReply(
  refund: "balance" | "payout",
  clause: string,
  flagged: boolean,
): Reply {
  if (refund === "balance") return { key: "done.submitted_balance", params: { clause } };
  return {
    key: flagged ? "done.submitted_payout_cstar" : "done.submitted_payout",
    params: { clause },
  };
}
