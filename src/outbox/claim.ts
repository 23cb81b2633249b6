import { Prisma } from "../database/generated/client.ts";
import { type HotQuery, HotStatement } from "../database/hot-query.ts";

export const ANSWER = "answerCallbackQuery";
/**
 * ANSWER written into the statement, not bound: the pending-message indexes
 * are partial on it, and a prepared statement's generic plan can use them only
 * when the statement says the method itself.
 */
const ANSWER_LITERAL = Prisma.raw(`'${ANSWER}'`);

/** Below every chat id: a walk that starts here starts at the first chat. */
const FIRST_CHAT = -(2n ** 63n);
/** Every chat id is at most this: a walk that ends here ends at the last chat. */
const LAST_CHAT = 2n ** 63n - 1n;

export interface Claimed {
  id: bigint;
  chatId: bigint;
  method: string;
  payload: Record<string, unknown>;
  attempts: number;
  /** the message's name in its chat, when it has one (src/outbox/write.ts) */
  ref: string | null;
}

interface WalkRequest {
  leaseSeconds: number;
  /** button answers to lease at most */
  answers: number;
  /** messages to lease at most: what the bot's pace allows now */
  messages: number;
  /** the walk starts after this chat */
  after: bigint;
  /** and ends with this one at the latest */
  until: bigint;
  /** chats the walk passes over: their pace allows nothing now */
  waiting: readonly bigint[];
  /** chats the walk looks at, at most */
  visit: number;
  /**
   * Messages Telegram took, marked sent by the same statement (with the
   * Telegram message each row now stands for): folding the marks into the
   * claim spares a statement per pass. The walk looks past them, so their
   * chats' next messages may be claimed at once.
   */
  sent?: readonly SentMark[];
}

export interface SentMark {
  id: bigint;
  messageId: bigint | null;
}

interface WalkResult {
  claimed: Claimed[];
  /** chats the walk looked at */
  seen: number;
  /** the last chat the walk looked at (the next walk starts after it), or undefined when it saw none */
  last: bigint | undefined;
  /** no chat is left within the walk's bounds after the last it looked at */
  reachedEnd: boolean;
}

/** Ids come as text: every driver returns text alike (src/database/hot-query.ts). */
interface Row {
  last: string | null;
  seen: number;
  /** chats with pending messages lie after the last one the walk looked at (or its start), within its bounds */
  more: boolean;
  id: string | null;
  chatId: string | null;
  method: string | null;
  payload: Record<string, unknown> | null;
  attempts: number | null;
  ref: string | null;
}

/** The walk and its claim, as `walk` runs it. */
const WALK = new HotStatement<
  | "after"
  | "until"
  | "waiting"
  | "visit"
  | "messages"
  | "answers"
  | "sentIds"
  | "sentMessageIds"
  | "leaseSeconds"
>(
  (slot) => Prisma.sql`
    WITH RECURSIVE walk ("chatId", "id", "ready", "seen", "found") AS (
      SELECT ${slot("after")}::bigint, NULL::bigint, false, 0, 0
      UNION ALL
      SELECT n."chatId", n."id", n."ready", w."seen" + 1, w."found" + n."ready"::int
        FROM walk w,
             LATERAL (SELECT m."chatId", m."id",
                             m."notBefore" <= now() AND (m."leaseUntil" IS NULL OR m."leaseUntil" < now())
                             -- NOT IN a subquery is hashed once, in a generic plan too; <> ALL of
                             -- a bound array is compared element by element for every chat.
                             AND m."chatId" NOT IN (SELECT unnest(${slot("waiting")}::bigint[])) AS "ready"
                        FROM "OutboxMessage" m
                       WHERE m."status" = 'pending' AND m."method" <> ${ANSWER_LITERAL} AND m."chatId" > w."chatId"
                         AND m."chatId" <= ${slot("until")}::bigint AND m."id" <> ALL (${slot("sentIds")}::bigint[])
                       ORDER BY m."chatId", m."id" LIMIT 1) n
       WHERE w."seen" < ${slot("visit")} AND w."found" < ${slot("messages")}
    ),
    picked AS (
      SELECT o."id" FROM "OutboxMessage" o JOIN walk w ON w."id" = o."id"
       WHERE w."ready" AND o."status" = 'pending' AND o."notBefore" <= now()
         AND (o."leaseUntil" IS NULL OR o."leaseUntil" < now())
       LIMIT ${slot("messages")}
         FOR UPDATE OF o SKIP LOCKED
    ),
    answers AS (
      -- Not one being marked sent by this statement (its lease ran out while its mark
      -- waited for the database): one statement cannot both claim and mark a row.
      SELECT a."id" FROM "OutboxMessage" a
       WHERE a."status" = 'pending' AND a."method" = ${ANSWER_LITERAL} AND a."notBefore" <= now()
         AND (a."leaseUntil" IS NULL OR a."leaseUntil" < now()) AND a."id" <> ALL (${slot("sentIds")}::bigint[])
       ORDER BY a."id" LIMIT ${slot("answers")}
         FOR UPDATE SKIP LOCKED
    ),
    marked AS (
      UPDATE "OutboxMessage" o SET "status" = 'sent', "sentAt" = now(), "leaseUntil" = NULL,
             "messageId" = k."messageId"
        FROM unnest(${slot("sentIds")}::bigint[], ${slot("sentMessageIds")}::bigint[]) AS k("id", "messageId")
       -- The range holds every id. It tells the generic plan, which takes an array
       -- parameter for 10 elements, that few marks come (a tick's deliveries; the
       -- planner gives a range on a function's output 0.5 %): costed at 10, the generic
       -- plan looked dearer than planning each call, and PostgreSQL planned the claim
       -- anew every time, which took longer than running it. (Thousands of button
       -- answers waiting can still tip it back: their LIMIT is costed at a tenth of them.)
       WHERE o."id" = k."id" AND k."id" BETWEEN 1 AND 9223372036854775807
    ),
    claimed AS (
      UPDATE "OutboxMessage" u
         SET "leaseUntil" = now() + make_interval(secs => ${slot("leaseSeconds")}), "attempts" = u."attempts" + 1
       WHERE u."id" IN (SELECT "id" FROM picked UNION ALL SELECT "id" FROM answers)
      RETURNING u."id", u."chatId", u."method", u."payload", u."attempts", u."ref"
    ),
    -- Materialized: the probe runs once, not once for every claimed row.
    summary AS MATERIALIZED (
      SELECT w."last", w."seen",
             EXISTS (SELECT 1 FROM "OutboxMessage" m
                      WHERE m."status" = 'pending' AND m."method" <> ${ANSWER_LITERAL}
                        AND m."chatId" > COALESCE(w."last", ${slot("after")}::bigint)
                        AND m."chatId" <= ${slot("until")}::bigint AND m."id" <> ALL (${slot("sentIds")}::bigint[])) AS "more"
        FROM (SELECT max("chatId") FILTER (WHERE "seen" > 0) AS "last", max("seen") AS "seen" FROM walk) w
    )
    SELECT s."last"::text, s."seen", s."more",
           c."id"::text, c."chatId"::text, c."method", c."payload", c."attempts", c."ref"
      FROM summary s LEFT JOIN claimed c ON true`,
);

