/**
 * Every question: its kind, its options, how a typed or pressed answer is
 * validated, and the normalised string stored for it.
 *
 * Stored formats: choices → the option id; dates → "YYYY-MM-DD" or
 * "YYYY-MM-DDTHH:MM" (customer's zone); times → "HH:MM"; amount →
 * "<decimal> <ISO 4217>"; account → e-mail or digits; reference → "+<E.164>"
 * or an order number; details → per method (card: last four digits only);
 * comment → text or "" when skipped.
 */
import { fromLocal, isValidDate, parseDate, parseTime, splitDate, toLocal } from "./dates.ts";
import {
  accountSchema,
  amountSchema,
  check,
  commentSchema,
  detailsSchema,
  FIELD_ERRORS,
  type FieldError,
  referenceSchema,
} from "./fields.ts";
import {
  type Answers,
  type Lang,
  METHODS,
  type MethodId,
  type QuestionId,
  type ServiceId,
} from "./ids.ts";

export interface QuestionCtx {
  answers: Answers;
  lang: Lang;
  timeZone: string;
  now: number;
  unrefundable: readonly string[];
}

export type AnswerError =
  | FieldError
  | "date_format"
  | "date_future"
  | "date_too_old"
  | "date_ambiguous"
  | "time_format"
  | "restored_before_reported"
  | "use_buttons"
  | "stale_button";

/** Every reason an answer can be refused (locale keys `error.<reason>`). */
export const ANSWER_ERRORS = [
  ...FIELD_ERRORS,
  "date_format",
  "date_future",
  "date_too_old",
  "date_ambiguous",
  "time_format",
  "restored_before_reported",
  "use_buttons",
  "stale_button",
] as const satisfies readonly AnswerError[];

export type Accepted = { ok: true; value: string } | { ok: false; error: AnswerError };

export type QuestionKind = "choice" | "date" | "datetime" | "time" | "text";

const YES_NO = ["yes", "no"] as const;

export const WHAT_BY_SERVICE: Record<ServiceId, readonly string[]> = {
  rented: [
    "not_working",
    "blocked",
    "not_provided",
    "deactivated",
    "documents",
    "changed_mind",
    "misunderstood",
    "other",
  ],
  one_time: ["no_sms", "not_provided", "changed_mind", "misunderstood", "other"],
  caller_id: ["caller_id_failed", "misunderstood", "other"],
  top_up: ["accidental", "unused", "misunderstood", "other"],
};

export const KIND: Record<QuestionId, QuestionKind> = {
  want: "choice",
  service: "choice",
  what: "choice",
  was_working: "choice",
  docs_shown: "choice",
  own_activity: "choice",
  code_shown: "choice",
  restrictions: "choice",
  no_stock: "choice",
  replacement: "choice",
  reported: "datetime",
  reported_time: "time",
  still_down: "choice",
  restored: "datetime",
  restored_time: "time",
  problem_date: "date",
  paid_date: "date",
  offer: "choice",
  account: "text",
  reference: "text",
  amount: "text",
  paid_with: "choice",
  payout_to: "choice",
  details: "text",
  comment: "text",
};

/** Answering a question forgets these (the time typed with a date replaces the asked time). */
export const CLEARS: Partial<Record<QuestionId, readonly QuestionId[]>> = {
  reported: ["reported_time"],
  restored: ["restored_time"],
};

export function isUnrefundable(method: string | undefined, ctx: QuestionCtx): boolean {
  return method !== undefined && ctx.unrefundable.includes(method);
}

/** The options of a choice question in the current state of the answers. */
export function options(q: QuestionId, ctx: QuestionCtx): readonly string[] {
  const a = ctx.answers;
  switch (q) {
    case "want":
      return ["balance", "payout"];
    case "service":
      return a.want === "balance"
        ? ["rented", "one_time", "caller_id"]
        : ["rented", "one_time", "caller_id", "top_up"];
    case "what": {
      const s = a.service as ServiceId | undefined;
      return s !== undefined && s in WHAT_BY_SERVICE ? WHAT_BY_SERVICE[s] : [];
    }
    case "own_activity":
      return ["no", "unknown", "yes"];
    case "offer":
      return ["accept", "decline"];
    case "paid_with":
      return METHODS;
    case "payout_to":
      return METHODS.filter((m) => !ctx.unrefundable.includes(m));
    case "was_working":
    case "docs_shown":
    case "code_shown":
    case "restrictions":
    case "no_stock":
    case "replacement":
    case "still_down":
      return YES_NO;
    default:
      return [];
  }
}

/** The method the payout goes to: the payment method, or the chosen alternative when that one is C*. */
export function payoutMethod(ctx: QuestionCtx): MethodId | undefined {
  const paid = ctx.answers.paid_with as MethodId | undefined;
  if (paid === undefined) return undefined;
  if (!isUnrefundable(paid, ctx)) return paid;
  const to = ctx.answers.payout_to as MethodId | undefined;
  return to !== undefined && options("payout_to", ctx).includes(to) ? to : undefined;
}

