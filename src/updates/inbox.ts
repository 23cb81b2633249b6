import { Prisma } from "../database/generated/client.ts";
import type { PrismaClient } from "../database/open.ts";
import type { Logger } from "../logging/logger.ts";
import { type Ignored, type Inbound, parseUpdate } from "./parse.ts";

/** The transaction every effect of an update is written in. */
export type Tx = Prisma.TransactionClient;

/** Acts on one update inside the transaction that marks it processed. */
export type UpdateHandler = (tx: Tx, inbound: Inbound) => Promise<void>;

export interface InboxOptions {
  prisma: PrismaClient;
  handle: UpdateHandler;
  /** writes what the customer is told when their update could not be processed */
  onGiveUp?: UpdateHandler;
  logger: Logger;
  /** called after a transaction that may have written outbox messages committed */
  onCommitted?: () => void;
  /** told how each processing attempt ended and how long it took (the metrics) */
  onHandled?: (kind: string, outcome: "ok" | "failed" | "given_up", seconds: number) => void;
  /**
   * Serialise each chat across processes with an advisory lock (PostgreSQL,
   * where several processes may share the database). The embedded database
   * belongs to one process, whose per-chat queue is enough.
   */
  lockAcrossProcesses: boolean;
  /**
   * Webhook mode: how long a chat must be quiet before its stored updates are
   * processed (default SETTLE_MS). Telegram sends one chat's updates in order,
   * but retries and duplicates can arrive as a burst; waiting for the burst to
   * be stored lets it be processed in update_id order, as if it came one by one.
   */
  settleMs?: number;
}

/** What a transport (Telegraf, grammY) hands updates to. */
export type UpdateSink = Pick<Inbox, "accept">;

/** Webhook mode: a chat's burst is processed once the chat has been quiet this long. */
const SETTLE_MS = 100;
/** …but never later than this after its first update. */
const MAX_SETTLE_MS = 1_000;

/** Tries to store an update (polling) before giving it up: about a minute of backoff. */
const STORE_ATTEMPTS = 9;

/** Tries before an update that keeps failing is set aside. */
const MAX_ATTEMPTS = 3;

/**
 * The inbox: every update is stored before it is acted on, then each chat's
 * updates are processed in update_id order, one at a time — in this process
 * by a queue per chat, across processes by a transaction-scoped advisory lock
 * on the chat. Processing an update and writing everything it causes is one
 * transaction, so a crash either loses nothing or leaves the update to be
 * processed again (by `sweep` at the next start).
 */
export class Inbox {
  readonly #o: InboxOptions;
  /** the tail of each chat's in-process queue */
  readonly #chains = new Map<bigint, Promise<void>>();
  /** chats whose queued drain has not started yet: one is enough */
  readonly #pending = new Set<bigint>();
  /** webhook mode: chats waiting for their burst to settle */
  readonly #settling = new Map<bigint, { timer: NodeJS.Timeout; since: number }>();
  /** webhook mode: how many of each chat's updates are being stored right now */
  readonly #storing = new Map<bigint, number>();

  constructor(options: InboxOptions) {
    this.#o = options;
  }

