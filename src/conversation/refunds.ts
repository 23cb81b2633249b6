import {
  type ButtonEvent,
  ButtonEventSchema,
  type RefundEvent,
} from "../../machines/refund/events.ts";
import type { Outcome } from "../../machines/refund/flow.ts";
import type { Answers } from "../../machines/refund/ids.ts";
import type { Params, Reply, SUBMISSION_PARAMS } from "../../machines/refund/replies.ts";
import {
  placeOf,
  REFUND_MACHINE_ID,
  REFUND_MACHINE_VERSION,
  type StepResult,
  start as startMachine,
  step as stepMachine,
} from "../../machines/refund/step.ts";
import { attachToDraft, draftCount, dropDrafts } from "../cases/evidence.ts";
import { type Submitted, submitCase } from "../cases/submit.ts";
import {
  type ChatContext,
  direct,
  inTransaction,
  oneStatement,
  type Plan,
} from "../chat/context.ts";
import type { RefundConversations } from "../chat/customer.ts";
import { sayRefusedFile } from "../chat/evidence.ts";
import { sayWhenStaffAreBack } from "../chat/staff-away.ts";
import type { Config } from "../config/load.ts";
import type { Prisma } from "../database/generated/client.ts";
import type { FaqStart } from "../faq/index.ts";
import type { Button } from "../outbox/write.ts";
import { EVIDENCE_REF, QUESTION_REF, settleEvidence, settleQuestion } from "./question.ts";

/** Where an FAQ answer's "start a request" button begins: the answers it already implies. */
export const FAQ_STARTS: Record<Exclude<FaqStart, "none">, Answers> = {
  sms_not_received: { service: "one_time", what: "no_sms" },
  number_down: { service: "rented", what: "not_working" },
  number_blocked: { service: "rented", what: "blocked" },
  number_not_provided: { service: "rented", what: "not_provided" },
  payout: { want: "payout" },
};

type Stepped = Extract<StepResult, { kind: "ok" }>;
type Choose = Extract<ButtonEvent, { type: "choose" }>;

const STALE = direct<"stale">(async () => "stale");

function isStart(at: string): at is keyof typeof FAQ_STARTS {
  return Object.hasOwn(FAQ_STARTS, at);
}

export interface RefundServiceDeps {
  config: Config;
  /** told of every case the conversation submits (the staff queue posts its card) */
  onSubmitted?: (ctx: ChatContext, submitted: Submitted) => Promise<void>;
  /** told when the customer asks for a person during or after the conversation */
  onHandoff?: (ctx: ChatContext, outcome: Extract<Outcome, { kind: "handoff" }>) => Promise<void>;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A machine parameter as the reader writes it: the machine gives a day as
 * YYYY-MM-DD, an amount (`money`) as its decimal and currency code, and a time
 * zone (`zone`) by its IANA name.
 */
function localParam(ctx: ChatContext, key: string, v: string | number): string | number {
  if (key === "money") {
    const [amount, currency] = String(v).split(" ");
    if (amount !== undefined && currency !== undefined) return ctx.money(amount, currency);
  }
  if (key === "zone") return ctx.zone(String(v));
  return typeof v === "string" && ISO_DAY.test(v) ? ctx.day(v) : v;
}

function localParams(ctx: ChatContext, params: Params | undefined): Params | undefined {
  if (params === undefined) return undefined;
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, localParam(ctx, k, v)]));
}

/** Renders one of the machine's replies in the reader's language. */
export function renderReply(ctx: ChatContext, r: Reply): { text: string; buttons: Button[][] } {
  const ns = (key: string) => `conversation:${key}`;
  const parts = [ctx.t(ns(r.key), localParams(ctx, r.params))];
  for (const line of r.lines ?? []) {
    parts.push(
      `${ctx.t(ns(line.labelKey))}: ${ctx.t(ns(line.valueKey), localParams(ctx, line.valueParams))}`,
    );
  }
  const buttons = (r.buttons ?? []).map((row) =>
    row.map((b) => ({
      text: ctx.t(ns(b.labelKey), localParams(ctx, b.labelParams)),
      callback: { kind: "refund" as const, event: JSON.stringify(b.event) },
    })),
  );
  return { text: parts.join("\n"), buttons };
}

