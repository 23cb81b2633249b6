import { Prisma } from "../database/generated/client.ts";
import type { PrismaClient, Tx } from "../database/open.ts";
import type { Logger } from "../logging/logger.ts";
import { scrubString } from "../logging/redact.ts";
import { type ChatStore, type Handled, writeChatState } from "./chat-state.ts";
import { type Ignored, type Inbound, parseUpdate } from "./parse.ts";
import { ChatChanged } from "./signals.ts";
import { ChatWriteBatch } from "./write-batch.ts";

/**
 * Processes one update and marks it processed, all in one write at its end.
 * Given a store outside a transaction, the handler opens one itself
 * (`store.transaction`) once its read of the chat says the update needs it;
 * any handler throws ChatChanged when its read went stale before its write.
 */
export type UpdateHandler = (store: ChatStore, inbound: Inbound) => Promise<Handled>;

/** Writes what the customer is told when their update could not be processed, and sets it aside. */
export type GiveUpHandler = (
  store: ChatStore,
  inbound: Inbound,
  failure: { error: string; attempts: number },
) => Promise<void>;

export interface InboxOptions {
  prisma: PrismaClient;
  handle: UpdateHandler;
  onGiveUp: GiveUpHandler;
  logger: Logger;
  /** called after a transaction that may have written outbox messages committed */
  onCommitted?: () => void;
  /**
   * Updates recorded as processed and ignored at the door, before any read of
   * their chat (a customer still flooding after being told to slow down).
   */
  ignoreAtDoor?: (inbound: Inbound) => boolean;
  /** told how each processing attempt ended and how long it took (the metrics) */
  onHandled?: (kind: string, outcome: "ok" | "failed" | "given_up", seconds: number) => void;
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

/** Backoff between tries to store a polled update, and between retries of a chat whose drain failed. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;

/** The periodic sweep leaves alone updates younger than this: their own process is settling them. */
export const SWEEP_AGE_MS = 5_000;

/** Tries before an update that keeps failing is set aside. */
const MAX_ATTEMPTS = 3;

/** Runs of one update that found its chat changed before it is processed inside a transaction. */
const MAX_RACES = 5;

/**
 * The inbox: each chat's updates are processed in update_id order, one at a
 * time in this process (a queue per chat), and each update's effects are
 * written at once with its processed mark, conditional on the chat's gate
 * being as it was read (src/updates/chat-state.ts), so two processes never both act
 * on one read and a second delivery finds the mark. An update that arrives
 * while its chat has nothing waiting is processed straight away (polling,
 * where Telegram keeps the update until the batch is done, so a crash loses
 * nothing); otherwise, and always for a webhook, it is stored first and
 * processed from the store, where `sweep` finds it after a crash.
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
  /** chats whose drain failed (the database away): their next try and how many failed in a row */
  readonly #retrying = new Map<bigint, { timer: NodeJS.Timeout; failures: number }>();
  /** after stop(): failed chats are left to the next start's sweep */
  #stopped = false;

  /** outside transactions: writes batched across the chats processed at once */
  readonly #direct: ChatStore;

