import type { DriverQuery } from "../database/driver.ts";
import { Prisma } from "../database/generated/client.ts";
import { viaDriver } from "../database/hot-query.ts";
import { type PrismaClient, type Tx, unanswered } from "../database/open.ts";
import type { Logger } from "../logging/logger.ts";
import { scrubString } from "../logging/redact.ts";
import type { Admission } from "./admission.ts";
import { type ChatStore, type Handled, readChatState, writeChatState } from "./chat-state.ts";
import { Lanes } from "./lanes.ts";
import { type Ignored, type Inbound, parseUpdate } from "./parse.ts";
import { ChatReadBatch } from "./read-batch.ts";
import { UpdateSequence } from "./sequence.ts";
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
) => Promise<Handled>;

export interface InboxOptions {
  prisma: PrismaClient;
  /** when given, the chat's read and write outside transactions go through the driver, not Prisma's client */
  driver?: DriverQuery;
  /** the database runs on this thread (PGlite): reads and writes wait a turn to be grouped */
  inThread?: boolean;
  handle: UpdateHandler;
  onGiveUp: GiveUpHandler;
  logger: Logger;
  /**
   * Called after a transaction that may have written outbox messages committed;
   * `answer`: one may be a button's answer, which must leave at once.
   */
  onCommitted?: (answer: boolean) => void;
  /**
   * Updates recorded as processed and ignored at the door, before any read of
   * their chat (a customer still flooding after being told to slow down).
   */
  ignoreAtDoor?: (inbound: Inbound) => boolean;
  /** told how each processing attempt ended and how long it took (the metrics) */
  onHandled?: (kind: string, outcome: "ok" | "failed" | "given_up", seconds: number) => void;
  /**
   * Told of each update run again because its chat changed between its read
   * and its write (another process, or a reminder, wrote first), and of each
   * that came in person and was stored to wait for its lane's earlier stored
   * updates: the metrics, where many of either mean processes contend.
   */
  onContended?: (kind: string, how: Contention) => void;
  /**
   * Webhook mode: how long an update that leaves a gap in Telegram's
   * numbering waits for the ones before it (default ORDER_WAIT_MS; 0: never).
   */
  orderWaitMs?: number;
  /** the bot's username (getMe): a group's commands for other bots are ignored */
  botUsername?: string;
  /** bounds the updates processed at once; the urgent ones (the staff group's, the configured admins') go first */
  admission?: { gate: Admission; urgent: (inbound: Inbound) => boolean };
}

/**
 * How an update came. Polling: Telegram keeps it until the next getUpdates
 * confirms the batch, so an update that cannot be processed is stored, however
 * long the database takes to accept it. Webhook: Telegram keeps it until it is
 * answered 200, so one that can be neither processed nor stored fails the
 * request and Telegram sends it again.
 */
export type Delivery = "polling" | "webhook";

/** rerun: its chat changed under it; deferred: stored behind its lane's earlier updates. */
export type Contention = "rerun" | "deferred";

/** What a transport (Telegraf, grammY, the webhook intake) hands updates to. */
export type UpdateSink = Pick<Inbox, "accept">;

/** Backoff between tries to store a polled update, and between retries of a lane whose drain failed. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;

/** The periodic sweep leaves alone updates younger than this: their own process is on them. */
export const SWEEP_AGE_MS = 5_000;

/** Tries before an update that keeps failing is set aside. */
const MAX_ATTEMPTS = 3;

/** Runs of one update that found its chat changed before it is processed inside a transaction. */
const MAX_RACES = 5;

/** Webhook mode: an update after a gap waits this long for the updates before it. */
const ORDER_WAIT_MS = 100;

/** A stored lane's drain is queued ahead of any update that arrives in person. */
const DRAIN_FIRST = -1n;

/**
 * The inbox: each lane's updates (a private chat's, or one member's in a
 * group) are processed in update_id order, one at a time in this process,
 * and each update's effects are written at once with its processed mark,
 * conditional on the lane's gate being as it was read (src/updates/chat-state.ts),
 * so two processes never both act on one read and a second delivery finds the
 * mark. An update is processed as it arrives, polled or by webhook, and
 * answered once that write is committed; it is stored and processed from the
 * store only when its lane has stored updates waiting or processing it failed,
 * and `sweep` finds what a crash left there.
 */