  /** Stores an update; false when it was a second delivery or concerns no chat. */
  async store(
    raw: unknown,
    inbound: Inbound | Ignored = parseUpdate(raw),
  ): Promise<{ chatId: bigint } | undefined> {
    if (inbound.kind === "ignored") {
      this.#o.logger.debug(
        { updateId: inbound.updateId, reason: inbound.reason },
        "update ignored",
      );
      return undefined;
    }
    const { count } = await this.#o.prisma.inboundUpdate.createMany({
      data: [
        {
          updateId: inbound.updateId,
          chatId: inbound.chatId,
          payload: storable(raw) as Prisma.InputJsonValue,
        },
      ],
      skipDuplicates: true,
    });
    if (count === 0) {
      this.#o.logger.info({ updateId: inbound.updateId }, "duplicate update dropped");
      return undefined;
    }
    return { chatId: inbound.chatId };
  }

  /** Stores an update and processes its chat's queue; resolves when done. */
  async receive(raw: unknown): Promise<void> {
    const stored = await this.store(raw);
    if (stored !== undefined) await this.drain(stored.chatId);
  }

  /**
   * What a transport calls for each update. wait: processed before this
   * resolves (polling, in-process tests). Otherwise stored, then processed in
   * the background, so a webhook answers at once and Telegram's retries of a
   * slow request never double anything.
   */
  async accept(raw: unknown, options: { wait: boolean }): Promise<void> {
    if (options.wait) {
      // With polling, an update whose store fails is gone once the next
      // getUpdates confirms it: hold the batch and retry while the database
      // is away (a webhook instead answers 500 and Telegram retries).
      const stored = await this.#storeRetrying(raw);
      if (stored !== undefined) await this.drain(stored.chatId);
      return;
    }
    // A chat's burst is stored in any order; its drain waits until none of
    // its updates is still being stored here, then for the chat to be quiet.
    const inbound = parseUpdate(raw);
    const chatId = inbound.kind === "ignored" ? undefined : inbound.chatId;
    if (chatId !== undefined) this.#storing.set(chatId, (this.#storing.get(chatId) ?? 0) + 1);
    try {
      const stored = await this.store(raw, inbound);
      if (stored !== undefined) this.#settle(stored.chatId);
    } finally {
      if (chatId !== undefined) {
        const left = (this.#storing.get(chatId) ?? 1) - 1;
        if (left > 0) this.#storing.set(chatId, left);
        else this.#storing.delete(chatId);
      }
    }
  }

  /** Drains the chat once no update has come for settleMs (at most MAX_SETTLE_MS after the first). */
  #settle(chatId: bigint): void {
    const now = Date.now();
    const previous = this.#settling.get(chatId);
    if (previous !== undefined) clearTimeout(previous.timer);
    const since = previous?.since ?? now;
    const delay = Math.max(0, Math.min(this.#o.settleMs ?? SETTLE_MS, since + MAX_SETTLE_MS - now));
    const timer = setTimeout(() => {
      if (this.#storing.has(chatId) && Date.now() < since + MAX_SETTLE_MS) {
        this.#settling.delete(chatId);
        this.#settle(chatId);
        return;
      }
      this.#settling.delete(chatId);
      void this.drain(chatId);
    }, delay);
    this.#settling.set(chatId, { timer, since });
  }

  async #storeRetrying(raw: unknown): Promise<{ chatId: bigint } | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store(raw);
      } catch (err) {
        if (attempt >= STORE_ATTEMPTS) throw err;
        this.#o.logger.warn({ err, attempt }, "storing an update failed; retrying");
        await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** attempt)));
      }
    }
  }

  /** Processes every stored update of a chat, in order; serialised per chat. */
  drain(chatId: bigint): Promise<void> {
    const tail = this.#chains.get(chatId);
    if (tail !== undefined && this.#pending.has(chatId)) return tail;
    this.#pending.add(chatId);
    const next = (tail ?? Promise.resolve()).then(async () => {
      this.#pending.delete(chatId);
      while (await this.#processNext(chatId)) {}
    });
    const settled = next.catch((err: unknown) => {
      this.#o.logger.error({ err, chatId }, "processing a chat's updates failed");
    });
    this.#chains.set(chatId, settled);
    void settled.then(() => {
      if (this.#chains.get(chatId) === settled) this.#chains.delete(chatId);
    });
    return settled;
  }

  /** Processes what earlier runs left behind (a crash, a restart). */
  async sweep(): Promise<number> {
    const chats = await this.#o.prisma.inboundUpdate.findMany({
      where: { processedAt: null, chatId: { not: null } },
      distinct: ["chatId"],
      select: { chatId: true },
    });
    await Promise.all(chats.map((c) => (c.chatId === null ? undefined : this.drain(c.chatId))));
    return chats.length;
  }

  /** Waits until every queued chat is drained (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#chains.size > 0 || this.#settling.size > 0) {
      if (this.#chains.size > 0) await Promise.all(this.#chains.values());
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Processes the chat's oldest pending update in its own transaction.
   * Returns whether another one is waiting (read in the same query, which
   * spares a transaction that would find nothing).
   */
  async #processNext(chatId: bigint): Promise<boolean> {
    const { prisma } = this.#o;
    let next: { updateId: bigint; attempts: number } | undefined;
    let kind = "ignored";
    const started = performance.now();
    try {
      const more = await prisma.$transaction(
        async (tx) => {
          if (this.#o.lockAcrossProcesses) await lockChat(tx, chatId);
          const rows = await tx.inboundUpdate.findMany({
            where: { chatId, processedAt: null },
            orderBy: { updateId: "asc" },
            select: { updateId: true, payload: true, attempts: true },
            take: 2,
          });
          const row = rows[0];
          if (row === undefined) return false;
          next = row;
          const inbound = parseUpdate(row.payload);
          kind = inbound.kind;
          if (inbound.kind !== "ignored") await this.#o.handle(tx, inbound);
          await markProcessed(tx, row.updateId, null);
          return rows.length > 1;
        },
        { timeout: 15_000, maxWait: 15_000 },
      );
      if (next !== undefined) {
        this.#o.onCommitted?.();
        this.#o.onHandled?.(kind, "ok", (performance.now() - started) / 1000);
      }
      return more;
    } catch (err) {
      if (next === undefined) throw err;
      const last = next.attempts + 1 >= MAX_ATTEMPTS;
      this.#o.onHandled?.(kind, last ? "given_up" : "failed", (performance.now() - started) / 1000);
      return this.#failed(chatId, next, err);
    }
  }

  /** Counts a failed attempt; after the last, sets the update aside and tells the customer. */
  async #failed(
    chatId: bigint,
    row: { updateId: bigint; attempts: number },
    err: unknown,
  ): Promise<boolean> {
    const { prisma, logger } = this.#o;
    const attempts = row.attempts + 1;
    logger.error({ err, chatId, updateId: row.updateId, attempts }, "processing an update failed");
    const message = err instanceof Error ? err.message.slice(0, 500) : "unknown error";
    if (attempts < MAX_ATTEMPTS) {
      await prisma.inboundUpdate.update({
        where: { updateId: row.updateId },
        data: { attempts, error: message },
      });
      return true;
    }
    await prisma.$transaction(async (tx) => {
      const stored = await tx.inboundUpdate.findUniqueOrThrow({
        where: { updateId: row.updateId },
      });
      const inbound = parseUpdate(stored.payload);
      if (inbound.kind !== "ignored") await this.#o.onGiveUp?.(tx, inbound);
      await markProcessed(tx, row.updateId, message, attempts);
    });
    this.#o.onCommitted?.();
    return true;
  }
}