  constructor(options: InboxOptions) {
    this.#o = options;
    const batch = new ChatWriteBatch(options.prisma);
    this.#direct = {
      db: options.prisma,
      inTransaction: false,
      write: (w) => batch.write(w),
      transaction: (run) =>
        options.prisma.$transaction((tx) => run(inTransactionStore(tx)), TRANSACTION),
    };
  }

  /** Drops the pending retries of failed chats (shutdown; the sweep finds them at the next start). */
  stop(): void {
    this.#stopped = true;
    for (const { timer } of this.#retrying.values()) clearTimeout(timer);
    this.#retrying.clear();
  }

  /**
   * Stores an update, with the error of the attempt that failed first if one
   * did; undefined when it was a second delivery or concerns no chat.
   */
  async store(
    raw: unknown,
    inbound: Inbound | Ignored = parseUpdate(raw),
    failed?: string,
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
          ...(failed === undefined ? {} : { attempts: 1, error: failed }),
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

  /** One statement: the update is kept (a second delivery is dropped) as processed, without its payload. */
  async #recordIgnored(inbound: Inbound): Promise<void> {
    await this.#o.prisma.inboundUpdate.createMany({
      data: [
        {
          updateId: inbound.updateId,
          chatId: inbound.chatId,
          processedAt: new Date(),
          error: "ignored: flood control",
        },
      ],
      skipDuplicates: true,
    });
    this.#o.onHandled?.(inbound.kind, "ok", 0);
  }

  /** Processes an update and resolves when it is done (tests, benchmarks). */
  receive(raw: unknown): Promise<void> {
    return this.accept(raw, { wait: true });
  }

  /**
   * What a transport calls for each update. wait: processed before this
   * resolves (polling, in-process tests). Otherwise stored, then processed in
   * the background, so a webhook answers at once and Telegram's retries of a
   * slow request never double anything.
   */
  async accept(update: unknown, options: { wait: boolean }): Promise<void> {
    // Processed straight away or from the store, an update must read the same:
    // what PostgreSQL cannot keep is mended before either.
    const raw = storable(update);
    const parsed = parseUpdate(raw);
    if (parsed.kind !== "ignored" && this.#o.ignoreAtDoor?.(parsed) === true) {
      // An update to be ignored is worth no retry: a failed record only logs.
      await this.#recordIgnored(parsed).catch((err: unknown) =>
        this.#o.logger.warn(
          { err, updateId: parsed.updateId },
          "recording an ignored update failed",
        ),
      );
      return;
    }
    if (options.wait) {
      const inbound = parsed;
      if (inbound.kind === "ignored") {
        await this.store(raw, inbound);
        return;
      }
      await this.#inOrder(inbound.chatId, () => this.#arrived(raw, inbound));
      return;
    }
    // A chat's burst is stored in any order; its drain waits until none of
    // its updates is still being stored here, then for the chat to be quiet.
    const inbound = parsed;
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

  /**
   * An update that came in person: processed at once unless its chat has
   * stored updates waiting or processing it failed; then stored and processed
   * from the store after them, where failures are counted.
   */
  async #arrived(raw: unknown, inbound: Inbound): Promise<void> {
    const started = performance.now();
    let handled: Handled;
    let failed: string | undefined;
    try {
      handled = await this.#process(inbound);
    } catch (err) {
      failed = errorText(err);
      this.#o.logger.warn(
        { err, updateId: inbound.updateId },
        "processing an update failed; storing it to retry",
      );
      this.#o.onHandled?.(inbound.kind, "failed", (performance.now() - started) / 1000);
      handled = "behind";
    }
    this.#ended(inbound, handled, started);
    if (handled !== "behind") return;
    // With polling, an update whose store fails is gone once the next
    // getUpdates confirms it: hold the batch and retry while the database
    // is away (a webhook instead answers 500 and Telegram retries).
    if ((await this.#storeRetrying(raw, inbound, failed)) !== undefined)
      while (await this.#processNext(inbound.chatId)) {}
  }

  /**
   * Processes an update outside a transaction (the handler opens one when its
   * decision needs it); again when the chat changed under it, from the third
   * run on wholly inside a transaction.
   */
  async #process(inbound: Inbound): Promise<Handled> {
    const { prisma, handle } = this.#o;
    for (let race = 1; ; race++) {
      try {
        return race >= 3
          ? await prisma.$transaction((tx) => handle(inTransactionStore(tx), inbound), TRANSACTION)
          : await handle(this.#direct, inbound);
      } catch (err) {
        if (!(err instanceof ChatChanged) || race >= MAX_RACES) throw err;
      }
    }
  }

  #ended(inbound: Inbound, handled: Handled, started: number): void {
    if (handled === "duplicate")
      this.#o.logger.info({ updateId: inbound.updateId }, "duplicate update dropped");
    if (handled === "sent") this.#o.onCommitted?.();
    if (handled === "done" || handled === "sent")
      this.#o.onHandled?.(inbound.kind, "ok", (performance.now() - started) / 1000);
  }

  /**
   * Stores a polled update that could not be processed, for as long as the
   * database refuses: giving up would let the next getUpdates confirm it.
   */
  async #storeRetrying(
    raw: unknown,
    inbound: Inbound,
    failed: string | undefined,
  ): Promise<{ chatId: bigint } | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store(raw, inbound, failed);
      } catch (err) {
        this.#o.logger.warn({ err, attempt }, "storing an update failed; retrying");
        await new Promise((r) => setTimeout(r, retryDelay(attempt)));
      }
    }
  }

  /**
   * Processes every stored update of a chat, in order; serialised per chat.
   * When the database fails mid-way the chat is tried again with backoff, so
   * nothing stored waits for the customer's next message.
   */
  drain(chatId: bigint): Promise<void> {
    const tail = this.#chains.get(chatId);
    if (tail !== undefined && this.#pending.has(chatId)) return tail;
    this.#pending.add(chatId);
    return this.#inOrder(chatId, async () => {
      this.#pending.delete(chatId);
      try {
        while (await this.#processNext(chatId)) {}
      } catch (err) {
        this.#retryLater(chatId, err);
        return;
      }
      const retry = this.#retrying.get(chatId);
      if (retry !== undefined) {
        clearTimeout(retry.timer);
        this.#retrying.delete(chatId);
      }
    });
  }

  #retryLater(chatId: bigint, err: unknown): void {
    if (this.#stopped) return;
    const previous = this.#retrying.get(chatId);
    if (previous !== undefined) clearTimeout(previous.timer);
    const failures = (previous?.failures ?? 0) + 1;
    const delay = retryDelay(failures);
    this.#o.logger.warn({ err, chatId, retryInMs: delay }, "draining a chat failed; will retry");
    const timer = setTimeout(() => void this.drain(chatId), delay);
    timer.unref();
    this.#retrying.set(chatId, { timer, failures });
  }

  /** Runs `work` after everything queued for the chat before it. */
  #inOrder(chatId: bigint, work: () => Promise<void>): Promise<void> {
    const next = (this.#chains.get(chatId) ?? Promise.resolve()).then(work);
    const settled = next.catch((err: unknown) => {
      this.#o.logger.error({ err, chatId }, "processing a chat's updates failed");
    });
    this.#chains.set(chatId, settled);
    void settled.then(() => {
      if (this.#chains.get(chatId) === settled) this.#chains.delete(chatId);
    });
    return settled;
  }

  /**
   * Processes what nobody is processing: what a crash or a restart left (at
   * start, `olderThanMs` 0), and periodically what a failed drain in this or
   * another process left. Safe beside other processes: the chat's gate lets
   * one of two drains of a chat act on an update.
   */
  async sweep(olderThanMs = 0): Promise<number> {
    const chats = await this.#o.prisma.inboundUpdate.findMany({
      where: {
        processedAt: null,
        chatId: { not: null },
        ...(olderThanMs > 0 ? { receivedAt: { lt: new Date(Date.now() - olderThanMs) } } : {}),
      },
      distinct: ["chatId"],
      select: { chatId: true },
    });
    const idle = chats.filter(
      (c) => c.chatId !== null && !this.#chains.has(c.chatId) && !this.#settling.has(c.chatId),
    );
    await Promise.all(idle.map((c) => (c.chatId === null ? undefined : this.drain(c.chatId))));
    return idle.length;
  }

  /** Waits until every queued chat is drained (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#chains.size > 0 || this.#settling.size > 0) {
      if (this.#chains.size > 0) await Promise.all(this.#chains.values());
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Processes the chat's oldest stored update. Returns whether another one
   * may be waiting (read in the same query, which spares a query that would
   * find nothing).
   */
  async #processNext(chatId: bigint): Promise<boolean> {
    const rows = await this.#o.prisma.inboundUpdate.findMany({
      where: { chatId, processedAt: null },
      orderBy: { updateId: "asc" },
      select: { updateId: true, payload: true, attempts: true },
      take: 2,
    });
    const row = rows[0];
    if (row === undefined) return false;
    const inbound = parseUpdate(row.payload);
    if (inbound.kind === "ignored") {
      await this.#o.prisma.inboundUpdate.update({
        where: { updateId: row.updateId },
        data: { processedAt: new Date(), payload: Prisma.DbNull, error: inbound.reason },
      });
      return rows.length > 1;
    }
    const started = performance.now();
    try {
      const handled = await this.#process(inbound);
      this.#ended(inbound, handled, started);
      // "behind": an earlier update was stored meanwhile; the next round takes it.
      return rows.length > 1 || handled === "behind";
    } catch (err) {
      const last = row.attempts + 1 >= MAX_ATTEMPTS;
      this.#o.onHandled?.(
        inbound.kind,
        last ? "given_up" : "failed",
        (performance.now() - started) / 1000,
      );
      await this.#failed(inbound, row, err);
      return true;
    }
  }

  /** Counts a failed attempt; after the last, sets the update aside and tells the customer. */
  async #failed(inbound: Inbound, row: { updateId: bigint; attempts: number }, err: unknown) {
    const { prisma, logger } = this.#o;
    const attempts = row.attempts + 1;
    logger.error(
      { err, chatId: inbound.chatId, updateId: row.updateId, attempts },
      "processing an update failed",
    );
    const error = errorText(err);
    if (attempts < MAX_ATTEMPTS) {
      await prisma.inboundUpdate.update({
        where: { updateId: row.updateId },
        data: { attempts, error },
      });
      return;
    }
    try {
      await prisma.$transaction(
        (tx) => this.#o.onGiveUp(inTransactionStore(tx), inbound, { error, attempts }),
        TRANSACTION,
      );
      this.#o.onCommitted?.();
    } catch (giveUpErr) {
      logger.error({ err: giveUpErr, updateId: row.updateId }, "telling the customer failed");
    }
    // Set aside even if the apology could not be written: the chat must go on.
    await prisma.inboundUpdate.updateMany({
      where: { updateId: row.updateId, processedAt: null },
      data: { processedAt: new Date(), payload: Prisma.DbNull, error, attempts },
    });
  }
}

const TRANSACTION = { timeout: 15_000, maxWait: 15_000 };

function retryDelay(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempt - 1));
}

/** What is kept of a failure on the inbox row: scrubbed like a log line, since it may quote input. */
function errorText(err: unknown): string {
  return err instanceof Error
    ? scrubString(`${err.name}: ${err.message}`).slice(0, 500)
    : "unknown error";
}

function inTransactionStore(tx: Tx): ChatStore {
  const store: ChatStore = {
    db: tx,
    inTransaction: true,
    write: (w) => writeChatState(tx, w),
    transaction: (run) => run(store),
  };
  return store;
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