/**
 * Leases the due button answers, and the head (oldest pending message) of
 * chats in chat id order from `after`, round-robin across passes. The walk
 * steps from one chat's head to the next chat's through the partial index of
 * pending messages, one index probe a chat, and stops after `visit` chats or
 * once it has found `messages` heads that may leave: its cost follows the chats
 * it passes over (at most `visit`), never the backlog. A head that is leased, waiting for a retry or
 * whose chat's pace is spent holds its chat back, so each chat's messages leave
 * one at a time in order; a head another sender has just leased is skipped
 * (SKIP LOCKED, then the lease rechecked on the locked row).
 */
async function walk(run: HotQuery, r: WalkRequest): Promise<WalkResult> {
  const waiting = `{${r.waiting.join(",")}}`;
  const sent = r.sent ?? [];
  const sentIds = `{${sent.map((x) => x.id).join(",")}}`;
  const sentMessageIds = `{${sent.map((x) => x.messageId ?? "NULL").join(",")}}`;
  const rows = await run<Row>(
    WALK.bind({
      after: r.after,
      until: r.until,
      waiting,
      visit: r.visit,
      messages: r.messages,
      answers: r.answers,
      sentIds,
      sentMessageIds,
      leaseSeconds: r.leaseSeconds,
    }),
  );
  const summary = rows[0];
  const claimed: Claimed[] = [];
  for (const row of rows) {
    if (row.id === null || row.chatId === null || row.method === null) continue;
    claimed.push({
      id: BigInt(row.id),
      chatId: BigInt(row.chatId),
      method: row.method,
      payload: row.payload ?? {},
      attempts: row.attempts ?? 0,
      ref: row.ref,
    });
  }
  // RETURNING keeps no order: start the oldest first, as the queue promises.
  claimed.sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    claimed,
    seen: summary?.seen ?? 0,
    last: summary?.last == null ? undefined : BigInt(summary.last),
    reachedEnd: summary?.more !== true,
  };
}

export type ClaimRequest = Omit<WalkRequest, "after" | "until">;

/**
 * Claims in rounds over the chats: each claim's walk starts where the last one
 * stopped, and one that runs out of chats mid-round goes on from the first
 * chat, once, up to where it started: a claim looks at each chat at most once.
 * A claim that saw the last chat ends the round: the next starts at the first.
 * A sender keeps one for its life.
 */
export class OutboxClaim {
  #after = FIRST_CHAT;

  async claim(run: HotQuery, r: ClaimRequest): Promise<Claimed[]> {
    const claimed: Claimed[] = [];
    let { answers, messages, visit } = r;
    let sent: readonly SentMark[] = r.sent ?? [];
    const from = this.#after;
    const walks =
      from === FIRST_CHAT
        ? [{ after: FIRST_CHAT, until: LAST_CHAT }]
        : [
            { after: from, until: LAST_CHAT },
            { after: FIRST_CHAT, until: from },
          ];
    for (const bounds of walks) {
      const got = await walk(run, { ...r, ...bounds, answers, messages, visit, sent });
      // Written by the first walk: the second has none to write.
      sent = [];
      if (got.last !== undefined) this.#after = got.last;
      if (got.reachedEnd) this.#after = FIRST_CHAT;
      claimed.push(...got.claimed);
      messages -= got.claimed.filter((m) => m.method !== ANSWER).length;
      answers = 0;
      visit -= got.seen;
      if (!got.reachedEnd || messages <= 0 || visit <= 0) break;
    }
    return claimed;
  }
}
