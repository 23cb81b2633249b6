import type { Logger } from "../logging/logger.ts";
import type { PrismaClient } from "./open.ts";

/**
 * Keeps the two tables that grow with traffic bounded:
 * - processed inbox rows are needed only to drop a late second delivery, and
 *   Telegram keeps an update for at most 24 hours: they go after KEEP_UPDATES;
 * - sent or failed outbox rows are kept a month for support questions, but for
 *   where a staff chat was shown someone, kept without its words;
 * and drops what nobody will use: a customer's photos and files sent during a
 * request that never became a case, an hour on, once no conversation of their
 * chat began before them (a request in progress keeps its files).
 * Deletes run in small batches so no pass holds a long transaction.
 */
export const KEEP_UPDATES_MS = 48 * 3_600_000;
export const KEEP_MESSAGES_MS = 30 * 86_400_000;
export const KEEP_DRAFT_FILES_MS = 3_600_000;
const BATCH = 5_000;

export class Retention {
  readonly #prisma: PrismaClient;
  readonly #logger: Logger;

  constructor(prisma: PrismaClient, logger: Logger) {
    this.#prisma = prisma;
    this.#logger = logger;
  }

  async tick(now: Date): Promise<{ updates: number; messages: number; files: number }> {
    const updatesBefore = new Date(now.getTime() - KEEP_UPDATES_MS);
    const messagesBefore = new Date(now.getTime() - KEEP_MESSAGES_MS);
    let updates = 0;
    let messages = 0;
    for (;;) {
      const n = await this.#prisma.$executeRaw`
        DELETE FROM "InboundUpdate" WHERE "updateId" IN (
          SELECT "updateId" FROM "InboundUpdate"
           WHERE "processedAt" IS NOT NULL AND "processedAt" < ${updatesBefore} LIMIT ${BATCH})`;
      updates += n;
      if (n < BATCH) break;
    }
    // A staff chat's message about someone stays known, without its words, for as long as
    // their data is kept: erasing it (at their request, or a closed request's by
    // CLOSED_CASE_DATA_DAYS) edits that message in the chat, which only this row locates.
    for (;;) {
      const n = await this.#prisma.$executeRaw`
        UPDATE "OutboxMessage" SET "payload" = '{"erased":true}'::jsonb WHERE "id" IN (
          SELECT "id" FROM "OutboxMessage"
           WHERE "aboutUserId" IS NOT NULL AND "status" = 'sent' AND "messageId" IS NOT NULL
             AND "createdAt" < ${messagesBefore} AND "payload" <> '{"erased":true}'::jsonb
           LIMIT ${BATCH})`;
      if (n < BATCH) break;
    }
    for (;;) {
      const n = await this.#prisma.$executeRaw`
        DELETE FROM "OutboxMessage" WHERE "id" IN (
          SELECT "id" FROM "OutboxMessage"
           WHERE "status" IN ('sent', 'failed') AND "createdAt" < ${messagesBefore}
             AND NOT ("aboutUserId" IS NOT NULL AND "status" = 'sent' AND "messageId" IS NOT NULL)
           LIMIT ${BATCH})`;
      messages += n;
      if (n < BATCH) break;
    }
    const filesBefore = new Date(now.getTime() - KEEP_DRAFT_FILES_MS);
    const files = await this.#prisma.$executeRaw`
      DELETE FROM "Attachment" a
       WHERE a."caseId" IS NULL AND a."createdAt" < ${filesBefore}
         AND NOT EXISTS (SELECT 1 FROM "Conversation" c
                          WHERE c."chatId" = a."chatId" AND c."createdAt" <= a."createdAt")`;
    if (updates + messages + files > 0)
      this.#logger.info({ updates, messages, files }, "old rows removed");
    return { updates, messages, files };
  }
}
