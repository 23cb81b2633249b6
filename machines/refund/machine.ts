/**
 * The refund conversation as one XState v5 machine. Pure: time comes in with
 * every event (`now`), words are locale keys, nothing is read or written.
 *
 *   route ──always──▶ ask.<question> │ summary │ refused
 *   ask.<q>   text/choose ─▶ route (valid: stored; invalid: error + asked again)
 *   summary   submit ─▶ submitted (final) · edit ─▶ route (asks that field)
 *   refused   human ─▶ handoff · cancel ─▶ closed · back ─▶ route
 *   anywhere  back (undo the last answer) · cancel ─▶ cancelled · human ─▶ handoff
 *
 * Replies and outcomes leave as emitted events (`reply`, `outcome`); the step
 * API (step.ts) collects them.
 */
import { assign, emit, enqueueActions, setup } from "xstate";
import type { RefundEvent } from "./events.ts";
import { atOf, buildRequest, notEligible, type Outcome, type RefundContext, walk } from "./flow.ts";
import { type Answers, LANGS, type Lang, QUESTION_IDS, type QuestionId } from "./ids.ts";
import { acceptChoice, acceptText, CLEARS } from "./questions.ts";
import {
  errorReply,
  questionReply,
  type Reply,
  refusedReply,
  submittedReply,
  summaryReply,
} from "./replies.ts";

export interface RefundInput {
  /** The customer's language (unknown ones fall back to English). */
  lang: string;
  /** The customer's IANA time zone (dates they type are read in it). */
  timeZone: string;
  /** Payment method ids that do not support refunds (C*; config UNREFUNDABLE_PAYMENT_METHODS). */
  unrefundableMethods: readonly string[];
  /**
   * Answers already known when the conversation starts (an FAQ answer's "start
   * a request" button). They count as answered, so "back" can undo them.
   */
  answers?: Answers;
}

export type Emitted = { type: "reply"; reply: Reply } | { type: "outcome"; outcome: Outcome };

function initialContext(input: RefundInput & { now: number }): RefundContext {
  const lang: Lang = (LANGS as readonly string[]).includes(input.lang)
    ? (input.lang as Lang)
    : "en";
  const ctx: RefundContext = {
    lang,
    timeZone: input.timeZone,
    unrefundable: [...input.unrefundableMethods],
    now: input.now,
    answers: { ...input.answers },
    trail: QUESTION_IDS.filter((q) => input.answers?.[q] !== undefined),
    focus: null,
    at: "want",
  };
  return { ...ctx, at: atOf(walk(ctx).next) };
}

/** Re-route after a change: where the conversation is now. */
function settle(ctx: RefundContext): RefundContext {
  return { ...ctx, at: atOf(walk(ctx).next) };
}

function store(ctx: RefundContext, q: QuestionId, value: string): RefundContext {
  const answers = { ...ctx.answers, [q]: value };
  for (const c of CLEARS[q] ?? []) delete answers[c];
  const trail = [...ctx.trail.filter((x) => x !== q && answers[x] !== undefined), q];
  return settle({ ...ctx, answers, trail, focus: null });
}

/** Undo: cancel an edit, or forget the last answer and ask that question again. */
function undo(ctx: RefundContext): RefundContext | null {
  if (ctx.focus !== null) return settle({ ...ctx, focus: null });
  const last = ctx.trail[ctx.trail.length - 1];
  if (last === undefined) return null;
  const answers = { ...ctx.answers };
  delete answers[last];
  return settle({ ...ctx, answers, trail: ctx.trail.slice(0, -1) });
}

function currentQuestion(ctx: RefundContext): QuestionId | null {
  return ctx.at === "summary" || ctx.at === "refused" ? null : ctx.at;
}

const ASK_STATES = Object.fromEntries(
  QUESTION_IDS.map((q) => [q, { entry: { type: "askQuestion" as const } }]),
) as Record<QuestionId, { entry: { type: "askQuestion" } }>;

