/**
 * Every question: its kind, its options, how a typed or pressed answer is
 * validated, and the normalised string stored for it.
 *
 * Stored formats: choices → the option id; dates → "YYYY-MM-DD" or
 * "YYYY-MM-DDTHH:MM" (customer's zone); times → "HH:MM"; amount →
 * "<decimal> <ISO 4217>"; account → e-mail or digits; reference → "+<E.164>"
 * or an order number; details → per method (card: last four digits only);
 * comment → text or "" when skipped; evidence → how many files are attached
 * ("0" when skipped).
 */

import type { z } from "zod";
import {
  answerInstant,
  fromLocal,
  isValidDate,
  parseDate,
  parseTime,
  splitDate,
  toLocal,
} from "./dates.ts";
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
  | "files_or_buttons"
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
  "files_or_buttons",
  "stale_button",
] as const satisfies readonly AnswerError[];

export type Accepted = { ok: true; value: string } | { ok: false; error: AnswerError };

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

/**
 * A question, declared once: what kind of answer it takes and how that answer
 * is checked. Everything else (the buttons, the stored format, what an answer
 * forgets, the labels) is derived from it.
 */
export type Question =
  | {
      kind: "choice";
      options: (ctx: QuestionCtx) => readonly string[];
      /** where its labels live: shared yes/no words, payment methods, or its own */
      labels: "shared" | "method" | "own";
    }
  | { kind: "date" }
  /** a date, with the time when it is typed with one (then the time question is forgotten) */
  | { kind: "datetime"; time: QuestionId }
  /** the time of day of an earlier date question */
  | { kind: "time"; date: QuestionId }
  | {
      kind: "text";
      schema: (ctx: QuestionCtx) => z.ZodType<string, string>;
      /** checked again when an earlier answer changes what is valid */
      dependsOnAnswers?: true;
      /** can be skipped with a button */
      skippable?: true;
    }
  /**
   * Photos and files, which the service keeps (the machine never sees one):
   * answered by a button once they are sent, with how many there are, which
   * the service counts; "skip" is none.
   */
  | { kind: "files" };

export type QuestionKind = Question["kind"];

const yesNo: Question = { kind: "choice", options: () => YES_NO, labels: "shared" };

export const QUESTIONS: Record<QuestionId, Question> = {
  want: { kind: "choice", options: () => ["balance", "payout"], labels: "own" },
  service: {
    kind: "choice",
    options: (ctx) =>
      ctx.answers.want === "balance"
        ? ["rented", "one_time", "caller_id"]
        : ["rented", "one_time", "caller_id", "top_up"],
    labels: "own",
  },
  what: {
    kind: "choice",
    options: (ctx) => {
      const s = ctx.answers.service as ServiceId | undefined;
      return s !== undefined && s in WHAT_BY_SERVICE ? WHAT_BY_SERVICE[s] : [];
    },
    labels: "own",
  },
  was_working: yesNo,
  docs_shown: yesNo,
  own_activity: { kind: "choice", options: () => ["no", "unknown", "yes"], labels: "shared" },
  code_shown: yesNo,
  restrictions: yesNo,
  no_stock: yesNo,
  replacement: yesNo,
  reported: { kind: "datetime", time: "reported_time" },
  reported_time: { kind: "time", date: "reported" },
  still_down: yesNo,
  restored: { kind: "datetime", time: "restored_time" },
  restored_time: { kind: "time", date: "restored" },
  problem_date: { kind: "date" },
  paid_date: { kind: "date" },
  offer: { kind: "choice", options: () => ["accept", "decline"], labels: "own" },
  account: { kind: "text", schema: () => accountSchema },
  reference: {
    kind: "text",
    schema: (ctx) => referenceSchema((ctx.answers.service as ServiceId | undefined) ?? "rented"),
    dependsOnAnswers: true,
  },
  amount: { kind: "text", schema: (ctx) => amountSchema(ctx.lang) },
  paid_with: { kind: "choice", options: () => METHODS, labels: "method" },
  payout_to: {
    kind: "choice",
    options: (ctx) => METHODS.filter((m) => !ctx.unrefundable.includes(m)),
    labels: "method",
  },
  details: {
    kind: "text",
    schema: (ctx) => detailsSchema(payoutMethod(ctx) ?? "other"),
    dependsOnAnswers: true,
  },
  comment: { kind: "text", schema: () => commentSchema, skippable: true },
  evidence: { kind: "files" },
};

/** The most files a case can say it has (the service's limit is lower). */
const FILE_COUNT = /^(0|[1-9]\d?)$/;

