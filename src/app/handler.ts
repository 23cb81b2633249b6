import { decodeCallback } from "../callbacks/data.ts";
import { type ChatContext, createChatContext, direct, type Plan } from "../chat/context.ts";
import { createCustomerChat, type RefundConversations } from "../chat/customer.ts";
import type { Config } from "../config/load.ts";
import type { User } from "../database/generated/client.ts";
import type { Faq } from "../faq/index.ts";
import type { I18n } from "../i18n/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { Outgoing } from "../outbox/write.ts";
import { type ChatInbound, planFor } from "../routes/index.ts";
import type { Features } from "../routes/route.ts";
import type { StaffDesk } from "../staff/desk.ts";
import {
  BACKLOG_CAP,
  type ChatState,
  type ChatStore,
  type Failure,
  type Handled,
  processInChat,
  type UserWrite,
} from "../updates/chat-state.ts";
import type { FloodGate, FloodVerdict } from "../updates/flood.ts";
import type { GiveUpHandler, UpdateHandler } from "../updates/inbox.ts";
import type { Inbound } from "../updates/parse.ts";

export interface HandlerDeps {
  config: Config;
  i18n: I18n;
  faq: Faq;
  refunds: RefundConversations;
  logger: Logger;
  /** the staff side: commands, buttons, the staff group, hand-off */
  staff: StaffDesk;
  /** limits how fast one customer's updates are handled */
  flood: FloodGate;
  /** A staff member's language is being set (by an update not committed yet): their command menu follows. */
  onStaffLanguage?: (userId: bigint, language: string) => void;
}

/**
 * Routes one update: who wrote (the user row, created on first contact with
 * the language of their Telegram app when supported), which chat, and which
 * route acts on it (src/routes/). The chat's state is read at the start and
 * everything the update changes is written with one statement at the end
 * (src/updates/chat-state.ts); in between, the route's plan says whether it
 * needs a transaction, and only then is one opened.
 */