function instantOf(date: string, time: string | undefined, ctx: QuestionCtx): number | undefined {
  const [d = "", inline] = date.split("T");
  const t = inline ?? time;
  return t === undefined ? undefined : fromLocal(d, t, ctx.timeZone);
}

/** Cross-field check: the number cannot have worked again before it was reported. */
function restoredOk(restored: string, restoredTime: string | undefined, ctx: QuestionCtx): boolean {
  const rep = ctx.answers.reported;
  if (rep === undefined) return true;
  if (restored.slice(0, 10) < rep.slice(0, 10)) return false;
  const repAt = instantOf(rep, ctx.answers.reported_time, ctx);
  const resAt = instantOf(restored, restoredTime, ctx);
  return repAt === undefined || resAt === undefined || resAt >= repAt;
}

function notFuture(date: string, time: string, ctx: QuestionCtx): boolean {
  return fromLocal(date, time, ctx.timeZone) <= ctx.now;
}

function validIsoDate(v: string, ctx: QuestionCtx): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const { y, m, d } = splitDate(v);
  return isValidDate(y, m, d) && v >= "2000-01-01" && v <= toLocal(ctx.now, ctx.timeZone).date;
}

function acceptDate(q: QuestionId, date: string, time: string | null, ctx: QuestionCtx): Accepted {
  const kind = KIND[q];
  const value = kind === "datetime" && time !== null ? `${date}T${time}` : date;
  if (q === "restored" && !restoredOk(value, undefined, ctx)) {
    return { ok: false, error: "restored_before_reported" };
  }
  return { ok: true, value };
}

/** A button press (`choose`) for question `q` with value `v`. Callback data is untrusted. */
export function acceptChoice(q: QuestionId, v: string, ctx: QuestionCtx): Accepted {
  const kind = KIND[q];
  if (kind === "choice") {
    return options(q, ctx).includes(v)
      ? { ok: true, value: v }
      : { ok: false, error: "stale_button" };
  }
  if (kind === "date" || kind === "datetime") {
    return validIsoDate(v, ctx)
      ? acceptDate(q, v, null, ctx)
      : { ok: false, error: "stale_button" };
  }
  if (q === "comment" && v === "skip") return { ok: true, value: "" };
  return { ok: false, error: "stale_button" };
}

/** Typed text for question `q`. */
export function acceptText(q: QuestionId, text: string, ctx: QuestionCtx): Accepted {
  const kind = KIND[q];
  if (kind === "choice") return { ok: false, error: "use_buttons" };
  if (kind === "date" || kind === "datetime") {
    const r = parseDate(text, { now: ctx.now, timeZone: ctx.timeZone, lang: ctx.lang });
    if (!r.ok) return r;
    return acceptDate(q, r.date, r.time, ctx);
  }
  if (kind === "time") {
    const r = parseTime(text);
    if (!r.ok) return r;
    const dateQ = q === "reported_time" ? "reported" : "restored";
    const date = ctx.answers[dateQ]?.slice(0, 10);
    if (date !== undefined && !notFuture(date, r.time, ctx))
      return { ok: false, error: "date_future" };
    if (q === "restored_time" && date !== undefined && !restoredOk(date, r.time, ctx)) {
      return { ok: false, error: "restored_before_reported" };
    }
    return { ok: true, value: r.time };
  }
  switch (q) {
    case "account":
      return check(accountSchema, text);
    case "reference":
      return check(
        referenceSchema((ctx.answers.service as ServiceId | undefined) ?? "rented"),
        text,
      );
    case "amount":
      return check(amountSchema(ctx.lang), text);
    case "details":
      return check(detailsSchema(payoutMethod(ctx) ?? "other"), text);
    default:
      return check(commentSchema, text);
  }
}

/** Is the stored answer to `q` still valid given the other answers? (Options change when earlier answers do.) */
export function stillValid(q: QuestionId, value: string, ctx: QuestionCtx): boolean {
  const kind = KIND[q];
  if (kind === "choice") return options(q, ctx).includes(value);
  if (q === "restored") return restoredOk(value, ctx.answers.restored_time, ctx);
  if (q === "restored_time") {
    const d = ctx.answers.restored;
    return d === undefined || restoredOk(d.slice(0, 10), value, ctx);
  }
  if (q === "reference") {
    return check(referenceSchema((ctx.answers.service as ServiceId | undefined) ?? "rented"), value)
      .ok;
  }
  if (q === "details") {
    const m = payoutMethod(ctx);
    return m !== undefined && check(detailsSchema(m), value).ok;
  }
  return true;
}