export class Inbox {
  readonly #o: InboxOptions;
  readonly #lanes = new Lanes();
  /** webhook mode: Telegram's numbering, to put updates that arrive out of order back in order */
  readonly #sequence: UpdateSequence;
  /** lanes whose queued drain has not started yet: one is enough */
  readonly #draining = new Map<bigint, Promise<void>>();
  /** lanes whose drain failed (the database away): their next try and how many failed in a row */
  readonly #retrying = new Map<bigint, { timer: NodeJS.Timeout; failures: number }>();
  /** after stop(): failed lanes are left to the next start's sweep */
  #stopped = false;

  /** outside transactions: writes batched across the lanes processed at once */
  readonly #direct: ChatStore;

  constructor(options: InboxOptions) {
    this.#o = options;
    this.#sequence = new UpdateSequence(options.orderWaitMs ?? ORDER_WAIT_MS);
    const hot = options.driver === undefined ? undefined : viaDriver(options.driver);
    const inThread = options.inThread === true;
    const reads = new ChatReadBatch(options.prisma, hot, inThread);
    const writes = new ChatWriteBatch(options.prisma, hot, inThread);
    this.#direct = {
      db: options.prisma,
      inTransaction: false,
      read: (key) => reads.read(key),
      write: (w) => writes.write(w),
      transaction: (run) =>
        options.prisma.$transaction((tx) => run(inTransactionStore(tx)), TRANSACTION),
    };
  }

  /**
   * At start: picks up where the last run left off (the last update_id
   * recorded, so the next webhook update waits for no gap) and processes what
   * it left stored.
   */
  async start(): Promise<void> {
    const last = await this.#o.prisma.inboundUpdate.aggregate({ _max: { updateId: true } });
    if (last._max.updateId !== null) this.#sequence.resumeAfter(last._max.updateId);
    await this.sweep();
  }

  /** Drops the pending retries of failed lanes (shutdown; the sweep finds them at the next start). */
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
    inbound: Inbound | Ignored = parseUpdate(raw, this.#o.botUsername),
    failed?: string,
  ): Promise<{ lane: bigint } | undefined> {
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
          lane: inbound.lane,
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
    return { lane: inbound.lane };
  }

  /** One statement: the update is kept (a second delivery is dropped) as processed, without its payload. */
  async #recordIgnored(inbound: Inbound): Promise<void> {
    await this.#o.prisma.inboundUpdate.createMany({
      data: [
        {
          updateId: inbound.updateId,
          lane: inbound.lane,
          processedAt: new Date(),
          error: "ignored: flood control",
        },
      ],
      skipDuplicates: true,
    });
    this.#o.onHandled?.(inbound.kind, "ok", 0);
  }

  /** Processes an update as polling would and resolves when it is done (tests, benchmarks). */
  receive(raw: unknown): Promise<void> {
    return this.accept(raw, "polling");
  }

  /**
   * What a transport calls for each update; resolves once the update is
   * processed or stored (Telegram may then forget it), and rejects only when a
   * webhook's update could be neither.
   */
  async accept(update: unknown, delivery: Delivery): Promise<void> {
    // Processed straight away or from the store, an update must read the same:
    // what PostgreSQL cannot keep is mended before either.
    const raw = storable(update);
    const inbound = parseUpdate(raw, this.#o.botUsername);
    // An update that takes no turn still closes its gap in Telegram's numbering:
    // else every update after it would wait for it (WEBHOOK_ORDER_WAIT_MS).
    const ignored = inbound.kind === "ignored" || this.#o.ignoreAtDoor?.(inbound) === true;
    if (ignored && delivery === "webhook" && inbound.updateId !== undefined)
      this.#sequence.seen(inbound.updateId);
    if (inbound.kind === "ignored") {
      await this.store(raw, inbound);
      return;
    }
    if (ignored) {
      // An update to be ignored is worth no retry: a failed record only logs.
      await this.#recordIgnored(inbound).catch((err: unknown) =>
        this.#o.logger.warn(
          { err, updateId: inbound.updateId },
          "recording an ignored update failed",
        ),
      );
      return;
    }
    // A polled batch comes in order; a webhook's updates may not.
    const ready = delivery === "webhook" ? this.#sequence.arrive(inbound.updateId) : undefined;
    await this.#lanes.run(
      inbound.lane,
      inbound.updateId,
      () => this.#arrived(raw, inbound, delivery),
      ready,
    );
  }

  /**
   * An update that came in person: processed at once unless its lane has
   * stored updates waiting or processing it failed; then stored and processed
   * from the store after them, where failures are counted.
   */
  async #arrived(raw: unknown, inbound: Inbound, delivery: Delivery): Promise<void> {
    const started = performance.now();
    let handled: Handled;
    let failed: string | undefined;
    let threw = false;
    try {
      handled = await this.#process(inbound);
    } catch (err) {
      threw = true;
      // A database that did not answer in time is no fault of the update: no attempt counted.
      failed = unanswered(err) ? undefined : errorText(err);
      this.#o.logger.warn(
        { err, updateId: inbound.updateId },
        "processing an update failed; storing it to retry",
      );
      this.#o.onHandled?.(inbound.kind, "failed", (performance.now() - started) / 1000);
      handled = "behind";
    }
    this.#ended(inbound, handled, started);
    if (handled !== "behind") return;
    // Stored, the update is safe and a webhook's request can be answered. With
    // polling, an update whose store fails is gone once the next getUpdates
    // confirms it: the batch is held and the store retried while the database is away.
    const stored =
      delivery === "webhook"
        ? await this.store(raw, inbound, failed)
        : await this.#storeRetrying(raw, inbound, failed);
    if (stored === undefined) return;
    // Counted once stored: a store that failed (the webhook's delivery comes
    // again) or found the update already stored deferred nothing.
    if (!threw) this.#o.onContended?.(inbound.kind, "deferred");
    // The lane's drain takes it in its turn, after this one; a webhook's
    // request is answered meanwhile.
    if (delivery === "webhook") void this.drain(inbound.lane);
    else await this.#drainHere(inbound.lane);
  }

  /**
   * Processes an update once the admission gives it a place, which it gives
   * back as its write joins the group commit: waiting there costs the others
   * nothing, and the more writes wait, the fewer statements carry them. A
   * rerun (its chat changed under it, rare) does not wait for a place again.
   */
  #process(inbound: Inbound): Promise<Handled> {
    const admission = this.#o.admission;
    if (admission === undefined) return this.#processNow(inbound, this.#direct);
    return admission.gate.run(admission.urgent(inbound), (leave) =>
      this.#processNow(inbound, {
        ...this.#direct,
        write: (w) => {
          leave();
          return this.#direct.write(w);
        },
      }),
    );
  }

  /**
   * Processes an update outside a transaction (the handler opens one when its
   * decision needs it); again when the chat changed under it, from the third
   * run on wholly inside a transaction.
   */
  async #processNow(inbound: Inbound, direct: ChatStore): Promise<Handled> {
    const { prisma, handle } = this.#o;
    for (let race = 1; ; race++) {
      try {
        return race >= 3
          ? await prisma.$transaction((tx) => handle(inTransactionStore(tx), inbound), TRANSACTION)
          : await handle(direct, inbound);
      } catch (err) {
        if (!(err instanceof ChatChanged) || race >= MAX_RACES) throw err;
        this.#o.onContended?.(inbound.kind, "rerun");
      }
    }
  }

  /** Tells the sender of a commit that queued messages, and whether a button's answer waits among them. */
  #committed(handled: Handled): void {
    if (handled === "sent" || handled === "answered") this.#o.onCommitted?.(handled === "answered");
  }

  #ended(inbound: Inbound, handled: Handled, started: number): void {
    if (handled === "duplicate")
      this.#o.logger.info({ updateId: inbound.updateId }, "duplicate update dropped");
    this.#committed(handled);
    if (handled === "done" || handled === "sent" || handled === "answered")
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
  ): Promise<{ lane: bigint } | undefined> {
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
   * Processes every stored update of a lane, in order, in the lane's turn.
   * When the database fails mid-way the lane is tried again with backoff, so
   * nothing stored waits for the customer's next message.
   */
  drain(lane: bigint): Promise<void> {
    const queued = this.#draining.get(lane);
    if (queued !== undefined) return queued;
    const drained = this.#lanes.run(lane, DRAIN_FIRST, () => {
      this.#draining.delete(lane);
      return this.#drainHere(lane);
    });
    this.#draining.set(lane, drained);
    return drained;
  }

  /** The drain itself, inside the lane's turn. */
  async #drainHere(lane: bigint): Promise<void> {
    try {
      while (await this.#processNext(lane)) {}
    } catch (err) {
      this.#retryLater(lane, err);
      return;
    }
    const retry = this.#retrying.get(lane);
    if (retry !== undefined) {
      clearTimeout(retry.timer);
      this.#retrying.delete(lane);
    }
  }

  #retryLater(lane: bigint, err: unknown): void {
    if (this.#stopped) return;
    const previous = this.#retrying.get(lane);
    if (previous !== undefined) clearTimeout(previous.timer);
    const failures = (previous?.failures ?? 0) + 1;
    const delay = retryDelay(failures);
    this.#o.logger.warn({ err, lane, retryInMs: delay }, "draining a lane failed; will retry");
    const timer = setTimeout(() => void this.drain(lane), delay);
    timer.unref();
    this.#retrying.set(lane, { timer, failures });
  }

  /**
   * Processes what nobody is processing: what a crash or a restart left (at
   * start, `olderThanMs` 0), and periodically what a failed drain in this or
   * another process left. Safe beside other processes: the lane's gate lets
   * one of two drains of a lane act on an update.
   */
  async sweep(olderThanMs = 0): Promise<number> {
    const lanes = await this.#o.prisma.inboundUpdate.findMany({
      where: {
        processedAt: null,
        lane: { not: null },
        ...(olderThanMs > 0 ? { receivedAt: { lt: new Date(Date.now() - olderThanMs) } } : {}),
      },
      distinct: ["lane"],
      select: { lane: true },
    });
    const idle = lanes.flatMap((l) => (l.lane === null || this.#lanes.has(l.lane) ? [] : [l.lane]));
    await Promise.all(idle.map((lane) => this.drain(lane)));
    return idle.length;
  }

  /** Waits until every lane is drained (tests, shutdown). */
  idle(): Promise<void> {
    return this.#lanes.idle();
  }

  /**
   * Processes the lane's oldest stored update. Returns whether another one
   * may be waiting (read in the same query, which spares a query that would
   * find nothing).
   */
  async #processNext(lane: bigint): Promise<boolean> {
    const rows = await this.#o.prisma.inboundUpdate.findMany({
      where: { lane, processedAt: null },
      orderBy: { updateId: "asc" },
      select: { updateId: true, payload: true, attempts: true },
      take: 2,
    });
    const row = rows[0];
    if (row === undefined) return false;
    const inbound = parseUpdate(row.payload, this.#o.botUsername);
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
      // A database that did not answer in time is an outage, not this update's fault: the
      // lane is tried again later, and the update keeps its attempts.
      if (unanswered(err)) throw err;
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
      { err, lane: inbound.lane, updateId: row.updateId, attempts },
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
    // Run again while the chat changes under it (a reminder, another process), as an update is.
    for (let race = 1; ; race++) {
      try {
        this.#committed(
          await prisma.$transaction(
            (tx) => this.#o.onGiveUp(inTransactionStore(tx), inbound, { error, attempts }),
            TRANSACTION,
          ),
        );
        break;
      } catch (giveUpErr) {
        if (giveUpErr instanceof ChatChanged && race < MAX_RACES) continue;
        logger.error({ err: giveUpErr, updateId: row.updateId }, "telling the customer failed");
        break;
      }
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
    read: (key) => readChatState(tx, key),
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
  if (typeof value === "string")
    return value.includes("\0") || !value.isWellFormed()
      ? value.replaceAll("\0", "").toWellFormed()
      : value;
  if (value === null || typeof value !== "object" || depth > 32) return value;
  // What needs no mending is returned as it is, not copied: nearly every update.
  if (Array.isArray(value)) {
    const items = value.map((v) => storable(v, depth + 1));
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  const entries = Object.entries(value);
  const mended = entries.map(([k, v]) => [storable(k, depth + 1), storable(v, depth + 1)]);
  return mended.some(([k, v], i) => k !== entries[i]?.[0] || v !== entries[i]?.[1])
    ? Object.fromEntries(mended)
    : value;
}