export const refundMachine = setup({
  types: {
    context: {} as RefundContext,
    events: {} as RefundEvent,
    input: {} as RefundInput & { now: number },
    emitted: {} as Emitted,
  },
  guards: {
    isAt: ({ context }, params: { at: RefundContext["at"] }) => context.at === params.at,
    complete: ({ context, event }) =>
      walk({ ...context, now: event.now, focus: null }).next.kind === "summary",
  },
  actions: {
    greet: emit({ type: "reply", reply: { key: "intro" } }),
    askQuestion: emit(({ context }) => {
      const q = currentQuestion(context) ?? "want";
      return { type: "reply" as const, reply: questionReply(context, q) };
    }),
    showSummary: emit(({ context }) => {
      const w = walk(context);
      const reply: Reply =
        w.next.kind === "summary" ? summaryReply(context, w.next.grant) : { key: "intro" };
      return { type: "reply" as const, reply };
    }),
    showRefusal: enqueueActions(({ context, enqueue }) => {
      const w = walk(context);
      if (w.next.kind !== "refused") return;
      enqueue.emit({ type: "reply", reply: refusedReply(context, w.next.decision) });
      const outcome = notEligible(context);
      if (outcome !== null) enqueue.emit({ type: "outcome", outcome });
    }),
    repeatRefusal: enqueueActions(({ context, enqueue }) => {
      const w = walk(context);
      if (w.next.kind === "refused") {
        enqueue.emit({ type: "reply", reply: refusedReply(context, w.next.decision) });
      }
    }),
    setNow: assign({ now: ({ event }) => event.now }),
    /** A typed or pressed answer: stored when valid, else the reason is said (the question follows). */
    answer: enqueueActions(({ context, event, enqueue }) => {
      const ctx = { ...context, now: event.now };
      const q = currentQuestion(ctx);
      let result: ReturnType<typeof acceptText> | null = null;
      if (q !== null && event.type === "text") result = acceptText(q, event.text, ctx);
      else if (q !== null && event.type === "choose" && event.q === q)
        result = acceptChoice(q, event.v, ctx);
      else if (event.type === "text" && q === null) result = { ok: false, error: "use_buttons" };
      else result = { ok: false, error: "stale_button" };
      if (q !== null && result.ok) {
        enqueue.assign(store(ctx, q, result.value));
        return;
      }
      if (!result.ok) enqueue.emit({ type: "reply", reply: errorReply(result.error) });
      enqueue.assign({ now: event.now });
    }),
    back: enqueueActions(({ context, event, enqueue }) => {
      const prev = undo({ ...context, now: event.now });
      if (prev === null) {
        enqueue.emit({ type: "reply", reply: errorReply("nothing_back") });
        enqueue.assign({ now: event.now });
      } else enqueue.assign(prev);
    }),
    edit: enqueueActions(({ context, event, enqueue }) => {
      const ctx = { ...context, now: event.now, focus: null };
      if (event.type === "edit" && walk(ctx).used.includes(event.q)) {
        enqueue.assign({ ...ctx, focus: event.q, at: event.q });
      } else {
        enqueue.emit({ type: "reply", reply: errorReply("stale_button") });
        enqueue.assign({ now: event.now });
      }
    }),
    reroute: assign(({ context, event }) => settle({ ...context, now: event.now })),
    submitted: enqueueActions(({ context, enqueue }) => {
      const request = buildRequest(context);
      if (request === null) return;
      enqueue.emit({ type: "outcome", outcome: { kind: "submitted", request } });
      enqueue.emit({
        type: "reply",
        reply: submittedReply(request.refund, request.clause, request.unrefundableMethod),
      });
    }),
    cancelled: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({
        type: "outcome",
        outcome: { kind: "cancelled", at: context.at, atMs: context.now },
      });
      enqueue.emit({ type: "reply", reply: { key: "done.cancelled" } });
    }),
    handoff: enqueueActions(({ context, enqueue }) => {
      const after = context.at === "refused" ? notEligible(context) : null;
      const w = walk({ ...context, focus: null });
      const answers: RefundContext["answers"] = {};
      for (const q of w.used) if (context.answers[q] !== undefined) answers[q] = context.answers[q];
      enqueue.emit({
        type: "outcome",
        outcome: {
          kind: "handoff",
          after,
          at: context.at,
          answers,
          lang: context.lang,
          atMs: context.now,
        },
      });
      enqueue.emit({ type: "reply", reply: { key: "done.handoff" } });
    }),
    closed: emit({ type: "reply", reply: { key: "done.closed" } }),
  },
}).createMachine({
  id: "refund",
  context: ({ input }) => initialContext(input),
  entry: "greet",
  initial: "route",
  on: {
    cancel: { target: ".cancelled", actions: "setNow" },
    human: { target: ".handoff", actions: "setNow" },
  },
  states: {
    route: {
      always: [
        { guard: { type: "isAt", params: { at: "summary" } }, target: "summary" },
        { guard: { type: "isAt", params: { at: "refused" } }, target: "refused" },
        ...QUESTION_IDS.map((q) => ({
          guard: { type: "isAt" as const, params: { at: q } },
          target: `ask.${q}`,
        })),
      ],
    },
    ask: {
      initial: "want",
      on: {
        text: { target: "route", actions: "answer" },
        choose: { target: "route", actions: "answer" },
        back: { target: "route", actions: "back" },
        edit: { target: "route", actions: "answer" },
        submit: { target: "route", actions: "answer" },
      },
      states: ASK_STATES,
    },
    summary: {
      entry: "showSummary",
      on: {
        submit: [
          { guard: "complete", target: "submitted", actions: "setNow" },
          { target: "route", actions: "reroute" },
        ],
        edit: { target: "route", actions: "edit" },
        back: { target: "route", actions: "back" },
        text: { target: "route", actions: "answer" },
        choose: { target: "route", actions: "answer" },
      },
    },
    refused: {
      entry: "showRefusal",
      on: {
        back: { target: "route", actions: "back" },
        cancel: { target: "closed", actions: "setNow" },
        // Anything else: say so and show the decision again (not re-recorded).
        text: { actions: ["answer", "repeatRefusal"] },
        choose: { actions: ["answer", "repeatRefusal"] },
        edit: { actions: ["answer", "repeatRefusal"] },
        submit: { actions: ["answer", "repeatRefusal"] },
      },
    },
    submitted: { type: "final", entry: "submitted" },
    cancelled: { type: "final", entry: "cancelled" },
    handoff: { type: "final", entry: "handoff" },
    closed: { type: "final", entry: "closed" },
  },
});
