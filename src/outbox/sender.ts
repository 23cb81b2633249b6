import type { DriverQuery } from "../database/driver.ts";
import { type HotQuery, viaDriver, viaPrisma } from "../database/hot-query.ts";
import type { PrismaClient } from "../database/open.ts";
import type { Logger } from "../logging/logger.ts";
import { type BotApi, BotApiError } from "../transport/bot-api.ts";
import { ANSWER, type Claimed, OutboxClaim, type SentMark } from "./claim.ts";
import { Pace } from "./pace.ts";

/**
 * Delivers the outbox: messages written in the same transaction as the change
 * that caused them. Each chat's messages leave in order, one at a time; a
 * message is leased while it is being sent, so several processes can run
 * senders side by side; a failure is retried with backoff (a 429 after its
 * retry_after) until Telegram accepts it or the error is final.
 *
 * Every call has a time limit, and the running loop never waits for one chat's
 * call before claiming other chats' messages, so a slow or silent Telegram
 * holds up only the chat it is slow for. Button answers take a lane of their
 * own: they are claimed ahead of messages, wait for no message of their chat,
 * and are not paced (Telegram drops an answer that comes too late). The pace
 * is asked before claiming: a chat whose allowance is spent is not claimed
 * until it has one again, and while the bot's whole allowance is nearly
 * spent, messages are claimed only once several may leave.
 *
 * At-least-once: a process killed after Telegram accepted a message but before
 * it was marked sent resends it when its lease expires; the lease outlasts a
 * call's time limit several times over, so a slow call is never sent twice.
 */

const MIN_LEASE_SECONDS = 30;
const MAX_ATTEMPTS = 10;
/**
 * A message being retried is given up once this old. Telegram away (no answer,
 * 5xx, 401) counts no tries, so it keeps trying through an outage longer than
 * ten tries' backoff (13 minutes): every chat's next message must not be
 * dropped, leaving gaps in the chats.
 */
const UNDELIVERED_GIVE_UP_HOURS = 24;
/**
 * Stopping, a sent mark the database refuses is retried this long before it is
 * given up (and the message sent again by whoever claims it after its lease): a
 * database restarting with the program must not turn a blip into a resend.
 */
const STOPPING_MARK_GRACE_MS = 10_000;
/** an answer is worth retrying only briefly: the button's spinner stops on its own */
const MAX_ANSWER_ATTEMPTS = 3;
/** messages in flight at once in this process (and, apart, as many button answers) */
const BATCH = 50;
/** chats one claim looks at, at most: bounds a pass when many chats' heads cannot leave yet */
export const VISIT = 500;
const DEFAULT_CALL_TIMEOUT_MS = 5_000;
/**
 * The running loop claims at most once per tick: the wake-ups that come
 * meanwhile (each commit that queued messages, each delivery that ended) are
 * served by one statement, which also writes the sent marks. An idle sender
 * woken once claims at once.
 */
const TICK_MS = 20;
/**
 * While the bot sends at its allowance, a claim each tick would lease the one
 * message the allowance has regained, or none, at a whole statement's cost
 * (with two processes, twice over). The running loop then waits until this
 * many may leave (or the whole burst, if smaller): a claim carries several,
 * and a message waits at most that much of the allowance longer (a sixth of a
 * second at Telegram's thirty a second). A button's answer, which is not
 * paced, waits for nothing.
 */
const WORTH_A_CLAIM = 5;

interface PendingMark extends SentMark {
  written(): void;
  failed(err: unknown): void;
}

export interface OutboxSenderOptions {
  prisma: PrismaClient;
  /** when given, the claim goes through it rather than Prisma's client (src/database/driver.ts) */
  driver?: DriverQuery;
  api: BotApi;
  logger: Logger;
  pace?: Pace;
  /** how often to look for due messages when nobody kicks the sender */
  pollMs?: number;
  /** how long one call may take before it counts as failed (and is retried) */
  callTimeoutMs?: number;
  /** told when a chat turns out unreachable (the user blocked the bot) */
  onChatUnreachable?: (chatId: bigint) => Promise<void>;
  /** told of every call Telegram accepted, and of every failed one with its code (the metrics) */
  onSent?: (method: string) => void;
  onSendFailed?: (method: string, code: number) => void;
}

