import { placeOf } from "../../machines/refund/step.ts";
import type { PrismaClient } from "../database/open.ts";
import type { I18n } from "../i18n/index.ts";
import { createSpeaker } from "../i18n/speaker.ts";
import type { Logger } from "../logging/logger.ts";
import { enqueue } from "../outbox/write.ts";
import { bumpGate } from "../updates/chat-state.ts";
import { settleEvidence, settleQuestion } from "./question.ts";

/**
 * Unfinished refund conversations expire after CONVERSATION_IDLE_MINUTES of
 * silence, with one reminder halfway. Both are found in the database, so a
 * restart changes nothing; each is a conditional write on the row as read, so
 * several processes running this at once remind and expire each chat once,
 * and a chat that moved on in between is left alone. Each also bumps the
 * chat's gate (src/updates/chat-state.ts), so an update that read the conversation
 * before it is processed again rather than writing over it.
 */
export interface IdleConversationsOptions {
  prisma: PrismaClient;
  i18n: I18n;
  defaultLanguage: string;
  timeZone: string;
  idleMinutes: number;
  logger: Logger;
  /** called when messages were written to the outbox */
  onCommitted?: () => void;
}

const BATCH = 100;

export class IdleConversations {
  readonly #o: IdleConversationsOptions;

  constructor(options: IdleConversationsOptions) {
    this.#o = options;
  }

  /** One pass at `now`: reminds and expires what is due. */
  async tick(now: Date): Promise<{ reminded: number; expired: number }> {
    const { prisma, idleMinutes } = this.#o;
    const idleMs = idleMinutes * 60_000;
    const expiredBefore = new Date(now.getTime() - idleMs);
    const remindBefore = new Date(now.getTime() - idleMs / 2);
    const include = { user: { select: { language: true } } } as const;

    let expired = 0;
    const stale = await prisma.conversation.findMany({
      where: { lastActivityAt: { lt: expiredBefore } },
      include,
      take: BATCH,
    });
    for (const c of stale) {
      expired += await prisma.$transaction(async (tx) => {
        // What the customer sent is stored and not processed yet (the database was away):
        // it may be the answer the request waits for, and it resets the clock once processed.
        if ((await tx.inboundUpdate.count({ where: { lane: c.chatId, processedAt: null } })) > 0)
          return 0;
        await bumpGate(tx, c.chatId);
        const { count } = await tx.conversation.deleteMany({
          where: { chatId: c.chatId, version: c.version },
        });
        if (count === 1) {
          // The request's photos and files go with it: they were its.
          await tx.attachment.deleteMany({ where: { chatId: c.chatId, caseId: null } });
          await enqueue(tx, [
            settleQuestion(c.chatId),
            ...(placeOf(c.snapshot) === "evidence" ? [settleEvidence(c.chatId)] : []),
            this.#message(c.chatId, c.user.language, "bot:conversation.expired"),
          ]);
        }
        return count;
      });
    }

    let reminded = 0;
    const quiet = await prisma.conversation.findMany({
      where: { lastActivityAt: { lt: remindBefore, gte: expiredBefore }, remindedAt: null },
      include,
      take: BATCH,
    });
    for (const c of quiet) {
      reminded += await prisma.$transaction(async (tx) => {
        await bumpGate(tx, c.chatId);
        const { count } = await tx.conversation.updateMany({
          where: { chatId: c.chatId, version: c.version, remindedAt: null },
          data: { remindedAt: now },
        });
        if (count === 1)
          await enqueue(tx, [
            this.#message(c.chatId, c.user.language, "bot:conversation.reminder"),
          ]);
        return count;
      });
    }
    if (reminded + expired > 0) {
      this.#o.logger.info({ reminded, expired }, "idle conversations");
      this.#o.onCommitted?.();
    }
    return { reminded, expired };
  }

  #message(chatId: bigint, language: string | null, key: string) {
    const { i18n, defaultLanguage, timeZone } = this.#o;
    const s = createSpeaker(
      i18n,
      i18n.pickLanguage(language ?? undefined, defaultLanguage),
      timeZone,
    );
    return { kind: "message" as const, chatId, text: s.t(key) };
  }
}
