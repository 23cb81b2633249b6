/**
 * The refund conversation as one XState v5 machine. Pure: time comes in with
 * every event (`now`), words are locale keys, nothing is read or written.
 *
 *   route ──always──▶ ask.<question> │ summary │ refused   (where the answers lead)
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
import {
  buildRequest,
  notEligible,
  type Outcome,
  type Place,
  type RefundContext,
  walk,
  where,
} from "./flow.ts";
import { grammar } from "./grammar.ts";
import { type Answers, QUESTION_IDS, type QuestionId } from "./ids.ts";
import { acceptChoice, acceptText, clears } from "./questions.ts";
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
  /**
   * The day (YYYY-MM-DD) the customer's message said the problem began: offered as a button
   * when the conversation asks since when, never taken as the answer by itself.
   */
  since?: string;
}

export type Emitted = { type: "reply"; reply: Reply } | { type: "outcome"; outcome: Outcome };

function initialContext(input: RefundInput & { now: number }): RefundContext {
  const known = grammar().languages;
  const lang = known.includes(input.lang)
    ? input.lang
    : known.includes("en")
      ? "en"
      : (known[0] ?? "en");
  return {
    lang,
    timeZone: input.timeZone,
    unrefundable: [...input.unrefundableMethods],
    now: input.now,
    answers: { ...input.answers },
    trail: QUESTION_IDS.filter((q) => input.answers?.[q] !== undefined),
    focus: null,
    ...(input.since === undefined ? {} : { since: input.since }),
  };
}

function store(ctx: RefundContext, q: QuestionId, value: string): RefundContext {
  const answers = { ...ctx.answers, [q]: value };
  const forgotten = clears(q);
  if (forgotten !== undefined) delete answers[forgotten];
  const trail = [...ctx.trail.filter((x) => x !== q && answers[x] !== undefined), q];
  return { ...ctx, answers, trail, focus: null };
}

/**
 * Undo: cancel an edit, or forget the latest answer that forgetting asks
 * again. Answers given before the conversation (a question's own words, from
 * an FAQ start) may lie ahead of the question open now: forgetting one of
 * those would ask the open question again and lose it.
 */
function undo(ctx: RefundContext): RefundContext | null {
  if (ctx.focus !== null) return { ...ctx, focus: null };
  for (let i = ctx.trail.length - 1; i >= 0; i--) {
    const q = ctx.trail[i];
    if (q === undefined) continue;
    const answers = { ...ctx.answers };
    delete answers[q];
    const back = { ...ctx, answers, trail: ctx.trail.filter((x) => x !== q) };
    const next = walk(back).next;
    if (next.kind === "ask" && next.q === q) return back;
  }
  return null;
}

type Refused = "use_buttons" | "stale_button";

