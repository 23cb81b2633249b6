import {
  type CaseStatus,
  type Conversation,
  Prisma,
  type RefundCase,
  type Role,
  type User,
} from "../database/generated/client.ts";
import { type HotQuery, HotStatement, viaPrisma } from "../database/hot-query.ts";
import type { Tx } from "../database/open.ts";
import { aboutOf, type Outgoing, toBotApiCall } from "../outbox/write.ts";
import { ChatChanged } from "./signals.ts";

/** How processing an update ended. */
export type Handled =
  /** processed; nothing to send */
  | "done"
  /** processed; messages are waiting in the outbox */
  | "sent"
  /** processed; a button's answer (and maybe messages) is waiting in the outbox: it must leave at once */
  | "answered"
  /** processed before: a second delivery */
  | "duplicate"
  /** an earlier update of the chat is stored and waiting: this one must follow it */
  | "behind";

/**
 * A chat's state for one update, read in one statement and written in one:
 * the hot path of the bot. Everything else an update may touch (cases,
 * hand-offs, staff prompts) goes through Prisma's queries in a transaction;
 * these two statements are written by hand because each Prisma query costs
 * a round trip and a fraction of a millisecond of CPU, and an ordinary
 * conversation step needs nothing but them. The tables are still the ones
 * prisma/schema.prisma defines; test/updates/chat-state.test.ts checks that what
 * these statements read and write equals what Prisma's own queries do.
 */
export interface ChatState {
  /** the gate's version as read; 0 when the chat has no Chat row yet */
  readonly version: number;
  readonly user: User | null;
  readonly conversation: Conversation | null;
  /** this update was processed already (a second delivery) */
  readonly processed: boolean;
  /** an earlier update of this chat is stored and not processed yet: this one waits its turn */
  readonly earlierPending: boolean;
  /**
   * The writer's next words are awaited by staff: a hand-off waits for their
   * question, or one of their cases for their answer. Read here so that a
   * plain text, most often an FAQ question, is known up front to need no
   * transaction; derived from those rows, so the writes that open and close
   * them keep it true.
   */
  readonly awaitingWords: boolean;
  /** the chat's messages still to send, counted up to BACKLOG_CAP (flood control's test) */
  readonly backlog: number;
}

/** The chat's unsent messages are counted up to this many and no further. */
export const BACKLOG_CAP = 20;

export interface ChatKey {
  /** the gate: the update's lane (src/updates/parse.ts) */
  lane: bigint;
  chatId: bigint;
  userId: bigint;
  updateId: bigint;
}

interface StateRow {
  gateVersion: number | null;
  processed: boolean;
  earlierPending: boolean;
  awaitingWords: boolean;
  backlog: number;
  u_id: string | null;
  u_language: string | null;
  u_role: Role | null;
  u_firstName: string | null;
  u_username: string | null;
  u_blockedAt: number | null;
  u_createdAt: number | null;
  u_updatedAt: number | null;
  c_userId: string | null;
  c_machineId: string | null;
  c_machineVersion: number | null;
  c_snapshot: Prisma.JsonValue;
  c_version: number | null;
  c_lastActivityAt: number | null;
  c_remindedAt: number | null;
  c_createdAt: number | null;
  c_updatedAt: number | null;
}

/** A timestamp(3) column as epoch milliseconds (timestamp without time zone holds UTC here). */
function ms(table: "u" | "c", column: string): Prisma.Sql {
  return Prisma.raw(`(extract(epoch from ${table}."${column}") * 1000)::float8`);
}

