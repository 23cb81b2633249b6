import type { PrismaClient } from "../database/open.ts";
import type { Logger } from "../logging/logger.ts";
import { type BotApi, BotApiError } from "../transport/bot-api.ts";
import { Pace } from "./pace.ts";

/**
 * Delivers the outbox: messages written in the same transaction as the change
 * that caused them. Each chat's messages leave in order, one at a time; a
 * message is leased while it is being sent, so several processes can run
 * senders side by side; a failure is retried with backoff (a 429 after its
 * retry_after) until Telegram accepts it or the error is final.
 *
 * At-least-once: a process killed after Telegram accepted a message but before
 * it was marked sent resends it when its lease expires (LEASE_SECONDS).
 */

const LEASE_SECONDS = 30;
const MAX_ATTEMPTS = 10;
const BATCH = 50;

interface Claimed {
  id: bigint;
  chatId: bigint;
  method: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface OutboxSenderOptions {
  prisma: PrismaClient;
  api: BotApi;
  logger: Logger;
  pace?: Pace;
  /** how often to look for due messages when nobody kicks the sender */
  pollMs?: number;
  /** told when a chat turns out unreachable (the user blocked the bot) */
  onChatUnreachable?: (chatId: bigint) => Promise<void>;
  /** told of every call Telegram accepted, and of every failed one with its code (the metrics) */
  onSent?: (method: string) => void;
  onSendFailed?: (method: string, code: number) => void;
}

function backoffSeconds(attempts: number): number {
  return Math.min(300, 2 ** attempts);
}

export class OutboxSender {
  readonly #o: OutboxSenderOptions;
  readonly #pace: Pace;
  #running = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #again = false;

  constructor(options: OutboxSenderOptions) {
    this.#o = options;
    this.#pace = options.pace ?? new Pace();
  }

  /** Claims due messages (the oldest pending one of each chat) and sends them. */
  async sendDue(): Promise<number> {
    const claimed = await this.#o.prisma.$queryRaw<Claimed[]>`
      UPDATE "OutboxMessage"
         SET "leaseUntil" = now() + make_interval(secs => ${LEASE_SECONDS}), "attempts" = "attempts" + 1
       WHERE "id" IN (
         SELECT o."id" FROM "OutboxMessage" o
          WHERE o."status" = 'pending' AND o."notBefore" <= now()
            AND (o."leaseUntil" IS NULL OR o."leaseUntil" < now())
            AND NOT EXISTS (
              SELECT 1 FROM "OutboxMessage" p
               WHERE p."chatId" = o."chatId" AND p."status" = 'pending' AND p."id" < o."id")
          ORDER BY o."id"
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED)
      RETURNING "id", "chatId", "method", "payload", "attempts"`;
    // RETURNING keeps no order: start the oldest first, as the queue promises.
    claimed.sort((a, b) => (a.id < b.id ? -1 : 1));
    await Promise.all(claimed.map((m) => this.#deliver(m)));
    return claimed.length;
  }

  async #deliver(m: Claimed): Promise<void> {
    const { prisma, api } = this.#o;
    const wait = this.#pace.delayFor(m.chatId);
    if (wait > 0) {
      await prisma.$executeRaw`
        UPDATE "OutboxMessage" SET "leaseUntil" = NULL, "attempts" = "attempts" - 1,
               "notBefore" = now() + make_interval(secs => ${wait / 1000})
         WHERE "id" = ${m.id}`;
      return;
    }
    try {
      await api.call(m.method, m.payload);
      this.#o.onSent?.(m.method);
      await prisma.$executeRaw`
        UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = now(), "leaseUntil" = NULL
         WHERE "id" = ${m.id}`;
    } catch (e) {
      await this.#failed(m, e);
    }
  }

  async #failed(m: Claimed, e: unknown): Promise<void> {
    const { prisma, logger } = this.#o;
    const err =
      e instanceof BotApiError ? e : new BotApiError(0, e instanceof Error ? e.message : String(e));
    const log = {
      outboxId: m.id,
      chatId: m.chatId,
      method: m.method,
      code: err.code,
      attempts: m.attempts,
    };
    this.#o.onSendFailed?.(m.method, err.code);
    if (err.retryAfter !== undefined) {
      logger.warn({ ...log, retryAfter: err.retryAfter }, "rate limited by Telegram");
      await prisma.$executeRaw`
        UPDATE "OutboxMessage" SET "leaseUntil" = NULL, "attempts" = "attempts" - 1,
               "notBefore" = now() + make_interval(secs => ${err.retryAfter}), "lastError" = ${err.description}
         WHERE "id" = ${m.id}`;
      return;
    }
    if (err.chatUnreachable) {
      logger.info(log, "chat unreachable; dropping its pending messages");
      await prisma.$executeRaw`
        UPDATE "OutboxMessage" SET "status" = 'failed', "leaseUntil" = NULL, "lastError" = ${err.description}
         WHERE "chatId" = ${m.chatId} AND "status" = 'pending'`;
      await this.#o.onChatUnreachable?.(m.chatId);
      return;
    }
    if (err.permanent || m.attempts >= MAX_ATTEMPTS) {
      logger.error(log, "message not deliverable; giving up");
      await prisma.$executeRaw`
        UPDATE "OutboxMessage" SET "status" = 'failed', "leaseUntil" = NULL, "lastError" = ${err.description}
         WHERE "id" = ${m.id}`;
      return;
    }
    logger.warn(log, "send failed; will retry");
    await prisma.$executeRaw`
      UPDATE "OutboxMessage" SET "leaseUntil" = NULL, "lastError" = ${err.description},
             "notBefore" = now() + make_interval(secs => ${backoffSeconds(m.attempts)})
       WHERE "id" = ${m.id}`;
  }

  /** Asks the running loop to look for messages now (after a commit wrote some). */
  kick(): void {
    this.#again = true;
    this.#wake?.();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const pollMs = this.#o.pollMs ?? 500;
    this.#loop = (async () => {
      while (this.#running) {
        this.#again = false;
        let sent = 0;
        try {
          sent = await this.sendDue();
        } catch (err) {
          this.#o.logger.error({ err }, "outbox pass failed");
        }
        if (!this.#running) break;
        if (sent > 0 || this.#again) continue;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, pollMs);
          this.#wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.#wake = undefined;
      }
    })();
  }

  /** Stops taking new messages and waits for the ones being sent. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }
}