export function createUpdateHandlers(deps: HandlerDeps): {
  handle: UpdateHandler;
  giveUp: GiveUpHandler;
} {
  const { config, i18n, logger } = deps;
  const features: Features = {
    customer: createCustomerChat(deps),
    refunds: deps.refunds,
    staff: deps.staff,
    faq: deps.faq,
  };

  /** The writer as this update leaves them, and the write that takes them there, if any. */
  function writerOf(
    stored: User | null,
    inbound: Inbound,
    now: Date,
  ): { user: User; write?: UserWrite } {
    const f = inbound.from;
    const admin = config.adminIds.includes(f.id);
    const blockedAt = inbound.kind === "blocked" && inbound.blocked ? now : null;
    const write: UserWrite = {
      id: f.id,
      language: stored?.language ?? i18n.pickLanguage(f.languageCode, config.defaultLanguage),
      firstName: f.firstName ?? null,
      username: f.username ?? null,
      blockedAt,
      admin,
    };
    const role = admin ? "admin" : (stored?.role ?? "customer");
    // Someone on staff before they wrote (/staff add, ADMIN_IDS) has no language until now: their app's.
    const languageLearned = (stored?.language ?? null) === null;
    if (languageLearned && role !== "customer" && write.language !== null)
      deps.onStaffLanguage?.(f.id, write.language);
    const user: User = {
      createdAt: now,
      ...stored,
      id: f.id,
      language: write.language,
      firstName: write.firstName,
      username: write.username,
      blockedAt,
      role,
      updatedAt: now,
    };
    const unchanged =
      stored !== null &&
      stored.language !== null &&
      stored.firstName === user.firstName &&
      stored.username === user.username &&
      (stored.blockedAt === null) === (blockedAt === null) &&
      stored.role === role;
    return unchanged ? { user: stored } : { user, write };
  }

  function contextFor(inbound: Inbound, state: ChatState, user: User, now: Date) {
    return createChatContext(i18n, {
      chatId: inbound.chatId,
      user,
      conversation: state.conversation,
      lang: i18n.pickLanguage(user.language ?? undefined, config.defaultLanguage),
      now,
      timeZone: config.timeZone,
      pressed: inbound.kind === "callback",
    });
  }

  /**
   * Processes an update in its chat: `decide` plans from the chat as read,
   * and the plan runs in a transaction only when it says it needs one;
   * "ignore" changes nothing but the mark.
   */
  function process(
    store: ChatStore,
    inbound: Inbound,
    decide:
      | ((ctx: ChatContext, inbound: ChatInbound, state: ChatState) => Promise<Plan>)
      | "ignore",
    failure?: Failure,
  ): Promise<Handled> {
    const key = {
      lane: inbound.lane,
      chatId: inbound.chatId,
      userId: inbound.from.id,
      updateId: inbound.updateId,
    };
    return processInChat(
      store,
      key,
      async (state, now) => {
        if (decide === "ignore") return { out: unanswerable(inbound) };
        const { user, write } = writerOf(state.user, inbound, now);
        const effects = write === undefined ? {} : { user: write };
        // A blocked bot changes only the user's row.
        if (inbound.kind === "blocked") return { ...effects, out: [] };
        const ctx = contextFor(inbound, state, user, now);
        const plan = await decide(ctx, inbound, state);
        const done = () => ({
          ...effects,
          ...(ctx.conversationWrite === undefined ? {} : { conversation: ctx.conversationWrite }),
          ...(ctx.caseMove === undefined ? {} : { caseMove: ctx.caseMove }),
          ...(ctx.caseOpen === undefined ? {} : { caseOpen: ctx.caseOpen }),
          ...(ctx.promptTaken === undefined ? {} : { promptTaken: ctx.promptTaken }),
          out: ctx.out,
        });
        // A statement of its own may refer to the writer's row: a new writer's comes first, in a transaction.
        const alone =
          plan.needs === "direct" || (plan.needs === "statement" && state.user !== null);
        if (alone && !store.inTransaction) {
          if (plan.needs === "statement") ctx.enter(store.db);
          await plan.run(ctx);
          return done();
        }
        return {
          inTransaction: async (tx) => {
            ctx.enter(tx);
            // What the transaction adds may refer to a new user (a hand-off): they come first.
            if (state.user === null && write !== undefined)
              await tx.user.upsert({ where: { id: user.id }, create: newUser(user), update: {} });
            await plan.run(ctx);
            return done();
          },
        };
      },
      failure,
    );
  }

  /**
   * A press nothing acts on (a button in a group the bot does not work in) is
   * answered all the same, or it spins: in the presser's language, without a
   * row for a stranger.
   */
  function unanswerable(inbound: Inbound): Outgoing[] {
    if (inbound.kind !== "callback") return [];
    const lang = i18n.pickLanguage(inbound.from.languageCode, config.defaultLanguage);
    return [
      {
        kind: "answer",
        chatId: inbound.chatId,
        callbackQueryId: inbound.callbackQueryId,
        text: i18n.t(lang, "bot:errors.staleButton"),
        alert: true,
      },
    ];
  }

  /** Staff are exempt; a customer past the limit, or near it with a full queue, is ignored. */
  function floodVerdict(ctx: ChatContext, inbound: Inbound, state: ChatState): FloodVerdict {
    if (ctx.user.role !== "customer") return "ok";
    const verdict = deps.flood.check(ctx.user.id, inbound.updateId);
    if (verdict !== "ok" || !deps.flood.busy(ctx.user.id)) return verdict;
    // The backlog came with the chat's read: no statement of its own.
    return state.backlog >= BACKLOG_CAP ? "ignore" : "ok";
  }

  return {
    async handle(store, inbound) {
      // The staff group is the one group the bot works in; every other group is ignored.
      const staffGroup =
        inbound.chatType !== "private" &&
        config.staffChatId !== undefined &&
        inbound.chatId === config.staffChatId;
      if (inbound.chatType !== "private" && !staffGroup) {
        logger.debug(
          { chatId: inbound.chatId, chatType: inbound.chatType },
          "non-private chat ignored",
        );
        return process(store, inbound, "ignore");
      }
      const place = staffGroup ? "staff_group" : "private";
      return process(store, inbound, async (ctx, inbound, state) => {
        const flood = floodVerdict(ctx, inbound, state);
        if (flood !== "ok") {
          logger[flood === "warn" ? "info" : "debug"](
            { userId: ctx.user.id },
            "update ignored: flood control",
          );
          // An ignored press is still answered (bare), so that its button stops spinning.
          return direct(async (ctx) => {
            if (inbound.kind === "callback") {
              ctx.out.push({
                kind: "answer",
                chatId: ctx.chatId,
                callbackQueryId: inbound.callbackQueryId,
              });
            }
            if (flood === "warn") ctx.say("bot:errors.slowDown");
          });
        }
        const callback = inbound.kind === "callback" ? decodeCallback(inbound.data) : undefined;
        if (inbound.kind === "callback" && callback === undefined) {
          logger.info(
            { chatId: inbound.chatId, userId: ctx.user.id },
            "stale or forged callback data",
          );
        }
        return planFor(features, ctx, inbound, callback, place, state);
      });
    },

    giveUp(store, inbound, failure) {
      return process(
        store,
        inbound,
        async (_ctx, inbound) =>
          direct(async (ctx) => {
            const group = inbound.chatType !== "private";
            // A press is answered wherever it was made; a group gains no message.
            if (inbound.kind === "callback") {
              ctx.out.push({
                kind: "answer",
                chatId: ctx.chatId,
                callbackQueryId: inbound.callbackQueryId,
                ...(group ? { text: ctx.t("bot:errors.internal"), alert: true as const } : {}),
              });
            }
            if (!group) ctx.say("bot:errors.internal");
          }),
        failure,
      );
    },
  };
}

function newUser(u: User) {
  return {
    id: u.id,
    language: u.language,
    role: u.role,
    firstName: u.firstName,
    username: u.username,
    blockedAt: u.blockedAt,
  };
}