/** A timestamp(3) column as epoch milliseconds, which every driver returns alike. */
function time(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

/** The chats' read: `input` their keys as a JSON array, `cap` BACKLOG_CAP. */
const READ = new HotStatement<"input" | "cap">(
  (slot) => Prisma.sql`
    WITH input AS (
      SELECT (t.e->>'lane')::bigint AS lane, (t.e->>'chatId')::bigint AS chat_id,
             (t.e->>'userId')::bigint AS user_id, (t.e->>'updateId')::bigint AS update_id, t.ord
      FROM jsonb_array_elements(${slot("input")}::jsonb) WITH ORDINALITY AS t(e, ord)
    )
    SELECT
      input.ord::int AS "ord",
      g."version" AS "gateVersion",
      -- Each a lookup per chat: as EXISTS, the planner, which guesses 100 rows for
      -- any JSON array's elements, may hash the whole table instead (4 ms on a small one).
      (SELECT true FROM "InboundUpdate" i
       WHERE i."updateId" = input.update_id AND i."processedAt" IS NOT NULL LIMIT 1) IS NOT NULL
        AS "processed",
      (SELECT true FROM "InboundUpdate" i
       WHERE i."lane" = input.lane AND i."processedAt" IS NULL
         AND i."updateId" < input.update_id LIMIT 1) IS NOT NULL AS "earlierPending",
      ((SELECT true FROM "Handoff" h
        WHERE h."customerId" = input.user_id AND h."status" = 'awaiting' LIMIT 1) IS NOT NULL
       OR (SELECT true FROM "RefundCase" rc
           WHERE rc."customerId" = input.user_id AND rc."status" = 'needs_info' LIMIT 1) IS NOT NULL)
        AS "awaitingWords",
      -- The conditions of the partial index of pending heads, so the count reads only
      -- this chat's unsent messages, not its whole history (button answers are no backlog).
      (SELECT count(*) FROM (SELECT 1 FROM "OutboxMessage" o
                              WHERE o."chatId" = input.chat_id AND o."status" = 'pending'
                                AND o."method" <> 'answerCallbackQuery'
                              LIMIT ${slot("cap")}) b)::int AS "backlog",
      u."id"::text AS "u_id", u."language" AS "u_language", u."role"::text AS "u_role",
      u."firstName" AS "u_firstName", u."username" AS "u_username",
      ${ms("u", "blockedAt")} AS "u_blockedAt", ${ms("u", "createdAt")} AS "u_createdAt",
      ${ms("u", "updatedAt")} AS "u_updatedAt",
      c."userId"::text AS "c_userId", c."machineId" AS "c_machineId",
      c."machineVersion" AS "c_machineVersion", c."snapshot" AS "c_snapshot",
      c."version" AS "c_version", ${ms("c", "lastActivityAt")} AS "c_lastActivityAt",
      ${ms("c", "remindedAt")} AS "c_remindedAt", ${ms("c", "createdAt")} AS "c_createdAt",
      ${ms("c", "updatedAt")} AS "c_updatedAt"
    FROM input
    -- LIMIT keeps each a lookup by key too: as plain joins, the planner may hash whole tables.
    LEFT JOIN LATERAL (SELECT * FROM "Chat" WHERE "id" = input.lane LIMIT 1) g ON true
    LEFT JOIN LATERAL (SELECT * FROM "User" WHERE "id" = input.user_id LIMIT 1) u ON true
    LEFT JOIN LATERAL (SELECT * FROM "Conversation" WHERE "chatId" = input.chat_id LIMIT 1) c
      ON true`,
);

/** Reads the gate, the writer, the conversation and the update's place in the inbox. */
export async function readChatState(
  db: Tx,
  key: ChatKey,
  run: HotQuery = viaPrisma(db),
): Promise<ChatState> {
  const [state] = await readChatStates(db, [key], run);
  if (state === undefined) throw new Error("the chat state query returned no row");
  return state;
}

/**
 * Reads several chats' states in one statement (src/updates/read-batch.ts),
 * in the order of `keys` (the same key twice reads twice): each row is read
 * as `readChatState` reads it alone.
 */
export async function readChatStates(
  db: Tx,
  keys: readonly ChatKey[],
  run: HotQuery = viaPrisma(db),
): Promise<ChatState[]> {
  const input = keys.map((k) => ({
    lane: String(k.lane),
    chatId: String(k.chatId),
    userId: String(k.userId),
    updateId: String(k.updateId),
  }));
  const rows = await run<StateRow & { ord: number }>(
    READ.bind({ input: JSON.stringify(input), cap: BACKLOG_CAP }),
  );
  const states = new Map<number, ChatState>();
  for (const r of rows) {
    const key = keys[r.ord - 1];
    if (key !== undefined) states.set(r.ord - 1, toState(key, r));
  }
  return keys.map((_, i) => {
    const state = states.get(i);
    if (state === undefined) throw new Error("the chat state query returned no row for a chat");
    return state;
  });
}

function toState(key: ChatKey, r: StateRow): ChatState {
  const user: User | null =
    r.u_id === null
      ? null
      : {
          id: BigInt(r.u_id),
          language: r.u_language,
          role: col(r.u_role),
          firstName: r.u_firstName,
          username: r.u_username,
          blockedAt: time(r.u_blockedAt),
          createdAt: col(time(r.u_createdAt)),
          updatedAt: col(time(r.u_updatedAt)),
        };
  const conversation: Conversation | null =
    r.c_userId === null
      ? null
      : {
          chatId: key.chatId,
          userId: BigInt(r.c_userId),
          machineId: col(r.c_machineId),
          machineVersion: col(r.c_machineVersion),
          snapshot: r.c_snapshot,
          version: col(r.c_version),
          lastActivityAt: col(time(r.c_lastActivityAt)),
          remindedAt: time(r.c_remindedAt),
          createdAt: col(time(r.c_createdAt)),
          updatedAt: col(time(r.c_updatedAt)),
        };
  return {
    version: r.gateVersion ?? 0,
    user,
    conversation,
    processed: r.processed,
    earlierPending: r.earlierPending,
    awaitingWords: r.awaitingWords,
    backlog: r.backlog,
  };
}

/** A NOT NULL column of a row the LEFT JOIN found (all of its columns are nullable to the query). */
function col<T>(value: T | null): T {
  if (value === null) throw new Error("a NOT NULL column was read as null");
  return value;
}

/** The writer's row: created on first contact, kept up to date with their Telegram profile. */
export interface UserWrite {
  id: bigint;
  /** for a row without one only: a stored choice is never overwritten */
  language: string | null;
  firstName: string | null;
  username: string | null;
  blockedAt: Date | null;
  /** configured as an admin (ADMIN_IDS): the role is raised, never lowered */
  admin: boolean;
}

/** What an update does to the chat's conversation. */
export type ConversationWrite =
  | {
      kind: "save";
      userId: bigint;
      machineId: string;
      machineVersion: number;
      snapshot: Prisma.JsonObject;
    }
  | { kind: "delete" };

/**
 * A case's transition (decided by src/cases/transition.ts) written with the
 * update that made it: the case moves only from the version read, and the
 * update's write is applied only with it — both or neither, in one statement,
 * without a transaction. Of two updates moving one case from the same
 * version, one moves it; the other writes nothing and runs again.
 */
export interface CaseMove {
  caseId: number;
  /** the case's version as read */
  version: number;
  from: CaseStatus;
  to: CaseStatus;
  assigneeId: bigint | null;
  /** the move decides the case (approve, reject): its decidedAt is set */
  decided: boolean;
  actorId: bigint;
  /** the event's note: a reason, a question */
  note: string | null;
}

/**
 * A case opened by a submission, written with the update that submitted it:
 * the row (its id drawn before, src/cases/submit.ts), its first event, and
 * the request's files, which become the case's (older leftovers are
 * dropped). Applied only with the update's write, in one statement.
 */
export interface CaseOpen {
  case: RefundCase;
  /** when the request began: files since then are its own, older ones leftovers; null, no files are touched */
  draftsSince: Date | null;
}

/** A staff prompt the update answered (src/staff/desk.ts): it goes with the write. */
export interface PromptTaken {
  action: string;
  caseId: number;
}

/** What acting on an update changes in the chat's state. */
export interface Effects {
  user?: UserWrite;
  conversation?: ConversationWrite;
  caseMove?: CaseMove;
  caseOpen?: CaseOpen;
  /**
   * The writer's staff prompt in this chat of this action and case
   * (src/staff/desk.ts) is answered: it goes with the write. The prompt is the lane's
   * own, as the conversation is, so the gate keeps it as read.
   */
  promptTaken?: PromptTaken;
  out: readonly Outgoing[];
}

/** The update failed for good: recorded with its error and attempts. */
export interface Failure {
  error: string;
  attempts: number;
}

/** Everything an update changes in the chat's state, written at once. */
export interface ChatWrite extends ChatKey, Effects {
  /** the gate's version the update read; the write is applied only if it is still current */
  readVersion: number;
  now: Date;
  failure?: Failure;
}

/**
 * Whether acting on an update needs a transaction (a refusal, a hand-off,
 * some staff work) or not; "statement": statements of its own before the chat's write,
 * outside a transaction, each safe to run again (reads, an upsert, drawing a
 * case's number), and at most a case's move or opening, which the write itself
 * carries (CaseMove, CaseOpen): a stale
 * read reruns the update, and a crash before the write leaves the update
 * unprocessed, to be delivered and run again.
 */
export type Needs = "direct" | "statement" | "transaction";

/** Where an update reads and writes its chat's state. */
export interface ChatStore {
  /** the client itself, or the update's transaction */
  readonly db: Tx;
  /** reads the update's chat (batched with other chats' reads when not in a transaction) */
  read(key: ChatKey): Promise<ChatState>;
  readonly inTransaction: boolean;
  /** writes the update's effects (batched with other chats' when not in a transaction) */
  write(w: ChatWrite): Promise<boolean>;
  /** Runs `run` in a transaction with a store of its own; a store already in one runs it in place. */
  transaction<T>(run: (store: ChatStore) => Promise<T>): Promise<T>;
}

/**
 * What `act` decided: the effects, or that the rest of the update runs in a
 * transaction (`db`), whose effects are then written in it too.
 */
export type Acted = Effects | { readonly inTransaction: (db: Tx) => Promise<Effects> };

/**
 * The whole of processing one update: reads the chat, lets `act` decide on
 * what it read, writes what it decided. An update whose decision needs a
 * transaction opens it only then, with the chat as read: the write stays
 * conditional on the gate, so nothing read is trusted past a change. Throws
 * ChatChanged when the chat moved on in between (nothing was written; the
 * inbox runs it again).
 */
export async function processInChat(
  store: ChatStore,
  key: ChatKey,
  act: (state: ChatState, now: Date) => Promise<Acted>,
  failure?: Failure,
): Promise<Handled> {
  const state = await store.read(key);
  if (state.processed) return "duplicate";
  if (state.earlierPending && failure === undefined) return "behind";
  const now = new Date();
  const written = async (into: ChatStore, effects: Effects): Promise<Handled> => {
    const write: ChatWrite = { ...key, ...effects, readVersion: state.version, now };
    if (failure !== undefined) write.failure = failure;
    if (!(await into.write(write))) throw new ChatChanged(key.lane);
    if (effects.out.some((o) => o.kind === "answer")) return "answered";
    return effects.out.length > 0 ? "sent" : "done";
  };
  const acted = await act(state, now);
  if (!("inTransaction" in acted)) return written(store, acted);
  return store.transaction(async (tx) => written(tx, await acted.inTransaction(tx.db)));
}

/**
 * Writes an update's effects in one statement (so atomically, with or without
 * a surrounding transaction): bumps the gate from the version read, and only
 * if that succeeded (and its case, if it moves one, is still at the version
 * read) moves or opens the case, upserts the user, saves or deletes the conversation,
 * queues the outgoing messages in order and marks the update processed.
 * Returns false when the chat or the case changed since it was read: nothing
 * but the gate's bump was written.
 */
export async function writeChatState(
  db: Tx,
  w: ChatWrite,
  run: HotQuery = viaPrisma(db),
): Promise<boolean> {
  return (await writeChatStates(db, [w], run)).has(w.lane);
}

/** Which optional parts a chats' write has: each only when one of its writes needs it. */
interface WriteShape {
  /** a case moves (CaseMove) */
  move: boolean;
  /** a staff prompt is answered */
  prompt: boolean;
  /** a case is opened (CaseOpen) */
  open: boolean;
}

/**
 * The chats' write (`rows` the writes as a JSON array): the case's, the
 * prompt's and the new case's parts only when a write has them, so the
 * common statement stays as small as it was.
 */
function writeStatement({ move, prompt, open }: WriteShape): HotStatement<"rows"> {
  const ok = move
    ? Prisma.sql`
    moved AS (
      -- after the gate: a stale chat leaves the case alone; a stale case, the rest (below)
      UPDATE "RefundCase" r SET "status" = (i.e->'move'->>'to')::"CaseStatus",
        "version" = r."version" + 1, "assigneeId" = (i.e->'move'->>'assigneeId')::bigint,
        "decidedAt" = CASE WHEN (i.e->'move'->>'decided')::boolean
                           THEN (i.e->>'now')::timestamp(3) ELSE r."decidedAt" END,
        "updatedAt" = (i.e->>'now')::timestamp(3)
      FROM input i JOIN gate ON gate."id" = i.lane
      WHERE r."id" = (i.e->'move'->>'caseId')::int AND r."version" = (i.e->'move'->>'version')::int
      RETURNING i.lane
    ),
    ok AS (
      SELECT input.* FROM input JOIN gate ON gate."id" = input.lane
      WHERE jsonb_typeof(input.e->'move') <> 'object' OR input.lane IN (SELECT lane FROM moved)
    ),
    event AS (
      INSERT INTO "CaseEvent" ("caseId", "actorId", "at", "fromStatus", "toStatus", "note")
      SELECT (e->'move'->>'caseId')::int, (e->'move'->>'actorId')::bigint, (e->>'now')::timestamp(3),
             (e->'move'->>'from')::"CaseStatus", (e->'move'->>'to')::"CaseStatus", e->'move'->>'note'
      FROM ok WHERE jsonb_typeof(e->'move') = 'object'
    ),`
    : Prisma.sql`
    ok AS (SELECT input.* FROM input JOIN gate ON gate."id" = input.lane),`;
  // The row's columns typed as the table types them; the rows they refer to (its
  // customer, the files' case) are checked at the statement's end, so one statement
  // may write both.
  const opened = open
    ? Prisma.sql`
    opening AS (
      SELECT ok.chat_id, ok.e->>'now' AS now, ok.e->'open'->>'draftsSince' AS since, c.*
      FROM ok, jsonb_populate_record(NULL::"RefundCase", ok.e->'open'->'case') c
      WHERE jsonb_typeof(ok.e->'open') = 'object'
    ),
    opened AS (
      INSERT INTO "RefundCase" ("id", "customerId", "chatId", "status", "kind", "clauses", "service",
        "accountId", "serviceRef", "amount", "currency", "reason", "comment", "refundDays",
        "payoutMethod", "payoutDetails", "unrefundableMethod", "submittedAt", "dueAt", "version",
        "createdAt", "updatedAt")
      SELECT "id", "customerId", "chatId", "status", "kind", "clauses", "service",
        "accountId", "serviceRef", "amount", "currency", "reason", "comment", "refundDays",
        "payoutMethod", "payoutDetails", "unrefundableMethod", "submittedAt", "dueAt", "version",
        "createdAt", "updatedAt"
      FROM opening
    ),
    opened_event AS (
      INSERT INTO "CaseEvent" ("caseId", "actorId", "at", "fromStatus", "toStatus", "note")
      SELECT "id", "customerId", now::timestamp(3), NULL, "status", NULL FROM opening
    ),
    linked AS (
      UPDATE "Attachment" a SET "caseId" = opening."id" FROM opening
      WHERE a."chatId" = opening.chat_id AND a."caseId" IS NULL
        AND a."createdAt" >= opening.since::timestamp(3)
    ),
    leftovers AS (
      DELETE FROM "Attachment" a USING opening
      WHERE a."chatId" = opening.chat_id AND a."caseId" IS NULL
        AND a."createdAt" < opening.since::timestamp(3)
    ),`
    : Prisma.empty;
  const taken = prompt
    ? Prisma.sql`
    taken AS (
      DELETE FROM "StaffPrompt" p USING ok
      WHERE p."userId" = (ok.e->>'userId')::bigint AND p."chatId" = ok.chat_id
        AND p."action" = ok.e->>'promptTaken' AND p."caseId" = (ok.e->>'promptCase')::int
    ),`
    : Prisma.empty;
  return new HotStatement<"rows">(
    (slot) => Prisma.sql`
    WITH input AS (
      SELECT (t.e->>'lane')::bigint AS lane, (t.e->>'chatId')::bigint AS chat_id, t.e, t.ord
      FROM jsonb_array_elements(${slot("rows")}::jsonb) WITH ORDINALITY AS t(e, ord)
    ),
    gate AS (
      -- A gate read but gone since (the person's data was erased) is no new chat: refused.
      INSERT INTO "Chat" ("id", "version")
      SELECT lane, (e->>'readVersion')::int + 1 FROM input
      WHERE (e->>'readVersion')::int = 0 OR EXISTS (SELECT 1 FROM "Chat" c WHERE c."id" = input.lane)
      ORDER BY ord
      ON CONFLICT ("id") DO UPDATE SET "version" = EXCLUDED."version"
      WHERE "Chat"."version" = EXCLUDED."version" - 1
      RETURNING "id"
    ),${ok}${opened}${taken}
    inbox AS (
      INSERT INTO "InboundUpdate" ("updateId", "lane", "payload", "receivedAt", "processedAt", "attempts", "error")
      SELECT (e->>'updateId')::bigint, lane, NULL, (e->>'now')::timestamp(3), (e->>'now')::timestamp(3),
             COALESCE((e->'failure'->>'attempts')::int, 0), e->'failure'->>'error'
      FROM ok
      ON CONFLICT ("updateId") DO UPDATE SET "processedAt" = EXCLUDED."processedAt",
        "payload" = NULL, "error" = COALESCE(EXCLUDED."error", "InboundUpdate"."error"),
        "attempts" = GREATEST("InboundUpdate"."attempts", EXCLUDED."attempts")
    ),
    writer AS (
      INSERT INTO "User" ("id", "language", "role", "firstName", "username", "blockedAt", "createdAt", "updatedAt")
      SELECT (e->'user'->>'id')::bigint, e->'user'->>'language', (e->'user'->>'role')::"Role",
             e->'user'->>'firstName', e->'user'->>'username', (e->'user'->>'blockedAt')::timestamp(3),
             (e->>'now')::timestamp(3), (e->>'now')::timestamp(3)
      FROM ok WHERE jsonb_typeof(e->'user') = 'object'
      ON CONFLICT ("id") DO UPDATE SET "firstName" = EXCLUDED."firstName",
        "username" = EXCLUDED."username", "blockedAt" = EXCLUDED."blockedAt",
        -- a stored choice is kept; a row made before its person wrote (/staff add) learns one
        "language" = COALESCE("User"."language", EXCLUDED."language"),
        -- an admin (ADMIN_IDS) is raised; nobody is lowered here
        "role" = CASE WHEN EXCLUDED."role" = 'admin' THEN EXCLUDED."role" ELSE "User"."role" END,
        "updatedAt" = EXCLUDED."updatedAt"
    ),
    saved AS (
      INSERT INTO "Conversation" ("chatId", "userId", "machineId", "machineVersion", "snapshot",
        "version", "lastActivityAt", "remindedAt", "createdAt", "updatedAt")
      SELECT chat_id, (e->'conversation'->>'userId')::bigint, e->'conversation'->>'machineId',
             (e->'conversation'->>'machineVersion')::int, e->'conversation'->'snapshot', 0,
             (e->>'now')::timestamp(3), NULL, (e->>'now')::timestamp(3), (e->>'now')::timestamp(3)
      FROM ok WHERE e->'conversation'->>'kind' = 'save'
      ON CONFLICT ("chatId") DO UPDATE SET "userId" = EXCLUDED."userId",
        "machineId" = EXCLUDED."machineId", "machineVersion" = EXCLUDED."machineVersion",
        "snapshot" = EXCLUDED."snapshot", "version" = "Conversation"."version" + 1,
        "lastActivityAt" = EXCLUDED."lastActivityAt", "remindedAt" = NULL,
        "updatedAt" = EXCLUDED."updatedAt"
    ),
    deleted AS (
      DELETE FROM "Conversation" c USING ok
      WHERE c."chatId" = ok.chat_id AND ok.e->'conversation'->>'kind' = 'delete'
    ),
    outbox AS (
      -- ids are drawn in this order: each chat's messages go out as the update queued them
      INSERT INTO "OutboxMessage" ("chatId", "method", "payload", "ref", "notBefore", "createdAt", "aboutUserId")
      SELECT (m.e->>'chatId')::bigint, m.e->>'method', m.e->'payload', m.e->>'ref', (ok.e->>'now')::timestamp(3),
             (ok.e->>'now')::timestamp(3), (m.e->>'about')::bigint
      FROM ok, jsonb_array_elements(ok.e->'out') WITH ORDINALITY AS m(e, ord)
      ORDER BY ok.ord, m.ord
    )
    SELECT lane::text AS "lane" FROM ok`,
  );
}

/** Each shape's statement, built the first time a write needs it. */
const WRITES = new Map<string, HotStatement<"rows">>();

function writeFor(shape: WriteShape): HotStatement<"rows"> {
  const key = `${shape.move} ${shape.prompt} ${shape.open}`;
  let statement = WRITES.get(key);
  if (statement === undefined) {
    statement = writeStatement(shape);
    WRITES.set(key, statement);
  }
  return statement;
}

/**
 * Writes the effects of several lanes' updates in one statement, each
 * conditional on its own lane's gate (and on its case's version when it moves
 * one): returns the lanes whose write was applied. At most one write per lane
 * and per user row (the caller keeps them apart: a row cannot be upserted
 * twice by one statement; a conversation's chat is a private chat, its own
 * lane).
 */
export async function writeChatStates(
  db: Tx,
  writes: readonly ChatWrite[],
  run: HotQuery = viaPrisma(db),
): Promise<Set<bigint>> {
  if (writes.length === 0) return new Set();
  // Gates are locked in lane order, so two processes' batches cannot deadlock.
  const rows = [...writes]
    .sort((a, b) => (a.lane < b.lane ? -1 : a.lane > b.lane ? 1 : 0))
    .map(toRow);
  const statement = writeFor({
    move: writes.some((w) => w.caseMove !== undefined),
    prompt: writes.some((w) => w.promptTaken !== undefined),
    open: writes.some((w) => w.caseOpen !== undefined),
  });
  const applied = await run<{ lane: string }>(statement.bind({ rows: JSON.stringify(rows) }));
  return new Set(applied.map((r) => BigInt(r.lane)));
}

/** One write as the statement reads it: JSON, with ids as strings (bigints do not survive JSON numbers). */
function toRow(w: ChatWrite) {
  const at = w.now.toISOString();
  return {
    lane: w.lane.toString(),
    chatId: w.chatId.toString(),
    userId: w.userId.toString(),
    updateId: w.updateId.toString(),
    readVersion: w.readVersion,
    now: at,
    user:
      w.user === undefined
        ? null
        : {
            id: w.user.id.toString(),
            language: w.user.language,
            role: w.user.admin ? "admin" : "customer",
            firstName: w.user.firstName,
            username: w.user.username,
            blockedAt: w.user.blockedAt?.toISOString() ?? null,
          },
    conversation:
      w.conversation === undefined
        ? null
        : w.conversation.kind === "delete"
          ? { kind: "delete" }
          : {
              kind: "save",
              userId: w.conversation.userId.toString(),
              machineId: w.conversation.machineId,
              machineVersion: w.conversation.machineVersion,
              snapshot: w.conversation.snapshot,
            },
    move:
      w.caseMove === undefined
        ? null
        : {
            ...w.caseMove,
            assigneeId: w.caseMove.assigneeId?.toString() ?? null,
            actorId: w.caseMove.actorId.toString(),
          },
    promptTaken: w.promptTaken?.action ?? null,
    promptCase: w.promptTaken?.caseId ?? null,
    open: w.caseOpen === undefined ? null : openRow(w.caseOpen),
    // A message may go to another chat than the update's (a case card to the staff group).
    out: w.out.map((o) => ({
      chatId: o.chatId.toString(),
      ...toBotApiCall(o),
      about: aboutOf(o)?.toString() ?? null,
    })),
    failure: w.failure ?? null,
  };
}

/** A new case as the statement reads it: its row in JSON, keyed by column as the table's record. */
function openRow(o: CaseOpen) {
  const c = o.case;
  return {
    draftsSince: o.draftsSince?.toISOString() ?? null,
    case: {
      ...c,
      customerId: c.customerId.toString(),
      chatId: c.chatId.toString(),
      amount: c.amount.toString(),
      assigneeId: c.assigneeId?.toString() ?? null,
    },
  };
}

/**
 * Moves a private chat's gate (the chat is its own lane) on outside an update
 * (the idle-conversation pass), so an update that read the chat before is processed again rather than writing over
 * what changed. Call it first in the transaction: locks are always taken gate first.
 */
export async function bumpGate(tx: Tx, chatId: bigint): Promise<void> {
  await tx.chat.upsert({
    where: { id: chatId },
    create: { id: chatId, version: 1 },
    update: { version: { increment: 1 } },
  });
}
