import { type Conversation, Prisma, type Role, type User } from "../database/generated/client.ts";
import { type Outgoing, toBotApiCall } from "../outbox/write.ts";
import type { Handled, Tx } from "../updates/inbox.ts";
import { ChatChanged } from "../updates/signals.ts";

/**
 * A chat's state for one update, read in one statement and written in one:
 * the hot path of the bot. Everything else an update may touch (cases,
 * hand-offs, staff prompts) goes through Prisma's queries in a transaction;
 * these two statements are written by hand because each Prisma query costs
 * a round trip and a fraction of a millisecond of CPU, and an ordinary
 * conversation step needs nothing but them. The tables are still the ones
 * prisma/schema.prisma defines; test/chat/state.test.ts checks that what
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
}

export interface ChatKey {
  chatId: bigint;
  userId: bigint;
  updateId: bigint;
}

interface StateRow {
  gateVersion: number | null;
  processed: boolean;
  earlierPending: boolean;
  u_id: bigint | null;
  u_language: string | null;
  u_role: Role | null;
  u_firstName: string | null;
  u_username: string | null;
  u_blockedAt: Date | null;
  u_createdAt: Date | null;
  u_updatedAt: Date | null;
  c_userId: bigint | null;
  c_machineId: string | null;
  c_machineVersion: number | null;
  c_snapshot: Prisma.JsonValue;
  c_version: number | null;
  c_lastActivityAt: Date | null;
  c_remindedAt: Date | null;
  c_createdAt: Date | null;
  c_updatedAt: Date | null;
}

/** Reads the gate, the writer, the conversation and the update's place in the inbox. */
export async function readChatState(db: Tx, key: ChatKey): Promise<ChatState> {
  const rows = await db.$queryRaw<StateRow[]>`
    SELECT
      g."version" AS "gateVersion",
      EXISTS (SELECT 1 FROM "InboundUpdate" i
              WHERE i."updateId" = ${key.updateId} AND i."processedAt" IS NOT NULL) AS "processed",
      EXISTS (SELECT 1 FROM "InboundUpdate" i
              WHERE i."chatId" = ${key.chatId} AND i."processedAt" IS NULL
                AND i."updateId" < ${key.updateId}) AS "earlierPending",
      u."id" AS "u_id", u."language" AS "u_language", u."role"::text AS "u_role",
      u."firstName" AS "u_firstName", u."username" AS "u_username",
      u."blockedAt" AS "u_blockedAt", u."createdAt" AS "u_createdAt", u."updatedAt" AS "u_updatedAt",
      c."userId" AS "c_userId", c."machineId" AS "c_machineId",
      c."machineVersion" AS "c_machineVersion", c."snapshot" AS "c_snapshot",
      c."version" AS "c_version", c."lastActivityAt" AS "c_lastActivityAt",
      c."remindedAt" AS "c_remindedAt", c."createdAt" AS "c_createdAt", c."updatedAt" AS "c_updatedAt"
    FROM (SELECT 1) AS one
    LEFT JOIN "Chat" g ON g."id" = ${key.chatId}
    LEFT JOIN "User" u ON u."id" = ${key.userId}
    LEFT JOIN "Conversation" c ON c."chatId" = ${key.chatId}`;
  const r = rows[0];
  if (r === undefined) throw new Error("the chat state query returned no row");
  const user: User | null =
    r.u_id === null
      ? null
      : {
          id: r.u_id,
          language: r.u_language,
          role: r.u_role ?? "customer",
          firstName: r.u_firstName,
          username: r.u_username,
          blockedAt: r.u_blockedAt,
          createdAt: r.u_createdAt ?? new Date(0),
          updatedAt: r.u_updatedAt ?? new Date(0),
        };
  const conversation: Conversation | null =
    r.c_userId === null
      ? null
      : {
          chatId: key.chatId,
          userId: r.c_userId,
          machineId: r.c_machineId ?? "",
          machineVersion: r.c_machineVersion ?? 0,
          snapshot: r.c_snapshot,
          version: r.c_version ?? 0,
          lastActivityAt: r.c_lastActivityAt ?? new Date(0),
          remindedAt: r.c_remindedAt,
          createdAt: r.c_createdAt ?? new Date(0),
          updatedAt: r.c_updatedAt ?? new Date(0),
        };
  return {
    version: r.gateVersion ?? 0,
    user,
    conversation,
    processed: r.processed,
    earlierPending: r.earlierPending,
  };
}