/**
 * The update as PostgreSQL can keep it: jsonb refuses U+0000 and unpaired
 * surrogates, and one such character would make the update unstorable (the
 * webhook answering 500 to every retry). NUL is dropped and an unpaired
 * surrogate becomes U+FFFD, as any UTF-8 decoder would make it.
 */
export function storable(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replaceAll("\0", "").toWellFormed();
  if (value === null || typeof value !== "object" || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => storable(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      storable(k, depth + 1) as string,
      storable(v, depth + 1),
    ]),
  );
}

/**
 * One chat's updates are processed by one transaction at a time, across
 * processes. The two-int form of the advisory lock keeps chat ids apart from
 * the single-key locks (the migration runner's).
 */
async function lockChat(tx: Tx, chatId: bigint): Promise<void> {
  const hi = Number(BigInt.asIntN(32, chatId >> 32n));
  const lo = Number(BigInt.asIntN(32, chatId));
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${hi}::int4, ${lo}::int4)`;
}

async function markProcessed(
  tx: Tx,
  updateId: bigint,
  error: string | null,
  attempts?: number,
): Promise<void> {
  // The payload may hold what a customer typed: it is not kept once acted on.
  await tx.inboundUpdate.update({
    where: { updateId },
    data: {
      processedAt: new Date(),
      payload: Prisma.DbNull,
      error,
      ...(attempts === undefined ? {} : { attempts }),
    },
  });
}