/** Answering a question forgets these (the time typed with a date replaces the asked time). */
export function clears(q: QuestionId): QuestionId | undefined {
  const spec = QUESTIONS[q];
  return spec.kind === "datetime" ? spec.time : undefined;
}

export function isUnrefundable(method: string | undefined, ctx: QuestionCtx): boolean {
  return method !== undefined && ctx.unrefundable.includes(method);
}

/** The options of a choice question in the current state of the answers. */
export function options(q: QuestionId, ctx: QuestionCtx): readonly string[] {
  const spec = QUESTIONS[q];
  return spec.kind === "choice" ? spec.options(ctx) : [];
}

/** The method the payout goes to: the payment method, or the chosen alternative when that one is C*. */
export function payoutMethod(ctx: QuestionCtx): MethodId | undefined {
  const paid = ctx.answers.paid_with as MethodId | undefined;
  if (paid === undefined) return undefined;
  if (!isUnrefundable(paid, ctx)) return paid;
  const to = ctx.answers.payout_to as MethodId | undefined;
  return to !== undefined && options("payout_to", ctx).includes(to) ? to : undefined;
}

/** Cross-field check: the number cannot have worked again before it was reported. */
function restoredOk(restored: string, restoredTime: string | undefined, ctx: QuestionCtx): boolean {
  const rep = ctx.answers.reported;
  if (rep === undefined) return true;
  if (restored.slice(0, 10) < rep.slice(0, 10)) return false;
  const repAt = answerInstant(rep, ctx.answers.reported_time, ctx.timeZone);
  const resAt = answerInstant(restored, restoredTime, ctx.timeZone);
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
  const value = QUESTIONS[q].kind === "datetime" && time !== null ? `${date}T${time}` : date;
  if (q === "restored" && !restoredOk(value, undefined, ctx)) {
    return { ok: false, error: "restored_before_reported" };
  }
  return { ok: true, value };
}

/** A button press (`choose`) for question `q` with value `v`. Callback data is untrusted. */
export function acceptChoice(q: QuestionId, v: string, ctx: QuestionCtx): Accepted {
  const spec = QUESTIONS[q];
  switch (spec.kind) {
    case "choice":
      return spec.options(ctx).includes(v)
        ? { ok: true, value: v }
        : { ok: false, error: "stale_button" };
    case "date":
    case "datetime":
      return validIsoDate(v, ctx)
        ? acceptDate(q, v, null, ctx)
        : { ok: false, error: "stale_button" };
    case "text":
      return spec.skippable === true && v === "skip"
        ? { ok: true, value: "" }
        : { ok: false, error: "stale_button" };
    case "time":
      return { ok: false, error: "stale_button" };
    case "files":
      if (v === "skip") return { ok: true, value: "0" };
      return FILE_COUNT.test(v) ? { ok: true, value: v } : { ok: false, error: "stale_button" };
  }
}

/** Typed text for question `q`. */
export function acceptText(q: QuestionId, text: string, ctx: QuestionCtx): Accepted {
  const spec = QUESTIONS[q];
  switch (spec.kind) {
    case "choice":
      return { ok: false, error: "use_buttons" };
    case "date":
    case "datetime": {
      const r = parseDate(text, { now: ctx.now, timeZone: ctx.timeZone, lang: ctx.lang });
      if (!r.ok) return r;
      return acceptDate(q, r.date, r.time, ctx);
    }
    case "time": {
      const r = parseTime(text);
      if (!r.ok) return r;
      const date = ctx.answers[spec.date]?.slice(0, 10);
      if (date !== undefined && !notFuture(date, r.time, ctx))
        return { ok: false, error: "date_future" };
      if (q === "restored_time" && date !== undefined && !restoredOk(date, r.time, ctx)) {
        return { ok: false, error: "restored_before_reported" };
      }
      return { ok: true, value: r.time };
    }
    case "text":
      return check(spec.schema(ctx), text);
    case "files":
      return { ok: false, error: "files_or_buttons" };
  }
}

/** Is the stored answer to `q` still valid given the other answers? (Options change when earlier answers do.) */
export function stillValid(q: QuestionId, value: string, ctx: QuestionCtx): boolean {
  const spec = QUESTIONS[q];
  if (spec.kind === "choice") return spec.options(ctx).includes(value);
  if (q === "restored") return restoredOk(value, ctx.answers.restored_time, ctx);
  if (q === "restored_time") {
    const d = ctx.answers.restored;
    return d === undefined || restoredOk(d.slice(0, 10), value, ctx);
  }
  if (spec.kind === "text" && spec.dependsOnAnswers === true) {
    if (q === "details" && payoutMethod(ctx) === undefined) return false;
    return check(spec.schema(ctx), value).ok;
  }
  return true;
}