const machineSetup = setup({
  types: {
    context: {} as RefundContext,
    events: {} as RefundEvent,
    input: {} as RefundInput & { now: number },
    emitted: {} as Emitted,
  },
  guards: {
    /** Where the answers lead now (one walk per context, shared by every guard). */
    leadsTo: ({ context }, params: { place: Place }) => where(context) === params.place,
    /** A button of this very question (callback data is untrusted). */
    forQuestion: ({ event }, params: { q: QuestionId }) =>
      event.type === "choose" && event.q === params.q,
    complete: ({ context, event }) =>
      walk({ ...context, now: event.now, focus: null }).next.kind === "summary",
    /** An answer the case rests on: the summary's edit buttons. */
    editable: ({ context, event }) =>
      event.type === "edit" && walk({ ...context, focus: null }).used.includes(event.q),
  },
  actions: {
    greet: emit({ type: "reply", reply: { key: "intro" } }),
    askQuestion: emit(({ context }, params: { q: QuestionId }) => ({
      type: "reply" as const,
      reply: questionReply(context, params.q),
    })),
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
    /**
     * A typed or pressed answer to the question asked: stored when valid, else the reason is
     * said. Typed words are read in the language they came with, which the conversation keeps.
     */
    answer: enqueueActions(({ context, event, enqueue }, params: { q: QuestionId }) => {
      if (event.type !== "text" && event.type !== "choose") return;
      const said = event.type === "text" ? event.lang : undefined;
      const lang = said !== undefined && grammar().languages.includes(said) ? said : context.lang;
      const ctx = { ...context, now: event.now, lang };
      const r =
        event.type === "text"
          ? acceptText(params.q, event.text, ctx)
          : acceptChoice(params.q, event.v, ctx);
      if (r.ok) enqueue.assign(store(ctx, params.q, r.value));
      else {
        enqueue.emit({ type: "reply", reply: errorReply(r.error) });
        enqueue.assign({ now: event.now, lang });
      }
    }),
    /** Input that does not fit where the conversation is: say why, change nothing but the clock. */
    refuse: enqueueActions(({ event, enqueue }, params: { error: Refused }) => {
      enqueue.emit({ type: "reply", reply: errorReply(params.error) });
      enqueue.assign({ now: event.now });
    }),
    /**
     * The same, after a refusal, without even the clock: a refusal can rest on
     * time (an outage not yet over 24 h), and the place is derived from the
     * context, so it must stay the one the refusal was decided on.
     */
    mention: emit((_, params: { error: Refused }) => ({
      type: "reply" as const,
      reply: errorReply(params.error),
    })),
    back: enqueueActions(({ context, event, enqueue }) => {
      const prev = undo({ ...context, now: event.now });
      if (prev === null) {
        enqueue.emit({ type: "reply", reply: errorReply("nothing_back") });
        enqueue.assign({ now: event.now });
      } else enqueue.assign(prev);
    }),
    edit: assign(({ context, event }) =>
      event.type === "edit" ? { ...context, now: event.now, focus: event.q } : context,
    ),
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
        outcome: { kind: "cancelled", at: where(context), atMs: context.now },
      });
      enqueue.emit({ type: "reply", reply: { key: "done.cancelled" } });
    }),
    handoff: enqueueActions(({ context, enqueue }) => {
      const at = where(context);
      const after = at === "refused" ? notEligible(context) : null;
      const w = walk({ ...context, focus: null });
      const answers: RefundContext["answers"] = {};
      for (const q of w.used) if (context.answers[q] !== undefined) answers[q] = context.answers[q];
      enqueue.emit({
        type: "outcome",
        outcome: { kind: "handoff", after, at, answers, lang: context.lang, atMs: context.now },
      });
      enqueue.emit({ type: "reply", reply: { key: "done.handoff" } });
    }),
    closed: emit({ type: "reply", reply: { key: "done.closed" } }),
  },
});

const ROUTE = "#refund.route";
const refuse = (error: Refused) =>
  ({ target: ROUTE, actions: { type: "refuse", params: { error } } }) as const;

/** One state per question: its own answer goes to it, anything else is refused. */
function askState(q: QuestionId) {
  return {
    entry: { type: "askQuestion", params: { q } },
    on: {
      text: { target: ROUTE, actions: { type: "answer", params: { q } } },
      choose: [
        {
          guard: { type: "forQuestion", params: { q } },
          target: ROUTE,
          actions: { type: "answer", params: { q } },
        },
        refuse("stale_button"),
      ],
      edit: refuse("stale_button"),
      submit: refuse("stale_button"),
      back: { target: ROUTE, actions: "back" },
    },
  } as const;
}

export const refundMachine = machineSetup.createMachine({
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
        { guard: { type: "leadsTo", params: { place: "summary" } }, target: "summary" },
        { guard: { type: "leadsTo", params: { place: "refused" } }, target: "refused" },
        ...QUESTION_IDS.map((q) => ({
          guard: { type: "leadsTo" as const, params: { place: q } },
          target: `ask.${q}`,
        })),
      ],
    },
    ask: {
      initial: "want",
      states: Object.fromEntries(QUESTION_IDS.map((q) => [q, askState(q)])),
    },
    summary: {
      entry: "showSummary",
      on: {
        submit: [
          { guard: "complete", target: "submitted", actions: "setNow" },
          { target: "route", actions: "setNow" },
        ],
        edit: [{ guard: "editable", target: "route", actions: "edit" }, refuse("stale_button")],
        back: { target: "route", actions: "back" },
        text: refuse("use_buttons"),
        choose: refuse("stale_button"),
      },
    },
    refused: {
      entry: "showRefusal",
      on: {
        back: { target: "route", actions: "back" },
        cancel: { target: "closed", actions: "setNow" },
        // Anything else: say so and show the decision again (not re-recorded).
        text: { actions: [{ type: "mention", params: { error: "use_buttons" } }, "repeatRefusal"] },
        choose: {
          actions: [{ type: "mention", params: { error: "stale_button" } }, "repeatRefusal"],
        },
        edit: {
          actions: [{ type: "mention", params: { error: "stale_button" } }, "repeatRefusal"],
        },
        submit: {
          actions: [{ type: "mention", params: { error: "stale_button" } }, "repeatRefusal"],
        },
      },
    },
    submitted: { type: "final", entry: "submitted" },
    cancelled: { type: "final", entry: "cancelled" },
    handoff: { type: "final", entry: "handoff" },
    closed: { type: "final", entry: "closed" },
  },
});