/** Calls that change a message the bot sent before. */
const CHANGES = new Set([
  "editMessageText",
  "editMessageCaption",
  "editMessageReplyMarkup",
  "deleteMessage",
]);
/** Telegram's 400 for a change that is already as wanted. */
const NOT_MODIFIED = /message is not modified/i;
/** Telegram's 400s for a message that is gone or can no longer be changed (too old, deleted). */
const GONE =
  /message to (edit|delete) not found|message can't be (edited|deleted)|message_id_invalid/i;

function messageIdOf(result: unknown): bigint | null {
  const id = (result as { message_id?: unknown } | null)?.message_id;
  return typeof id === "number" ? BigInt(id) : null;
}

/** An edit's text and keyboard as a message of their own. */
function asNewMessage(edit: Record<string, unknown>): Record<string, unknown> {
  const { chat_id, text, reply_markup } = edit;
  return { chat_id, text, reply_markup };
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
  /** a commit since the last claim queued a button's answer */
  #answerWaiting = false;
  readonly #round = new OutboxClaim();
  readonly #claimVia: HotQuery;
  /** deliveries under way in the running loop */
  readonly #inFlight = new Set<Promise<void>>();
  /** of them, button answers: they have a budget of their own (BATCH) */
  #answersInFlight = 0;
  /**
   * Messages Telegram took whose sent mark is not written yet (the database
   * away): never delivered again by this process, even once their lease ends.
   */
  readonly #unmarked = new Set<bigint>();
  /**
   * Sent marks (with the Telegram message each row now stands for) waiting
   * for a statement: the running loop's next claim writes them, else (no loop,
   * or stopping) a statement of their own; and that statement, while out.
   */
  #marks: PendingMark[] = [];
  #marking: Promise<void> | undefined;
  /** when the running loop's last claim started (performance.now()) */
  #lastClaim = -Infinity;
  readonly #callTimeoutMs: number;
  readonly #leaseSeconds: number;

  constructor(options: OutboxSenderOptions) {
    this.#o = options;
    this.#claimVia =
      options.driver === undefined ? viaPrisma(options.prisma) : viaDriver(options.driver);
    this.#pace = options.pace ?? new Pace();
    this.#callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.#leaseSeconds = Math.max(MIN_LEASE_SECONDS, Math.ceil((3 * this.#callTimeoutMs) / 1000));
  }

  /** Claims due messages and sends them, waiting for every call (tests; the loop does not wait). */
  async sendDue(): Promise<number> {
    const claimed = await this.#claim({ answers: BATCH, messages: BATCH });
    await Promise.all(claimed.map((m) => this.#deliver(m)));
    return claimed.length;
  }

  /**
   * Leases up to `limit.answers` due button answers and the heads of up to
   * `limit.messages` chats the pace allows now (at most what it allows in
   * all), continuing the round over the chats where the last claim stopped.
   */
  async #claim(
    limit: { answers: number; messages: number },
    sent: readonly PendingMark[] = [],
  ): Promise<Claimed[]> {
    const claimed = await this.#round.claim(this.#claimVia, {
      leaseSeconds: this.#leaseSeconds,
      answers: Math.max(0, limit.answers),
      messages: Math.max(0, Math.min(limit.messages, this.#pace.room())),
      waiting: this.#pace.waiting(),
      visit: VISIT,
      sent,
    });
    for (const m of claimed) if (m.method !== ANSWER) this.#pace.take(m.chatId);
    return claimed;
  }

  /** The call, failed with a code-0 error (retried) once it outlasts the time limit. */
  async #call(method: string, payload: Record<string, unknown>): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BotApiError(0, `no answer within ${this.#callTimeoutMs} ms`)),
        this.#callTimeoutMs,
      );
    });
    try {
      return await Promise.race([this.#o.api.call(method, payload), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #deliver(m: Claimed): Promise<void> {
    let messageId: bigint | null;
    try {
      messageId = await this.#send(m);
    } catch (e) {
      await this.#failed(m, e);
      return;
    }
    this.#o.onSent?.(m.method);
    await this.#markSent(m, messageId);
  }

  /**
   * Sends the row's call and resolves to the Telegram message the row now
   * stands for. A change to a named message first finds it (the rows before it
   * in its chat have left by now). A change that is already as wanted has
   * succeeded; a text whose message can no longer be edited, or never reached
   * the chat, is sent anew; a keyboard or message that is gone needs nothing.
   */
  async #send(m: Claimed): Promise<bigint | null> {
    if (!CHANGES.has(m.method)) return messageIdOf(await this.#call(m.method, m.payload));
    const target = await this.#target(m);
    const anew = () =>
      m.method === "editMessageText"
        ? this.#call("sendMessage", asNewMessage(m.payload)).then(messageIdOf)
        : Promise.resolve(null);
    if (target === null) return anew();
    try {
      await this.#call(m.method, { ...m.payload, message_id: Number(target) });
      return m.method === "deleteMessage" ? null : target;
    } catch (e) {
      if (!(e instanceof BotApiError) || e.code !== 400) throw e;
      if (NOT_MODIFIED.test(e.description)) return target;
      if (GONE.test(e.description)) return anew();
      throw e;
    }
  }

  /** The Telegram message a change acts on: given, or its name's latest row before it in the chat. */
  async #target(m: Claimed): Promise<bigint | null> {
    const given = m.payload.message_id;
    if (typeof given === "number") return BigInt(given);
    if (m.ref === null) return null;
    const rows = await this.#o.prisma.$queryRaw<{ messageId: bigint }[]>`
      SELECT "messageId" FROM "OutboxMessage"
       WHERE "ref" = ${m.ref} AND "chatId" = ${m.chatId} AND "id" < ${m.id} AND "messageId" IS NOT NULL
       ORDER BY "id" DESC LIMIT 1`;
    return rows[0]?.messageId ?? null;
  }

  /**
   * Records that Telegram took the message. The running loop writes the marks
   * with its next claim (one statement a tick for every mark and claim);
   * without it they go in a statement of their own, and the marks that come
   * while one is out go together in the next. A database that is away
   * meanwhile must not turn a mark into a resend: it is retried until it is
   * written, while the lease keeps other senders off (only a process that
   * dies first leaves the message to be sent again).
   */
  async #markSent(m: Claimed, messageId: bigint | null): Promise<void> {
    this.#unmarked.add(m.id);
    await new Promise<void>((written, failed) => {
      this.#marks.push({ id: m.id, messageId, written, failed });
      // The running loop carries it with its next claim, which may also take the
      // chat's next message: the mark asks for one (once it is worth a statement).
      if (this.#running) this.kick();
      else this.#flushMarks();
    });
  }

  /** Writes the waiting marks in statements of their own (no running loop to carry them). */
  #flushMarks(): void {
    this.#marking ??= (async () => {
      while (this.#marks.length > 0) await this.#writeMarks(this.#marks.splice(0));
    })().finally(() => {
      this.#marking = undefined;
      // A mark that came between the last look and now found the writer still there.
      if (this.#marks.length > 0) this.#flushMarks();
    });
  }

  async #writeMarks(marks: PendingMark[]): Promise<void> {
    const since = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#o.prisma.$executeRaw`
          UPDATE "OutboxMessage" o SET "status" = 'sent', "sentAt" = now(), "leaseUntil" = NULL,
                 "messageId" = m."messageId"
            FROM unnest(${`{${marks.map((x) => x.id).join(",")}}`}::bigint[],
                        ${`{${marks.map((x) => x.messageId ?? "NULL").join(",")}}`}::bigint[])
                 AS m("id", "messageId")
           WHERE o."id" = m."id"`;
        this.#marked(marks);
        return;
      } catch (err) {
        if (!this.#running && performance.now() - since > STOPPING_MARK_GRACE_MS) {
          this.#o.logger.error(
            { err, outboxIds: marks.map((x) => x.id) },
            "marking messages sent failed while stopping; they will be sent again",
          );
          for (const x of marks) x.failed(err);
          return;
        }
        this.#o.logger.warn(
          { err, outboxIds: marks.map((x) => x.id), attempt },
          "marking messages sent failed; retrying",
        );
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }

  #marked(marks: readonly PendingMark[]): void {
    for (const x of marks) {
      this.#unmarked.delete(x.id);
      x.written();
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
    // Telegram away is not the message's fault: its tries are not counted, only its age.
    const outage = err.transient && m.method !== ANSWER;
    const maxAttempts = m.method === ANSWER ? MAX_ANSWER_ATTEMPTS : MAX_ATTEMPTS;
    if (err.permanent || (!outage && m.attempts >= maxAttempts)) {
      logger.error(log, "message not deliverable; giving up");
      await prisma.$executeRaw`
        UPDATE "OutboxMessage" SET "status" = 'failed', "leaseUntil" = NULL, "lastError" = ${err.description}
         WHERE "id" = ${m.id}`;
      return;
    }
    const [row] = await prisma.$queryRaw<{ status: string }[]>`
      UPDATE "OutboxMessage" SET "leaseUntil" = NULL, "lastError" = ${err.description},
             "notBefore" = now() + make_interval(secs => ${backoffSeconds(m.attempts)}),
             "status" = CASE WHEN "createdAt" < now() - make_interval(hours => ${UNDELIVERED_GIVE_UP_HOURS})
                             THEN 'failed'::"OutboxStatus" ELSE "status" END
       WHERE "id" = ${m.id}
       RETURNING "status"::text AS "status"`;
    if (row?.status === "failed") logger.error(log, "message undelivered for a day; giving up");
    else logger.warn(log, "send failed; will retry");
  }

  /**
   * Asks the running loop to look for messages (after a commit wrote some):
   * at once when the pace lets several leave, or `answer` (the commit queued a
   * button's answer); else as soon as the pace does.
   */
  kick(answer = false): void {
    this.#again = true;
    if (answer) this.#answerWaiting = true;
    this.#wake?.();
  }

  /** A claim now is worth its statement: an answer waits, or several messages may leave. */
  #worthClaiming(): boolean {
    return this.#answerWaiting || this.#pace.nextRoom(WORTH_A_CLAIM) === 0;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const pollMs = this.#o.pollMs ?? 500;
    this.#loop = (async () => {
      while (this.#running) {
        // Wake-ups within a tick since the last claim are served by one claim.
        const early = this.#lastClaim + TICK_MS - performance.now();
        if (early > 0) await this.#sleep(early, () => false);
        if (!this.#running) break;
        this.#again = false;
        this.#answerWaiting = false;
        this.#lastClaim = performance.now();
        let claimed = 0;
        const marks = this.#marks.splice(0);
        // While fewer than WORTH_A_CLAIM may leave (woken for an answer, or by the poll),
        // the claim takes answers and writes marks only: no walk over the chats.
        const messages = this.#pace.nextRoom(WORTH_A_CLAIM) === 0;
        try {
          const got = await this.#claim(
            {
              answers: BATCH - this.#answersInFlight,
              messages: messages ? BATCH - (this.#inFlight.size - this.#answersInFlight) : 0,
            },
            marks,
          );
          this.#marked(marks);
          claimed = this.#startDeliveries(got);
        } catch (err) {
          // The marks wait for the next pass (or stop()).
          this.#marks.unshift(...marks);
          this.#o.logger.error({ err }, "outbox pass failed");
        }
        if (!this.#running) break;
        // More may be claimable at once: new work, what was claimed left the pace room,
        // or this claim left the messages and the pace has room for them by now.
        if ((this.#again || claimed > 0 || !messages) && this.#worthClaiming()) continue;
        // With the bot's allowance spent, look again once it lets several leave (a timer
        // may fire a millisecond early by the pace's clock).
        const nextRoom = this.#pace.nextRoom(WORTH_A_CLAIM);
        await this.#sleep(nextRoom > 0 ? Math.min(pollMs, nextRoom + 1) : pollMs, () =>
          this.#worthClaiming(),
        );
      }
    })();
  }

  /** Sleeps `ms`; a kick when `wakes` says so, or stop(), ends it early. */
  async #sleep(ms: number, wakes: () => boolean): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        if (!this.#running || wakes()) {
          clearTimeout(t);
          resolve();
        }
      };
    });
    this.#wake = undefined;
  }

  /** Starts each delivery without waiting for it; one that ends wakes the loop (its chat may have more). */
  #startDeliveries(claimed: Claimed[]): number {
    for (const m of claimed) {
      // Its lease ran out while its sent mark waited for the database: the mark is on its way.
      if (this.#unmarked.has(m.id)) continue;
      const answer = m.method === ANSWER;
      if (answer) this.#answersInFlight++;
      const delivery: Promise<void> = this.#deliver(m)
        .catch((err: unknown) => this.#o.logger.error({ err, outboxId: m.id }, "delivery failed"))
        .finally(() => {
          this.#inFlight.delete(delivery);
          if (answer) this.#answersInFlight--;
          // Its place in flight is free, and its chat's next message may be (this one given up).
          this.kick();
        });
      this.#inFlight.add(delivery);
    }
    return claimed.length;
  }

  /** Stops taking new messages and waits for the ones being sent. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    // What the loop did not carry goes in statements of its own.
    this.#flushMarks();
    await Promise.all(this.#inFlight);
  }
}