/**
 * The refund conversation of a chat, stored as a persisted XState snapshot
 * (the Conversation row) and advanced one event per update: the new snapshot
 * and the replies are written with the update (src/updates/chat-state.ts),
 * together with the case a submission queues; a step that records a refusal
 * or a hand-off does so in the update's transaction, so everything commits
 * together.
 */
export function createRefundService(deps: RefundServiceDeps): RefundConversations {
  const { config } = deps;

  function input(ctx: ChatContext, answers: Answers = {}, since?: string) {
    return {
      lang: ctx.lang,
      timeZone: config.timeZone,
      unrefundableMethods: config.unrefundablePaymentMethods,
      answers,
      ...(since === undefined ? {} : { since }),
    };
  }

  /** Records an outcome; for a submission, returns the params its reply needs (the case number, the deadline). */
  async function outcome(ctx: ChatContext, o: Outcome): Promise<Params> {
    switch (o.kind) {
      case "submitted": {
        // The request's files become the case's before staff are shown it.
        const draftsSince = ctx.conversation?.createdAt ?? null;
        const submitted = await submitCase(ctx.tx, {
          customerId: ctx.user.id,
          chatId: ctx.chatId,
          request: o.request,
          now: ctx.now,
          calendar: { timeZone: config.timeZone, holidays: config.holidays },
          draftsSince,
        });
        const c = submitted.case;
        ctx.caseOpen = { case: c, draftsSince };
        await deps.onSubmitted?.(ctx, submitted);
        return { id: c.id, due: ctx.date(c.dueAt) } satisfies Record<
          (typeof SUBMISSION_PARAMS)[number],
          unknown
        >;
      }
      case "not_eligible":
        // Settled readings 2 and 6: a refusal is recorded with its clauses, not queued.
        await ctx.tx.decision.create({
          data: {
            userId: ctx.user.id,
            chatId: ctx.chatId,
            outcome: "not_eligible",
            clauses: [...o.clauses],
            at: ctx.now,
          },
        });
        return {};
      case "handoff":
        await deps.onHandoff?.(ctx, o);
        return {};
      case "cancelled":
        // A withdrawn request's photos and files are nobody's business any more.
        await dropDrafts(ctx.tx, ctx.chatId);
        return {};
    }
  }

  /**
   * Applies a step's result: replies, outcome, and the conversation as the step leaves it.
   * `pressedQuestion`: the step answers a press on the question itself, whose message the
   * press has already settled with the choice.
   */
  async function apply(ctx: ChatContext, r: Stepped, pressedQuestion: boolean) {
    const was = ctx.conversation === null ? null : placeOf(ctx.conversation.snapshot);
    // The outcome first: the submission's reply names the case it queued.
    const params = r.outcome === null ? {} : await outcome(ctx, r.outcome);
    // The question before this step keeps its text and loses its keyboard: one live question.
    if (!pressedQuestion && r.replies.length > 0) ctx.out.push(settleQuestion(ctx.chatId));
    // Past the evidence question (answered, cancelled, replaced) the files' Done goes too.
    if (was === "evidence" && placeOf(r.persisted) !== "evidence")
      ctx.out.push(settleEvidence(ctx.chatId));
    for (const reply of r.replies) {
      const done = reply.key.startsWith("done.submitted");
      const { text, buttons } = renderReply(
        ctx,
        done ? { ...reply, params: { ...reply.params, ...params } } : reply,
      );
      ctx.out.push({
        kind: "message",
        chatId: ctx.chatId,
        text,
        buttons,
        ...(buttons.length > 0 ? { ref: QUESTION_REF } : {}),
      });
    }
    if (r.outcome?.kind === "not_eligible")
      ctx.say("bot:decision.recorded", { email: config.supportEmail });
    if (r.outcome?.kind === "submitted" || r.outcome?.kind === "handoff")
      sayWhenStaffAreBack(ctx, config);
    if (r.done) end(ctx);
    else save(ctx, r.persisted as unknown as Prisma.JsonObject);
  }

  /** The conversation is over: its row goes with the update's write. */
  function end(ctx: ChatContext): void {
    if (ctx.conversation !== null) ctx.conversationWrite = { kind: "delete" };
    ctx.conversation = null;
  }

  function save(ctx: ChatContext, snapshot: Prisma.JsonObject): void {
    const write = {
      kind: "save" as const,
      userId: ctx.user.id,
      machineId: REFUND_MACHINE_ID,
      machineVersion: REFUND_MACHINE_VERSION,
      snapshot,
    };
    ctx.conversationWrite = write;
    ctx.conversation = {
      chatId: ctx.chatId,
      userId: write.userId,
      machineId: write.machineId,
      machineVersion: write.machineVersion,
      snapshot: write.snapshot,
      version: (ctx.conversation?.version ?? -1) + 1,
      lastActivityAt: ctx.now,
      remindedAt: null,
      createdAt: ctx.conversation?.createdAt ?? ctx.now,
      updatedAt: ctx.now,
    };
  }

  /** The customer is at it (a file sent, taken or not): the idle clock starts again. */
  function touch(ctx: ChatContext): void {
    const snapshot = ctx.conversation?.snapshot;
    if (typeof snapshot === "object" && snapshot !== null && !Array.isArray(snapshot))
      save(ctx, snapshot);
  }

  function begin(
    ctx: ChatContext,
    apologise: boolean,
    answers: Answers = {},
    since?: string,
  ): Stepped {
    const r = startMachine(input(ctx, answers, since), ctx.now.getTime(), { apologise });
    if (r.kind !== "ok") throw new Error(`the refund machine cannot start: ${r.kind}`);
    return r;
  }

  /**
   * The plan of a step the machine took: a recorded refusal, a hand-off and a
   * cancellation (which drops the request's files) write rows of their own,
   * so they need a transaction; a submission draws its case's number in a
   * statement of its own and the chat's write opens the case; any other step
   * changes only the conversation and the replies, written with the chat.
   */
  function applying<T>(r: Stepped, result: T, pressedQuestion = false): Plan<T> {
    const run = async (ctx: ChatContext) => {
      await apply(ctx, r, pressedQuestion);
      return result;
    };
    if (r.outcome === null) return direct(run);
    return r.outcome.kind === "submitted" ? oneStatement(run) : inTransaction(run);
  }

  /** `button`: the event is a press on a question's keyboard (unless stale, the open one's). */
  function advance(ctx: ChatContext, event: RefundEvent, button = false): Plan<"ok" | "stale"> {
    const row = ctx.conversation;
    if (row === null) return STALE;
    const r = stepMachine(
      row.machineVersion <= REFUND_MACHINE_VERSION ? row.snapshot : null,
      event,
    );
    if (r.kind === "incompatible") return applying(begin(ctx, true), "ok");
    if (r.kind === "ended")
      return direct<"stale">(async (ctx) => {
        end(ctx);
        return "stale";
      });
    // A button of an earlier question: answered as any stale button (its keyboard goes),
    // and the machine's note leads to the question now open, sent anew in place of its copy.
    return applying(r, r.stale ? "stale" : "ok", button && !r.stale);
  }

  /**
   * The evidence question's buttons: the answer is how many files are kept,
   * which only the database knows. The count (which also drops an earlier
   * request's leftovers) gives the same when run again. Whether the step then
   * writes rows of its own does not hang on the count (a refusal hangs on
   * the moment of the press: the time limit), so the step tried with no
   * files says whether the answer needs a transaction; most need none.
   */
  function answerEvidence(ctx: ChatContext, event: Choose & { now: number }): Plan<"ok" | "stale"> {
    const needs = advance(ctx, { ...event, v: "0" }).needs;
    const answer = async (ctx: ChatContext) => {
      if (ctx.conversation === null) return "stale" as const;
      const count = await draftCount(ctx.tx, ctx.chatId, ctx.conversation.createdAt);
      const next = advance(ctx, { ...event, v: String(count) });
      if (next.needs === "transaction" && needs !== "transaction")
        throw new Error("the evidence answer's step came to need a transaction with the count");
      return next.run(ctx);
    };
    return needs === "transaction" ? inTransaction(answer) : oneStatement(answer);
  }

  return {
    active(ctx) {
      return ctx.conversation !== null;
    },
    start(ctx, at, want, since) {
      if (at !== undefined && !isStart(at)) return direct(async () => false);
      // The starting point's own answers win: a payout entry starts as a payout.
      const said: Answers = want === undefined ? {} : { want };
      const started = applying(
        begin(ctx, false, at === undefined ? said : { ...said, ...FAQ_STARTS[at] }, since),
        true,
      );
      if (ctx.conversation === null) return started;
      // A request replaced by a new one takes its files with it.
      return inTransaction(async (ctx) => {
        await dropDrafts(ctx.tx, ctx.chatId);
        return started.run(ctx);
      });
    },
    wantsFiles(ctx) {
      return ctx.conversation !== null && placeOf(ctx.conversation.snapshot) === "evidence";
    },
    attach(_ctx, file) {
      if (file === undefined)
        return direct(async (ctx) => {
          touch(ctx);
          sayRefusedFile(ctx, "type", config.evidence);
        });
      return inTransaction(async (ctx) => {
        if (ctx.conversation === null) return;
        touch(ctx);
        const r = await attachToDraft(
          ctx.tx,
          {
            customerId: ctx.user.id,
            chatId: ctx.chatId,
            since: ctx.conversation.createdAt,
            now: ctx.now,
            file,
          },
          config.evidence,
        );
        // One status message a request, kept current in place: an album of ten photos
        // arrives as ten updates and must not become ten messages with ten Done buttons.
        if (r.kind === "refused" && r.why !== "count") {
          sayRefusedFile(ctx, r.why, config.evidence);
          return;
        }
        const press: ButtonEvent = { type: "choose", q: "evidence", v: "done" };
        const text =
          r.kind === "refused"
            ? ctx.t("bot:evidence.full", { count: config.evidence.maxFiles })
            : ctx.t("bot:evidence.received", { n: r.count, max: config.evidence.maxFiles });
        const buttons = [
          [
            {
              text: ctx.t("bot:evidence.done"),
              callback: { kind: "refund", event: JSON.stringify(press) } as const,
            },
          ],
        ];
        ctx.out.push(
          r.kind === "attached" && r.count === 1
            ? { kind: "message", chatId: ctx.chatId, text, buttons, ref: EVIDENCE_REF }
            : { kind: "edit", chatId: ctx.chatId, target: { ref: EVIDENCE_REF }, text, buttons },
        );
      });
    },
    send(ctx, given) {
      const now = ctx.now.getTime();
      if (given.type === "text")
        return advance(ctx, { type: "text", text: given.text, lang: ctx.lang, now });
      let json: unknown;
      try {
        json = JSON.parse(given.json);
      } catch {
        return STALE;
      }
      const parsed = ButtonEventSchema.safeParse(json);
      if (!parsed.success) return STALE;
      const event = { ...parsed.data, now };
      // The question's Skip and the files' message's Done both answer the evidence question:
      // which was pressed is not known, so the answer settles both (one already shows the choice).
      return event.type === "choose" && event.q === "evidence"
        ? answerEvidence(ctx, event)
        : advance(ctx, event, true);
    },
    cancel(ctx) {
      if (ctx.conversation === null) return direct(async () => false);
      const step = advance(ctx, { type: "cancel", now: ctx.now.getTime() });
      return {
        needs: step.needs,
        run: async (ctx) => {
          await step.run(ctx);
          return true;
        },
      };
    },
  };
}
