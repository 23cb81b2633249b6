import { afterEach, describe, expect, it } from "vitest";
import type { RefundRequest } from "../../machines/refund/flow.ts";
import { createI18nFor } from "../../src/app/core.ts";
import { submitCase } from "../../src/cases/submit.ts";
import { IdleConversations } from "../../src/conversation/expiry.ts";
import { viaDriver } from "../../src/database/hot-query.ts";
import { createLogger } from "../../src/logging/logger.ts";
import {
  type CaseMove,
  type ChatWrite,
  readChatState,
  readChatStates,
  writeChatState,
  writeChatStates,
} from "../../src/updates/chat-state.ts";
import { makeCase, makeStaff } from "../staff/helpers.ts";
import { testConfig } from "../support/bot.ts";
import {
  createTestDatabase,
  databaseKinds,
  oneSession,
  plansOf,
  type TestDatabase,
} from "../support/database.ts";
import { chatWrite } from "./chat-writes.ts";

const key = { lane: 42n, chatId: 42n, userId: 42n, updateId: 1000n };

function write(over: Partial<ChatWrite> = {}): ChatWrite {
  return {
    ...key,
    readVersion: 0,
    now: new Date("2026-11-24T10:00:00.000Z"),
    user: {
      id: 42n,
      language: "uk",
      firstName: "Олена",
      username: null,
      blockedAt: null,
      admin: false,
    },
    conversation: {
      kind: "save",
      userId: 42n,
      machineId: "refund",
      machineVersion: 3,
      snapshot: { value: "asking", context: { answers: { want: "payout" } } },
    },
    out: [
      { kind: "message", chatId: 42n, text: "first" },
      { kind: "answer", chatId: 42n, callbackQueryId: "q1" },
      { kind: "message", chatId: 42n, text: "third" },
      { kind: "message", chatId: -100n, text: "to the staff group" },
    ],
    ...over,
  };
}

/** An eligible payout request, as the refund machine hands it over. */
const REQUEST: RefundRequest = {
  refund: "payout",
  clause: "C1",
  clauses: ["C1", "E1", "F2", "F3"],
  offeredInsteadOfPayout: false,
  a1Days: null,
  unrefundableMethod: false,
  service: "one_time",
  what: "no_code",
  account: { kind: "email", value: "olena@example.com" },
  reference: { kind: "order", value: "A-1001" },
  amount: { value: "49.90", currency: "EUR" },
  reasonKey: "reason.C1",
  comment: null,
  payout: { paidWith: "card", method: "card", details: null },
  dates: {},
  answers: {},
  lang: "uk",
  timeZone: "Europe/Kyiv",
  submittedAtMs: 0,
};

