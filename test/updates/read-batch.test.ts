import { afterEach, describe, expect, it } from "vitest";
import { type Bound, type HotQuery, viaDriver } from "../../src/database/hot-query.ts";
import {
  type ChatKey,
  readChatState,
  readChatStates,
  writeChatState,
} from "../../src/updates/chat-state.ts";
import { ChatReadBatch } from "../../src/updates/read-batch.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/database.ts";
import { chatWrite } from "./chat-writes.ts";

const keyOf = (chat: bigint, updateId: bigint): ChatKey => ({
  lane: chat,
  chatId: chat,
  userId: chat,
  updateId,
});

/** A chat with a user, a conversation of its own and `unsent` messages waiting. */
async function chatWith(db: TestDatabase, chat: bigint, language: string, unsent: number) {
  const written = await writeChatState(
    db.prisma,
    chatWrite(chat, chat * 10n, { language, conversation: true, messages: unsent }),
  );
  expect(written).toBe(true);
}

describe.each(databaseKinds)("reading chats together on %s", (kind) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db.close();
  });

  it("reads the chats that queue behind a read in flight in one statement, each as if alone", async () => {
    db = await createTestDatabase(kind);
    await chatWith(db, 1n, "uk", 1);
    await chatWith(db, 2n, "es", 2);
    await chatWith(db, 3n, "ru", 3);
    const driver = viaDriver(db.driver);
    let statements = 0;
    const counted: HotQuery = (q) => {
      statements++;
      return driver(q);
    };
    const batch = new ChatReadBatch(db.prisma, counted);
    const keys = [
      keyOf(1n, 11n),
      keyOf(2n, 21n),
      // processed already: a second delivery
      keyOf(3n, 30n),
      // a chat the bot has never seen
      keyOf(4n, 41n),
      keyOf(2n, 22n),
    ];
    const states = await Promise.all(keys.map((k) => batch.read(k)));
    // The first went at once; the other four waited for it and went together.
    expect(statements).toBe(2);
    for (const [i, k] of keys.entries())
      expect(states[i]).toEqual(await readChatState(db.prisma, k, driver));
    expect(states.map((s) => [s.user?.language ?? null, s.backlog, s.processed])).toEqual([
      ["uk", 1, false],
      ["es", 2, false],
      ["ru", 3, true],
      [null, 0, false],
      ["es", 2, false],
    ]);
  });

  it("reads each key where it belongs when the lane, the chat and the user differ", async () => {
    db = await createTestDatabase(kind);
    await chatWith(db, 1n, "uk", 0);
    await chatWith(db, 2n, "es", 0);
    // A staff member (701) in a group (-100): their lane is their own, the chat the group's.
    await db.prisma.user.create({ data: { id: 701n, role: "admin", language: "ru" } });
    await db.prisma.inboundUpdate.create({ data: { updateId: 70n, lane: 701n } });
    // Customer 2 owes staff an answer: their next words are awaited.
    await db.prisma.handoff.create({ data: { customerId: 2n, chatId: 2n, origin: "menu" } });
    const driver = viaDriver(db.driver);
    let statements = 0;
    const batch = new ChatReadBatch(db.prisma, (q) => {
      statements++;
      return driver(q);
    });
    const staff: ChatKey = { lane: 701n, chatId: -100n, userId: 701n, updateId: 71n };
    const keys = [keyOf(1n, 11n), staff, keyOf(2n, 21n), keyOf(1n, 12n)];
    const states = await Promise.all(keys.map((k) => batch.read(k)));
    // The first alone, the other three together: not repaired read by read.
    expect(statements).toBe(2);
    expect(
      states.map((s) => [
        s.user?.language ?? null,
        s.conversation !== null,
        s.earlierPending,
        s.awaitingWords,
      ]),
    ).toEqual([
      ["uk", true, false, false],
      ["ru", false, true, false],
      ["es", true, false, true],
      ["uk", true, false, false],
    ]);
  });

  it("reads again, one by one, the reads of a statement that failed", async () => {
    db = await createTestDatabase(kind);
    await chatWith(db, 1n, "uk", 0);
    await chatWith(db, 2n, "es", 0);
    const driver = viaDriver(db.driver);
    const statements: number[] = [];
    const failingSecond: HotQuery = (q) => {
      statements.push((JSON.parse(String(q.values[0])) as unknown[]).length);
      // The connection lost under the statement of several.
      return statements.length === 2
        ? Promise.reject(new Error("Connection terminated unexpectedly"))
        : driver(q);
    };
    const batch = new ChatReadBatch(db.prisma, failingSecond);
    const states = await Promise.all(
      [keyOf(1n, 11n), keyOf(2n, 21n), keyOf(1n, 12n), keyOf(3n, 31n)].map((k) => batch.read(k)),
    );
    expect(states.map((s) => s.user?.language ?? null)).toEqual(["uk", "es", "uk", null]);
    expect(statements).toEqual([1, 3, 1, 1, 1]);
  });

  it("looks each chat up by its keys, however many rows the tables hold", async () => {
    db = await createTestDatabase(kind);
    const fill = (q: string) => db.prisma.$executeRawUnsafe(q);
    await fill(`INSERT INTO "User" ("id", "role", "createdAt", "updatedAt")
      SELECT g, 'customer', now(), now() FROM generate_series(1, 5000) g`);
    await fill(`INSERT INTO "Chat" ("id", "version") SELECT g, 1 FROM generate_series(1, 5000) g`);
    await fill(`INSERT INTO "Conversation" ("chatId", "userId", "machineId", "machineVersion",
      "snapshot", "version", "lastActivityAt", "createdAt", "updatedAt")
      SELECT g, g, 'refund', 3, '{}'::jsonb, 1, now(), now(), now() FROM generate_series(1, 5000) g`);
    await fill(`INSERT INTO "InboundUpdate" ("updateId", "lane", "receivedAt", "processedAt", "attempts")
      SELECT g, g % 5000 + 1, now(), now(), 0 FROM generate_series(1, 20000) g`);
    await fill(`INSERT INTO "Handoff" ("customerId", "chatId", "status", "origin", "createdAt")
      SELECT g, g, 'answered', 'menu', now() FROM generate_series(1, 5000) g`);
    await fill(`INSERT INTO "OutboxMessage" ("chatId", "method", "payload", "status", "notBefore", "createdAt")
      SELECT g % 5000 + 1, 'sendMessage', '{}'::jsonb, 'pending', now(), now() FROM generate_series(1, 20000) g`);
    await fill("ANALYZE");
    // The statement a read of one chat sends, planned as the database plans it: for
    // these values, and as the driver's prepared statement may be, for any values.
    let sent: Bound | undefined;
    await readChatStates(db.prisma, [keyOf(7n, 30_000n)], async <T>(q: Bound) => {
      sent = q;
      return [] as T[];
    }).catch(() => undefined);
    if (sent === undefined) throw new Error("the read sent no statement");
    const q = sent;
    const lines = (rows: { "QUERY PLAN": string }[]) => rows.map((r) => r["QUERY PLAN"]).join("\n");
    const custom = lines(await db.prisma.$queryRawUnsafe(`EXPLAIN ${q.text}`, ...q.values));
    const literal = (v: unknown) => (typeof v === "number" ? String(v) : `'${String(v)}'`);
    const generic = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL plan_cache_mode = force_generic_plan");
      await tx.$executeRawUnsafe(`PREPARE chat_read AS ${q.text}`);
      const plan = lines(
        await tx.$queryRawUnsafe(`EXPLAIN EXECUTE chat_read(${q.values.map(literal).join(", ")})`),
      );
      await tx.$executeRawUnsafe("DEALLOCATE chat_read");
      return plan;
    });
    for (const plan of [custom, generic]) {
      expect(plan).toContain("Index");
      // Hashing or scanning a whole table for one chat would cost more the more chats there are.
      for (const table of [
        "InboundUpdate",
        "Chat",
        "User",
        "Conversation",
        "Handoff",
        "OutboxMessage",
      ])
        expect(plan).not.toContain(`Seq Scan on "${table}"`);
      expect(plan).not.toMatch(/hashed SubPlan|Hash Join|Hash Right Join|Hash Left Join/);
      // The chat's unsent messages counted through its own entries, not the whole backlog.
      expect(plan).toContain("OutboxMessage_pending_head_idx");
    }
  });
});
