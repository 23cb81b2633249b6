import { decodeCallback } from "../callbacks/data.ts";
import { createChatContext } from "../chat/context.ts";
import { createCustomerChat, type RefundConversations } from "../chat/customer.ts";
import type { Config } from "../config/load.ts";
import type { Faq } from "../faq/index.ts";
import type { I18n } from "../i18n/index.ts";
import type { Logger } from "../logging/logger.ts";
import { enqueue } from "../outbox/write.ts";
import type { StaffDesk } from "../staff/desk.ts";
import type { Tx, UpdateHandler } from "../updates/inbox.ts";
import type { Inbound } from "../updates/parse.ts";

export interface HandlerDeps {
  config: Config;
  i18n: I18n;
  faq: Faq;
  refunds: RefundConversations;
  logger: Logger;
  /** the staff side: commands, buttons, the staff group, hand-off */
  staff?: StaffDesk;
}

/**
 * Routes one update: who wrote (the user row, created on first contact with
 * the language of their Telegram app when supported), which chat, and which
 * handler acts on it. Everything happens in the update's transaction.
 */
export function createUpdateHandlers(deps: HandlerDeps): {
  handle: UpdateHandler;
  giveUp: UpdateHandler;
} {
  const { config, i18n, logger } = deps;
  const customer = createCustomerChat({
    ...deps,
    ...(deps.staff === undefined ? {} : { hooks: deps.staff.customerHooks }),
  });

  async function userOf(tx: Tx, inbound: Inbound) {
    const f = inbound.from;
    const admin = config.adminIds.includes(f.id);
    return tx.user.upsert({
      where: { id: f.id },
      create: {
        id: f.id,
        firstName: f.firstName ?? null,
        username: f.username ?? null,
        language: i18n.pickLanguage(f.languageCode, config.defaultLanguage),
        role: admin ? "admin" : "customer",
        blockedAt: inbound.kind === "blocked" && inbound.blocked ? new Date() : null,
      },
      update: {
        firstName: f.firstName ?? null,
        username: f.username ?? null,
        blockedAt: inbound.kind === "blocked" && inbound.blocked ? new Date() : null,
        ...(admin ? { role: "admin" as const } : {}),
      },
    });
  }

  function contextFor(tx: Tx, inbound: Inbound, user: Awaited<ReturnType<typeof userOf>>) {
    return createChatContext(i18n, {
      tx,
      chatId: inbound.chatId,
      user,
      lang: i18n.pickLanguage(user.language ?? undefined, config.defaultLanguage),
      now: new Date(),
      timeZone: config.timeZone,
    });
  }

  return {
    async handle(tx, inbound) {
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
        return;
      }
      const user = await userOf(tx, inbound);
      if (inbound.kind === "blocked") return;
      const ctx = contextFor(tx, inbound, user);
      const callback = inbound.kind === "callback" ? decodeCallback(inbound.data) : undefined;
      if (inbound.kind === "callback" && callback === undefined) {
        logger.info({ chatId: inbound.chatId, userId: user.id }, "stale or forged callback data");
      }
      const place = staffGroup ? "staff_group" : "private";
      const handled = (await deps.staff?.handle(ctx, inbound, callback, place)) ?? false;
      if (!handled && !staffGroup) await customer.handle(ctx, inbound, callback);
      await enqueue(tx, ctx.out);
    },

    async giveUp(tx, inbound) {
      if (inbound.chatType !== "private" || inbound.kind === "blocked") return;
      const user = await userOf(tx, inbound);
      const ctx = contextFor(tx, inbound, user);
      if (inbound.kind === "callback") {
        ctx.out.push({
          kind: "answer",
          chatId: ctx.chatId,
          callbackQueryId: inbound.callbackQueryId,
        });
      }
      ctx.say("bot:errors.internal");
      await enqueue(tx, ctx.out);
    },
  };
}