/** The writer's row: created on first contact, kept up to date with their Telegram profile. */
export interface UserWrite {
  id: bigint;
  /** for a new row only: a stored choice is never overwritten */
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

/** What acting on an update changes in the chat's state. */
export interface Effects {
  user?: UserWrite;
  conversation?: ConversationWrite;
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
 * The whole of processing one update: reads the chat, lets `act` decide on
 * what it read, writes what it decided. Throws ChatChanged when the chat
 * moved on in between (nothing was written; the inbox runs it again).
 */
export async function processInChat(
  db: Tx,
  key: ChatKey,
  act: (state: ChatState, now: Date) => Promise<Effects>,
  failure?: Failure,
): Promise<Handled> {
  const state = await readChatState(db, key);
  if (state.processed) return "duplicate";
  if (state.earlierPending && failure === undefined) return "behind";
  const now = new Date();
  const effects = await act(state, now);
  const write: ChatWrite = { ...key, ...effects, readVersion: state.version, now };
  if (failure !== undefined) write.failure = failure;
  if (!(await writeChatState(db, write))) throw new ChatChanged(key.chatId);
  return effects.out.length > 0 ? "sent" : "done";
}

/**
 * Writes an update's effects in one statement (so atomically, with or without
 * a surrounding transaction): bumps the gate from the version read, and only
 * if that succeeded upserts the user, saves or deletes the conversation,
 * queues the outgoing messages in order and marks the update processed.
 * Returns false when the chat changed since it was read: nothing was written.
 */
export async function writeChatState(db: Tx, w: ChatWrite): Promise<boolean> {
  const at = w.now.toISOString();
  const parts: Prisma.Sql[] = [
    Prisma.sql`gate AS (
      INSERT INTO "Chat" ("id", "version") VALUES (${w.chatId}::bigint, 1)
      ON CONFLICT ("id") DO UPDATE SET "version" = "Chat"."version" + 1
      WHERE "Chat"."version" = ${w.readVersion}::int
      RETURNING "id")`,
    Prisma.sql`inbox AS (
      INSERT INTO "InboundUpdate" ("updateId", "chatId", "payload", "receivedAt", "processedAt", "attempts", "error")
      SELECT ${w.updateId}::bigint, ${w.chatId}::bigint, NULL, ${at}::timestamp(3), ${at}::timestamp(3),
             ${w.failure?.attempts ?? 0}::int, ${w.failure?.error ?? null}::text
      FROM gate
      ON CONFLICT ("updateId") DO UPDATE SET "processedAt" = EXCLUDED."processedAt",
        "payload" = NULL, "error" = EXCLUDED."error",
        "attempts" = GREATEST("InboundUpdate"."attempts", EXCLUDED."attempts"))`,
  ];
  if (w.user !== undefined) parts.push(userPart(w.user, at));
  if (w.conversation !== undefined) parts.push(conversationPart(w.chatId, w.conversation, at));
  if (w.out.length > 0) parts.push(outboxPart(w.out, at));
  const rows = await db.$queryRaw<{ applied: number }[]>`
    WITH ${Prisma.join(parts, ",\n")}
    SELECT count(*)::int AS "applied" FROM gate`;
  return rows[0]?.applied === 1;
}

function userPart(u: UserWrite, at: string): Prisma.Sql {
  const role = u.admin ? Prisma.sql`'admin'::"Role"` : Prisma.sql`"User"."role"`;
  return Prisma.sql`writer AS (
    INSERT INTO "User" ("id", "language", "role", "firstName", "username", "blockedAt", "createdAt", "updatedAt")
    SELECT ${u.id}::bigint, ${u.language}::text, ${u.admin ? "admin" : "customer"}::"Role",
           ${u.firstName}::text, ${u.username}::text, ${u.blockedAt?.toISOString() ?? null}::timestamp(3),
           ${at}::timestamp(3), ${at}::timestamp(3)
    FROM gate
    ON CONFLICT ("id") DO UPDATE SET "firstName" = EXCLUDED."firstName",
      "username" = EXCLUDED."username", "blockedAt" = EXCLUDED."blockedAt",
      "role" = ${role}, "updatedAt" = EXCLUDED."updatedAt")`;
}

function conversationPart(chatId: bigint, c: ConversationWrite, at: string): Prisma.Sql {
  if (c.kind === "delete") {
    return Prisma.sql`conversation AS (
      DELETE FROM "Conversation" WHERE "chatId" = ${chatId}::bigint AND EXISTS (SELECT 1 FROM gate))`;
  }
  return Prisma.sql`conversation AS (
    INSERT INTO "Conversation" ("chatId", "userId", "machineId", "machineVersion", "snapshot",
      "version", "lastActivityAt", "remindedAt", "createdAt", "updatedAt")
    SELECT ${chatId}::bigint, ${c.userId}::bigint, ${c.machineId}::text, ${c.machineVersion}::int,
           ${JSON.stringify(c.snapshot)}::jsonb, 0, ${at}::timestamp(3), NULL,
           ${at}::timestamp(3), ${at}::timestamp(3)
    FROM gate
    ON CONFLICT ("chatId") DO UPDATE SET "userId" = EXCLUDED."userId",
      "machineId" = EXCLUDED."machineId", "machineVersion" = EXCLUDED."machineVersion",
      "snapshot" = EXCLUDED."snapshot", "version" = "Conversation"."version" + 1,
      "lastActivityAt" = EXCLUDED."lastActivityAt", "remindedAt" = NULL,
      "updatedAt" = EXCLUDED."updatedAt")`;
}

function outboxPart(out: readonly Outgoing[], at: string): Prisma.Sql {
  const rows = out.map((o) => {
    const call = toBotApiCall(o);
    return { chatId: o.chatId.toString(), method: call.method, payload: call.payload };
  });
  // The messages keep their order: ids are drawn in the order of the array.
  return Prisma.sql`outbox AS (
    INSERT INTO "OutboxMessage" ("chatId", "method", "payload", "notBefore", "createdAt")
    SELECT (m.e->>'chatId')::bigint, m.e->>'method', m.e->'payload', ${at}::timestamp(3), ${at}::timestamp(3)
    FROM gate, jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS m(e, ord)
    ORDER BY m.ord)`;
}