describe.each(databaseKinds)("the chat state's own statements on %s", (kind) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db.close();
  });

  it("write everything at once and read back exactly what Prisma reads", async () => {
    db = await createTestDatabase(kind);
    expect(await readChatState(db.prisma, key)).toEqual({
      version: 0,
      user: null,
      conversation: null,
      processed: false,
      earlierPending: false,
      awaitingWords: false,
      backlog: 0,
    });
    expect(await writeChatState(db.prisma, write())).toBe(true);

    const state = await readChatState(db.prisma, { ...key, updateId: 1001n });
    expect(state.version).toBe(1);
    // The two unsent messages to this chat: not its button answer, nor the staff group's.
    expect(state.backlog).toBe(2);
    expect(state.user).toEqual(await db.prisma.user.findUnique({ where: { id: 42n } }));
    expect(state.conversation).toEqual(
      await db.prisma.conversation.findUnique({ where: { chatId: 42n } }),
    );
    expect(state.conversation?.snapshot).toEqual({
      value: "asking",
      context: { answers: { want: "payout" } },
    });
    expect(state.user).toMatchObject({ language: "uk", firstName: "Олена", role: "customer" });
    // Through the driver itself the read is the same.
    expect(
      await readChatState(db.prisma, { ...key, updateId: 1001n }, viaDriver(db.driver)),
    ).toEqual(state);
    // The update is marked processed; a second delivery reads as such.
    expect((await readChatState(db.prisma, key)).processed).toBe(true);
    // The messages keep their order.
    const out = await db.prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
    expect(out.map((o) => [o.chatId, o.method, o.payload])).toEqual([
      [42n, "sendMessage", { chat_id: "42", text: "first" }],
      [42n, "answerCallbackQuery", { callback_query_id: "q1" }],
      [42n, "sendMessage", { chat_id: "42", text: "third" }],
      [-100n, "sendMessage", { chat_id: "-100", text: "to the staff group" }],
    ]);
  });

  it("write nothing when the chat changed since it was read", async () => {
    db = await createTestDatabase(kind);
    expect(await writeChatState(db.prisma, write())).toBe(true);
    const before = await db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 42n } });
    // Read at version 0 again: another process wrote in between.
    const stale = write({
      updateId: 1001n,
      conversation: { kind: "delete" },
      user: {
        id: 42n,
        language: null,
        firstName: "Changed",
        username: null,
        blockedAt: null,
        admin: true,
      },
    });
    expect(await writeChatState(db.prisma, stale)).toBe(false);
    expect(await writeChatState(db.prisma, stale, viaDriver(db.driver))).toBe(false);
    expect(await db.prisma.conversation.findUnique({ where: { chatId: 42n } })).toEqual(before);
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: 42n } })).toMatchObject({
      firstName: "Олена",
      role: "customer",
    });
    expect(await db.prisma.outboxMessage.count()).toBe(4);
    expect(await db.prisma.inboundUpdate.count({ where: { updateId: 1001n } })).toBe(0);
    // Read at the version that is current, the same write goes through (here by the driver).
    expect(
      await writeChatState(db.prisma, { ...stale, readVersion: 1 }, viaDriver(db.driver)),
    ).toBe(true);
    expect(await db.prisma.conversation.findUnique({ where: { chatId: 42n } })).toBeNull();
  });

  it("write nothing when the chat's gate was read and is gone since (the person's data erased)", async () => {
    db = await createTestDatabase(kind);
    expect(await writeChatState(db.prisma, write())).toBe(true);
    // The erasure removes the gate with everything else of theirs.
    await db.prisma.conversation.deleteMany();
    await db.prisma.chat.deleteMany();
    await db.prisma.user.deleteMany();
    const stale = write({ updateId: 1001n, readVersion: 1 });
    expect(await writeChatState(db.prisma, stale)).toBe(false);
    expect(await writeChatState(db.prisma, stale, viaDriver(db.driver))).toBe(false);
    expect(await db.prisma.conversation.count()).toBe(0);
    expect(await db.prisma.chat.count()).toBe(0);
    // Read anew, as the update is run again: a first contact.
    expect(await writeChatState(db.prisma, { ...stale, readVersion: 0 })).toBe(true);
  });

  it("write nothing over a conversation that a reminder moved on", async () => {
    db = await createTestDatabase(kind);
    expect(await writeChatState(db.prisma, write())).toBe(true);
    const read = await readChatState(db.prisma, { ...key, updateId: 1001n });
    const config = testConfig({});
    const idle = new IdleConversations({
      prisma: db.prisma,
      i18n: createI18nFor(config),
      defaultLanguage: "en",
      timeZone: "UTC",
      idleMinutes: 60,
      logger: createLogger("silent"),
    });
    expect(await idle.tick(new Date("2026-11-24T10:45:00.000Z"))).toEqual({
      reminded: 1,
      expired: 0,
    });
    const step = write({ updateId: 1001n, readVersion: read.version, out: [] });
    expect(await writeChatState(db.prisma, step)).toBe(false);
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 42n } });
    expect(row.remindedAt).not.toBeNull();
  });

  it("see an earlier update of the chat stored and waiting", async () => {
    db = await createTestDatabase(kind);
    await db.prisma.inboundUpdate.create({
      data: { updateId: 999n, lane: 42n, payload: {} },
    });
    expect((await readChatState(db.prisma, key)).earlierPending).toBe(true);
    expect((await readChatState(db.prisma, { ...key, updateId: 998n })).earlierPending).toBe(false);
  });

  it("see whether staff await the writer's words: a hand-off's question, a case's answer", async () => {
    db = await createTestDatabase(kind);
    const awaiting = async () => (await readChatState(db.prisma, key)).awaitingWords;
    const id = await makeCase(db.prisma, { customerId: 42 });
    expect(await awaiting()).toBe(false);
    await db.prisma.refundCase.update({ where: { id }, data: { status: "needs_info" } });
    expect(await awaiting()).toBe(true);
    await db.prisma.refundCase.update({ where: { id }, data: { status: "in_review" } });
    const h = await db.prisma.handoff.create({
      data: { customerId: 42n, chatId: 42n, origin: "menu", createdAt: new Date() },
    });
    expect(await awaiting()).toBe(true);
    await db.prisma.handoff.update({ where: { id: h.id }, data: { status: "open" } });
    expect(await awaiting()).toBe(false);
    expect((await readChatState(db.prisma, { ...key, userId: 43n })).awaitingWords).toBe(false);
  });

  /** A staff member's update (lane 701) that approves case `caseId` from `version`. */
  function approving(caseId: number, version: number, over: Partial<ChatWrite> = {}): ChatWrite {
    const move: CaseMove = {
      caseId,
      version,
      from: "submitted",
      to: "approved",
      assigneeId: 701n,
      decided: true,
      actorId: 701n,
      note: "checked",
    };
    return {
      lane: 701n,
      chatId: -100n,
      userId: 701n,
      updateId: 2000n,
      readVersion: 0,
      now: write().now,
      caseMove: move,
      out: [{ kind: "message", chatId: -100n, text: "approved" }],
      ...over,
    };
  }

  it("move a case with the update's write, from the version read, or write neither", async () => {
    db = await createTestDatabase(kind);
    await makeStaff(db.prisma, 701);
    const id = await makeCase(db.prisma, { customerId: 42 });
    const before = await db.prisma.refundCase.findUniqueOrThrow({ where: { id } });
    const unwritten = async (updateId: bigint) => {
      expect(await db.prisma.refundCase.findUniqueOrThrow({ where: { id } })).toEqual(before);
      expect(await db.prisma.caseEvent.count({ where: { caseId: id } })).toBe(1);
      expect(await db.prisma.outboxMessage.count()).toBe(0);
      expect(await db.prisma.inboundUpdate.count({ where: { updateId } })).toBe(0);
    };

    // The case was moved by someone else since it was read: nothing of this update is written.
    expect(await writeChatState(db.prisma, approving(id, before.version + 1))).toBe(false);
    await unwritten(2000n);
    // The chat changed since it was read (the refused write still bumped its gate, now at 1):
    // the case stays where it was.
    expect(await writeChatState(db.prisma, approving(id, before.version, { readVersion: 0 }))).toBe(
      false,
    );
    await unwritten(2000n);

    const now = write().now;
    expect(
      await writeChatState(
        db.prisma,
        approving(id, before.version, { readVersion: 1 }),
        viaDriver(db.driver),
      ),
    ).toBe(true);
    expect(await db.prisma.refundCase.findUniqueOrThrow({ where: { id } })).toEqual({
      ...before,
      status: "approved",
      version: before.version + 1,
      assigneeId: 701n,
      decidedAt: now,
      updatedAt: now,
    });
    const events = await db.prisma.caseEvent.findMany({
      where: { caseId: id },
      orderBy: { id: "asc" },
    });
    expect(events.at(-1)).toMatchObject({
      actorId: 701n,
      at: now,
      fromStatus: "submitted",
      toStatus: "approved",
      note: "checked",
    });
    expect(await db.prisma.outboxMessage.count()).toBe(1);
    expect((await readChatState(db.prisma, { ...key, updateId: 2000n })).processed).toBe(true);
  });

  it("open a submitted case with the update's write, its event and the request's files, or none of it", async () => {
    db = await createTestDatabase(kind);
    expect(await writeChatState(db.prisma, write())).toBe(true);
    const now = write().now;
    const since = new Date(now.getTime() - 3_600_000);
    const file = (chatId: bigint, messageId: number, minutes: number) => ({
      customerId: chatId,
      chatId,
      kind: "photo" as const,
      fileId: `file-${messageId}`,
      fileUniqueId: `unique-${messageId}`,
      messageId,
      createdAt: new Date(since.getTime() + minutes * 60_000),
    });
    // A leftover of an earlier request, two of this one, and another chat's.
    await db.prisma.attachment.createMany({
      data: [file(42n, 1, -1), file(42n, 2, 0), file(42n, 3, 5), file(43n, 4, 5)],
    });
    const submitted = await submitCase(db.prisma, {
      customerId: 42n,
      chatId: 42n,
      request: REQUEST,
      now,
      calendar: { timeZone: "Europe/Kyiv", holidays: [] },
      draftsSince: since,
    });
    expect(submitted.files.map((f) => f.messageId)).toEqual([2, 3]);
    const opening = (over: Partial<ChatWrite>): ChatWrite => {
      const { user: _, ...rest } = write({
        updateId: 2000n,
        readVersion: 1,
        conversation: { kind: "delete" },
        caseOpen: { case: submitted.case, draftsSince: since },
        ...over,
      });
      return rest;
    };
    const drafts = () =>
      db.prisma.attachment.findMany({
        orderBy: { messageId: "asc" },
        select: { messageId: true, caseId: true },
      });

    // Read before another update of the chat: nothing of the case is written.
    expect(await writeChatState(db.prisma, opening({ readVersion: 0 }))).toBe(false);
    expect(await db.prisma.refundCase.count()).toBe(0);
    expect(await db.prisma.caseEvent.count()).toBe(0);
    expect((await drafts()).map((d) => d.caseId)).toEqual([null, null, null, null]);

    expect(await writeChatState(db.prisma, opening({}), viaDriver(db.driver))).toBe(true);
    // The row is the one the card was built from, as Prisma reads it back.
    expect(
      await db.prisma.refundCase.findUniqueOrThrow({ where: { id: submitted.case.id } }),
    ).toEqual(submitted.case);
    expect(
      await db.prisma.caseEvent.findMany({
        select: {
          caseId: true,
          actorId: true,
          at: true,
          fromStatus: true,
          toStatus: true,
          note: true,
        },
      }),
    ).toEqual([
      {
        caseId: submitted.case.id,
        actorId: 42n,
        at: now,
        fromStatus: null,
        toStatus: "submitted",
        note: null,
      },
    ]);
    expect(await drafts()).toEqual([
      { messageId: 2, caseId: submitted.case.id },
      { messageId: 3, caseId: submitted.case.id },
      { messageId: 4, caseId: null },
    ]);
    expect(await db.prisma.conversation.count()).toBe(0);
  });

  it("open cases of several chats in one statement, each only with its own gate", async () => {
    db = await createTestDatabase(kind);
    const chats = [51n, 52n, 53n];
    for (const chat of chats)
      expect(await writeChatState(db.prisma, chatWrite(chat, chat))).toBe(true);
    // A file of chat 51's request: with no request under way (no time it began), it stays a draft.
    await db.prisma.attachment.create({
      data: {
        customerId: 51n,
        chatId: 51n,
        kind: "photo",
        fileId: "draft",
        fileUniqueId: "draft",
        messageId: 9,
      },
    });
    const open = async (chat: bigint, readVersion: number): Promise<ChatWrite> => {
      const submitted = await submitCase(db.prisma, {
        customerId: chat,
        chatId: chat,
        request: REQUEST,
        now: write().now,
        calendar: { timeZone: "Europe/Kyiv", holidays: [] },
        draftsSince: null,
      });
      return {
        ...chatWrite(chat, 100n + chat, { readVersion }),
        caseOpen: { case: submitted.case, draftsSince: null },
      };
    };
    const first = await open(51n, 1);
    const stale = await open(52n, 0);
    const applied = await writeChatStates(db.prisma, [
      first,
      stale,
      chatWrite(53n, 153n, { readVersion: 1 }),
    ]);
    expect(applied).toEqual(new Set([51n, 53n]));
    expect(await db.prisma.refundCase.findMany({ select: { id: true, chatId: true } })).toEqual([
      { id: first.caseOpen?.case.id, chatId: 51n },
    ]);
    expect(await db.prisma.caseEvent.count()).toBe(1);
    expect(await db.prisma.attachment.findMany({ select: { caseId: true } })).toEqual([
      { caseId: null },
    ]);
  });

  it("write the others of a batch when one's case moved on", async () => {
    db = await createTestDatabase(kind);
    await makeStaff(db.prisma, 701);
    const id = await makeCase(db.prisma, { customerId: 42 });
    const applied = await writeChatStates(db.prisma, [write(), approving(id, 7)]);
    expect(applied).toEqual(new Set([42n]));
    expect(await db.prisma.refundCase.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "submitted",
      version: 0,
    });
    expect(await db.prisma.outboxMessage.count({ where: { chatId: 42n } })).toBe(3);
    expect(
      await db.prisma.outboxMessage.count({
        where: { payload: { equals: { chat_id: "-100", text: "approved" } } },
      }),
    ).toBe(0);
  });

  it("take the writer's prompt of the action and case answered with the write, and only then", async () => {
    db = await createTestDatabase(kind);
    const prompt = (userId: bigint, action: string, caseId = 1) =>
      db.prisma.staffPrompt.create({
        data: { userId, chatId: -100n, action, caseId, at: write().now },
      });
    await prompt(701n, "approve");
    await prompt(701n, "approve", 2);
    await prompt(702n, "reject");
    const taking = (userId: bigint, over: Partial<ChatWrite> = {}): ChatWrite => ({
      lane: userId,
      chatId: -100n,
      userId,
      updateId: 3000n + userId,
      readVersion: 0,
      now: write().now,
      promptTaken: { action: "approve", caseId: 1 },
      out: [],
      ...over,
    });
    const left = async () =>
      (
        await db.prisma.staffPrompt.findMany({ orderBy: [{ userId: "asc" }, { caseId: "asc" }] })
      ).map((p) => `${p.userId}:${p.caseId}`);
    // A write that is not applied (its chat moved on) leaves the prompt.
    await db.prisma.chat.create({ data: { id: 701n, version: 1 } });
    expect(await writeChatState(db.prisma, taking(701n))).toBe(false);
    expect(await left()).toEqual(["701:1", "701:2", "702:1"]);
    // A prompt of another action stays, and so does one of another case.
    expect(
      await writeChatStates(db.prisma, [taking(701n, { readVersion: 1 }), taking(702n)]),
    ).toEqual(new Set([701n, 702n]));
    expect(await left()).toEqual(["701:2", "702:1"]);
  });

  it("be planned once, alone or grouped: PostgreSQL settles on their generic plans", async () => {
    db = await createTestDatabase(kind);
    // Two hundred chats, with statistics: the planner's costs are those of a real table.
    const chats = Array.from({ length: 200 }, (_, i) => BigInt(i + 1));
    const of = (chat: bigint, updateId: bigint, readVersion: number) =>
      chatWrite(chat, updateId, { readVersion, conversation: true });
    for (const chat of chats) expect(await writeChatState(db.prisma, of(chat, chat, 0))).toBe(true);
    await db.prisma.$executeRawUnsafe("ANALYZE");
    const { driver, close } = oneSession(db);
    try {
      const run = viaDriver(driver);
      const keyOf = (chat: bigint) => ({
        lane: chat,
        chatId: chat,
        userId: chat,
        updateId: 1000n + chat,
      });
      for (let i = 1n; i <= 8n; i++) {
        await readChatState(db.prisma, keyOf(i), run);
        await readChatStates(db.prisma, [keyOf(20n + i), keyOf(40n + i)], run);
        expect(await writeChatState(db.prisma, of(i, 1000n + i, 1), run)).toBe(true);
        expect(
          await writeChatStates(
            db.prisma,
            [of(20n + i, 1000n + i, 1), of(40n + i, 2000n + i, 1)],
            run,
          ),
        ).toEqual(new Set([20n + i, 40n + i]));
      }
      // A submission's write, which opens its case, is a statement of its own shape.
      for (let i = 1n; i <= 16n; i++) {
        const chat = 60n + i;
        const submitted = await submitCase(db.prisma, {
          customerId: chat,
          chatId: chat,
          request: REQUEST,
          now: new Date(),
          calendar: { timeZone: "Europe/Kyiv", holidays: [] },
          draftsSince: null,
        });
        const opening = { case: submitted.case, draftsSince: new Date() };
        expect(
          await writeChatState(db.prisma, { ...of(chat, 1000n + chat, 1), caseOpen: opening }, run),
        ).toBe(true);
      }
      // The read, the write and the opening write, each one statement alone or grouped: planned
      // for their first five runs, as PostgreSQL does before comparing; the generic plan serves
      // the others.
      expect(await plansOf(driver, "%WITH input AS%")).toEqual([
        { generic: 11, custom: 5 },
        { generic: 11, custom: 5 },
        { generic: 11, custom: 5 },
      ]);
    } finally {
      await close();
    }
  });
});
