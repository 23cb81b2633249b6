import { afterEach, describe, expect, it } from "vitest";
import { connectPostgres, type Database } from "../../src/database/open.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { Pace } from "../../src/outbox/pace.ts";
import { OutboxSender } from "../../src/outbox/sender.ts";
import { enqueue as enqueueOutgoing, type Outgoing } from "../../src/outbox/write.ts";
import { type DbProxy, startDbProxy } from "../faults/db-proxy.ts";
import { BotApiError, RecordingBotApi } from "../support/bot-api.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/database.ts";

const logger = createLogger("silent");
const noPace = () =>
  new Pace({
    chat: { burst: 1e9, perSecond: 1e9 },
    group: { burst: 1e9, perSecond: 1e9 },
    global: { burst: 1e9, perSecond: 1e9 },
  });

describe.each(databaseKinds)("OutboxSender on %s", (kind) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db.close();
  });

  async function enqueue(chatId: bigint, text: string) {
    await db.prisma.outboxMessage.create({
      data: { chatId, method: "sendMessage", payload: { chat_id: chatId.toString(), text } },
    });
  }

  async function drain(sender: OutboxSender) {
    while ((await sender.sendDue()) > 0) {}
  }

  async function queue(...out: Outgoing[]) {
    await enqueueOutgoing(db.prisma, out);
  }

  const card = (text: string): Outgoing => ({ kind: "message", chatId: 7n, text, ref: "card:1" });
  const edit = (text: string): Outgoing => ({
    kind: "edit",
    chatId: 7n,
    target: { ref: "card:1" },
    text,
  });

  it("edits a named message in place, each change after the one before it", async () => {
    db = await createTestDatabase(kind);
    await queue(card("v1"), edit("v2"), edit("v3"));
    const api = new RecordingBotApi();
    await drain(new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() }));
    expect(api.calls.map((c) => [c.method, c.payload.message_id, c.payload.text])).toEqual([
      ["sendMessage", undefined, "v1"],
      ["editMessageText", 1, "v2"],
      ["editMessageText", 1, "v3"],
    ]);
    const rows = await db.prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.status, r.messageId])).toEqual([
      ["sent", 1n],
      ["sent", 1n],
      ["sent", 1n],
    ]);
  });

  it("counts 'message is not modified' as done, and sends anew a message that can no longer be edited", async () => {
    db = await createTestDatabase(kind);
    await queue(card("v1"), edit("v1"), edit("v2"), edit("v3"));
    const api = new RecordingBotApi();
    const editing = (c: { method: string }) => c.method === "editMessageText";
    api.failNext(new BotApiError(400, "Bad Request: message is not modified"), editing);
    api.failNext(new BotApiError(400, "Bad Request: message can't be edited"), editing);
    await drain(new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() }));
    // v2 could not be edited into message 1: it is message 2, and v3 edits that one.
    expect(api.calls.map((c) => [c.method, c.payload.message_id, c.payload.text])).toEqual([
      ["sendMessage", undefined, "v1"],
      ["sendMessage", undefined, "v2"],
      ["editMessageText", 2, "v3"],
    ]);
    expect(await db.prisma.outboxMessage.count({ where: { status: "sent" } })).toBe(4);
  });

  it("sends a change to a message that never reached the chat as a message of its own; a gone keyboard needs nothing", async () => {
    db = await createTestDatabase(kind);
    await queue(card("v1"));
    await db.prisma.outboxMessage.updateMany({ data: { status: "failed" } });
    await queue(edit("v2"), { kind: "unbutton", chatId: 7n, target: { messageId: 99 } });
    const api = new RecordingBotApi();
    api.failNext(
      new BotApiError(400, "Bad Request: message to edit not found"),
      (c) => c.method === "editMessageReplyMarkup",
    );
    await drain(new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() }));
    expect(api.calls.map((c) => [c.method, c.payload.text])).toEqual([["sendMessage", "v2"]]);
    expect(await db.prisma.outboxMessage.count({ where: { status: "pending" } })).toBe(0);
  });

  it("delivers each chat's messages in order, once", async () => {
    db = await createTestDatabase(kind);
    for (const t of ["a1", "b1", "a2", "b2", "a3"]) await enqueue(t.startsWith("a") ? 1n : 2n, t);
    const api = new RecordingBotApi();
    const sender = new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() });
    await drain(sender);
    expect(api.textsTo(1)).toEqual(["a1", "a2", "a3"]);
    expect(api.textsTo(2)).toEqual(["b1", "b2"]);
    expect(await db.prisma.outboxMessage.count({ where: { status: "sent" } })).toBe(5);
  });

  it("honours retry_after on 429 and keeps the chat's later messages behind it", async () => {
    db = await createTestDatabase(kind);
    await enqueue(1n, "first");
    await enqueue(1n, "second");
    const api = new RecordingBotApi();
    api.failNext(new BotApiError(429, "Too Many Requests: retry after 30", 30));
    const sender = new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() });
    await drain(sender);
    expect(api.calls).toHaveLength(0);
    const first = await db.prisma.outboxMessage.findFirstOrThrow({ orderBy: { id: "asc" } });
    expect(first.status).toBe("pending");
    expect(first.attempts).toBe(0);
    expect(first.notBefore.getTime() - Date.now()).toBeGreaterThan(25_000);
    // Once the wait is over, both leave in order.
    await db.prisma.outboxMessage.updateMany({ data: { notBefore: new Date(0) } });
    await drain(sender);
    expect(api.textsTo(1)).toEqual(["first", "second"]);
  });

  it("keeps a message through an outage longer than ten tries, and gives it up only once a day old", async () => {
    db = await createTestDatabase(kind);
    await enqueue(1n, "through the outage");
    await enqueue(1n, "after it");
    // Ten tries spent already: Telegram has not answered for a quarter of an hour.
    await db.prisma.outboxMessage.updateMany({ where: { chatId: 1n }, data: { attempts: 10 } });
    const api = new RecordingBotApi();
    const sender = new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() });
    const retry = () => db.prisma.outboxMessage.updateMany({ data: { notBefore: new Date(0) } });
    api.failNext(new BotApiError(0, "no answer within 5000 ms"));
    await drain(sender);
    await retry();
    api.failNext(new BotApiError(502, "Bad Gateway"));
    await drain(sender);
    const head = await db.prisma.outboxMessage.findFirstOrThrow({ orderBy: { id: "asc" } });
    expect(head).toMatchObject({ status: "pending", attempts: 12, lastError: "Bad Gateway" });
    // Telegram is back: the chat gets both, in order, nothing missing.
    await retry();
    await drain(sender);
    expect(api.textsTo(1)).toEqual(["through the outage", "after it"]);
    // A message a day old when Telegram still cannot be reached is given up.
    await enqueue(2n, "too late");
    await db.prisma.outboxMessage.updateMany({
      where: { chatId: 2n },
      data: { createdAt: new Date(Date.now() - 25 * 3_600_000) },
    });
    api.failNext(new BotApiError(0, "socket hang up"));
    await drain(sender);
    expect((await db.prisma.outboxMessage.findFirstOrThrow({ where: { chatId: 2n } })).status).toBe(
      "failed",
    );
  });

  it("drops a chat's pending messages when the user blocked the bot, and says so", async () => {
    db = await createTestDatabase(kind);
    await enqueue(1n, "x");
    await enqueue(1n, "y");
    await enqueue(2n, "z");
    const api = new RecordingBotApi();
    api.failNext(
      new BotApiError(403, "Forbidden: bot was blocked by the user"),
      (c) => c.payload.chat_id === "1",
    );
    const unreachable: bigint[] = [];
    const sender = new OutboxSender({
      prisma: db.prisma,
      api,
      logger,
      pace: noPace(),
      onChatUnreachable: async (id) => {
        unreachable.push(id);
      },
    });
    await drain(sender);
    expect(api.textsTo(2)).toEqual(["z"]);
    expect(unreachable).toEqual([1n]);
    expect(await db.prisma.outboxMessage.count({ where: { chatId: 1n, status: "failed" } })).toBe(
      2,
    );
  });

  it("retries a transient failure later and gives up on a permanent one", async () => {
    db = await createTestDatabase(kind);
    await enqueue(1n, "flaky");
    await enqueue(2n, "bad");
    const api = new RecordingBotApi();
    api.failNext(new BotApiError(0, "socket hang up"), (c) => c.payload.chat_id === "1");
    api.failNext(
      new BotApiError(400, "Bad Request: message text is empty"),
      (c) => c.payload.chat_id === "2",
    );
    const sender = new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() });
    await drain(sender);
    const flaky = await db.prisma.outboxMessage.findFirstOrThrow({ where: { chatId: 1n } });
    expect(flaky).toMatchObject({ status: "pending", attempts: 1, lastError: "socket hang up" });
    expect(flaky.notBefore.getTime()).toBeGreaterThan(Date.now());
    expect((await db.prisma.outboxMessage.findFirstOrThrow({ where: { chatId: 2n } })).status).toBe(
      "failed",
    );
    await db.prisma.outboxMessage.updateMany({ data: { notBefore: new Date(0) } });
    await drain(sender);
    expect(api.textsTo(1)).toEqual(["flaky"]);
  });

  it("paces a chat: a burst beyond the chat's allowance waits", async () => {
    db = await createTestDatabase(kind);
    for (const t of ["1", "2", "3"]) await enqueue(5n, t);
    const api = new RecordingBotApi();
    const pace = new Pace({
      chat: { burst: 2, perSecond: 0.001 },
      group: { burst: 1, perSecond: 1 },
      global: { burst: 100, perSecond: 100 },
    });
    const sender = new OutboxSender({ prisma: db.prisma, api, logger, pace });
    await drain(sender);
    expect(api.textsTo(5)).toEqual(["1", "2"]);
    // Never claimed, so never put back: no attempt counted, no lease, no new time.
    const third = await db.prisma.outboxMessage.findFirstOrThrow({ where: { status: "pending" } });
    expect(third).toMatchObject({ attempts: 0, leaseUntil: null });
    expect(third.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("never sends a message twice with several senders at once", async () => {
    db = await createTestDatabase(kind);
    for (let i = 0; i < 60; i++) await enqueue(BigInt(i % 6), `m${i}`);
    const api = new RecordingBotApi();
    const senders = [0, 1, 2].map(
      () => new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() }),
    );
    await Promise.all(senders.map(drain));
    expect(api.calls).toHaveLength(60);
    for (let c = 0; c < 6; c++) {
      const want = Array.from({ length: 10 }, (_, k) => `m${c + 6 * k}`);
      expect(api.textsTo(c)).toEqual(want);
    }
  });

  it("drains a backlog of many chats in rounds: every chat's first message leaves before any chat's third", async () => {
    db = await createTestDatabase(kind);
    // Enqueued chat by chat, so the oldest messages all belong to the first chats.
    await db.prisma.outboxMessage.createMany({
      data: Array.from({ length: 120 }, (_, c) =>
        [1, 2, 3].map((k) => ({
          chatId: BigInt(c + 1),
          method: "sendMessage",
          payload: { chat_id: String(c + 1), text: `c${c + 1}m${k}` },
        })),
      ).flat(),
    });
    const api = new RecordingBotApi();
    const sender = new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() });
    await drain(sender);
    const texts = api.calls.map((c) => String(c.payload.text));
    expect(texts).toHaveLength(360);
    const lastFirst = Math.max(...texts.flatMap((t, i) => (t.endsWith("m1") ? [i] : [])));
    const firstThird = texts.findIndex((t) => t.endsWith("m3"));
    expect(lastFirst).toBeLessThan(firstThird);
    for (let c = 1; c <= 120; c++)
      expect(api.textsTo(c)).toEqual([1, 2, 3].map((k) => `c${c}m${k}`));
  });

  it("claims no more than the bot's allowance, and leaves the rest unclaimed", async () => {
    db = await createTestDatabase(kind);
    for (let c = 1n; c <= 30n; c++) await enqueue(c, `to ${c}`);
    const pace = new Pace({
      chat: { burst: 5, perSecond: 1 },
      group: { burst: 5, perSecond: 1 },
      global: { burst: 10, perSecond: 0.001 },
    });
    const api = new RecordingBotApi();
    const sender = new OutboxSender({ prisma: db.prisma, api, logger, pace });
    await drain(sender);
    expect(api.calls).toHaveLength(10);
    expect(
      await db.prisma.outboxMessage.count({
        where: { status: "pending", attempts: 0, leaseUntil: null },
      }),
    ).toBe(20);
  });

  it("holds a chat back while another sender's lease is on its head, then sends in order", async () => {
    db = await createTestDatabase(kind);
    await enqueue(1n, "leased elsewhere");
    await enqueue(1n, "after it");
    await enqueue(2n, "free");
    const head = await db.prisma.outboxMessage.findFirstOrThrow({ orderBy: { id: "asc" } });
    await db.prisma.outboxMessage.update({
      where: { id: head.id },
      data: { leaseUntil: new Date(Date.now() + 60_000), attempts: 1 },
    });
    const api = new RecordingBotApi();
    const sender = new OutboxSender({ prisma: db.prisma, api, logger, pace: noPace() });
    await drain(sender);
    expect(api.textsTo(1)).toEqual([]);
    expect(api.textsTo(2)).toEqual(["free"]);
    // The other sender died: once its lease is over, the head goes, then the next.
    await db.prisma.outboxMessage.update({
      where: { id: head.id },
      data: { leaseUntil: new Date(Date.now() - 1_000) },
    });
    await drain(sender);
    expect(api.textsTo(1)).toEqual(["leased elsewhere", "after it"]);
  });

  it("sends a button's answer at once, ahead of its chat's paced messages", async () => {
    db = await createTestDatabase(kind);
    // A group chat whose allowance is spent: its next message waits about three seconds.
    const pace = new Pace({
      chat: { burst: 1, perSecond: 1 },
      group: { burst: 1, perSecond: 1 / 3 },
      global: { burst: 1e9, perSecond: 1e9 },
    });
    for (const t of ["card 1", "card 2"]) await enqueue(-100n, t);
    const api = new RecordingBotApi();
    const sender = new OutboxSender({ prisma: db.prisma, api, logger, pace });
    await drain(sender);
    // The staff member presses a button on card 1 while card 2 still waits for its turn.
    await db.prisma.outboxMessage.create({
      data: { chatId: -100n, method: "answerCallbackQuery", payload: { callback_query_id: "q1" } },
    });
    await drain(sender);
    expect(api.calls.map((c) => c.method)).toEqual(["sendMessage", "answerCallbackQuery"]);
    const waiting = await db.prisma.outboxMessage.findFirstOrThrow({
      where: { status: "pending" },
    });
    expect(waiting.payload).toMatchObject({ text: "card 2" });
  });

  it("sends a chat's next message once the one before is marked sent, without waiting for a poll", async () => {
    db = await createTestDatabase(kind);
    for (const t of ["first", "second", "third"]) await enqueue(4n, t);
    const api = new RecordingBotApi();
    const sender = new OutboxSender({
      prisma: db.prisma,
      api,
      logger,
      pace: noPace(),
      pollMs: 60_000,
    });
    sender.start();
    try {
      // Each message's sent mark asks for the claim that writes it, which takes the next.
      for (let i = 0; i < 1_000 && api.textsTo(4).length < 3; i++)
        await new Promise((r) => setTimeout(r, 10));
    } finally {
      await sender.stop();
    }
    expect(api.textsTo(4)).toEqual(["first", "second", "third"]);
  });

  it("sending at the bot's allowance, claims messages once several may leave, and a button's answer at once", async () => {
    db = await createTestDatabase(kind);
    for (let c = 1n; c <= 15n; c++) await enqueue(c, `to ${c}`);
    const api = new RecordingBotApi();
    // The pace's clock moves only when the test says: five at once, then one every 1,000 s.
    let now = 0;
    const pace = new Pace(
      {
        chat: { burst: 1e9, perSecond: 1e9 },
        group: { burst: 1e9, perSecond: 1e9 },
        global: { burst: 5, perSecond: 0.001 },
      },
      () => now,
    );
    let claims = 0;
    const driver: typeof db.driver = (text, values) => {
      if (text.includes("WITH RECURSIVE walk")) claims++;
      return db.driver(text, values);
    };
    // No poll within the test: whatever is claimed after the first, a kick asked for.
    const sender = new OutboxSender({
      prisma: db.prisma,
      driver,
      api,
      logger,
      pace,
      pollMs: 60_000,
    });
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 1_000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(done()).toBe(true);
    };
    const untouched = () =>
      db.prisma.outboxMessage.count({
        where: { status: "pending", attempts: 0, leaseUntil: null },
      });
    sender.start();
    try {
      await until(() => api.calls.length === 5);
      // Two may leave: not worth a claim of messages. A staff member presses a button.
      now = 2_000_000;
      await db.prisma.outboxMessage.create({
        data: { chatId: -100n, method: "answerCallbackQuery", payload: { callback_query_id: "q" } },
      });
      sender.kick(true);
      await until(() => api.calls.some((c) => c.method === "answerCallbackQuery"));
      expect(api.calls).toHaveLength(6);
      // The answer's claim leased no message.
      expect(await untouched()).toBe(10);
      // Five may leave: a commit's kick now claims them.
      now = 5_000_000;
      sender.kick();
      await until(() => api.calls.length === 11);
    } finally {
      await sender.stop();
    }
    expect(await untouched()).toBe(5);
    for (let c = 1; c <= 10; c++) expect(api.textsTo(c)).toEqual([`to ${c}`]);
    // The first five, the answer, the next five: no claim came for one message.
    expect(claims).toBe(3);
  });

  it("gives up a call that never answers after its time limit, and other chats' messages go on meanwhile", async () => {
    db = await createTestDatabase(kind);
    await enqueue(1n, "to the silent chat");
    await enqueue(2n, "to another chat");
    const api = new RecordingBotApi();
    const never = new Promise<never>(() => {});
    const silent: typeof api.call = (method, payload) =>
      String(payload.chat_id) === "1" ? never : api.call(method, payload);
    const sender = new OutboxSender({
      prisma: db.prisma,
      api: { call: silent },
      logger,
      pace: noPace(),
      callTimeoutMs: 300,
      pollMs: 20,
    });
    sender.start();
    try {
      for (let i = 0; i < 100 && api.textsTo(2).length === 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(api.textsTo(2)).toEqual(["to another chat"]);
      for (let i = 0; i < 100; i++) {
        const m = await db.prisma.outboxMessage.findFirstOrThrow({ where: { chatId: 1n } });
        if (m.lastError !== null) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await sender.stop();
    }
    const stuck = await db.prisma.outboxMessage.findFirstOrThrow({ where: { chatId: 1n } });
    expect(stuck).toMatchObject({ status: "pending", leaseUntil: null });
    expect(stuck.lastError).toContain("no answer within 300 ms");
  });
});

// Only where PostgreSQL is (CI always): the database is cut through a proxy the test controls.
describe.runIf(databaseKinds.includes("postgres"))("OutboxSender stopping on PostgreSQL", () => {
  let db: TestDatabase;
  let proxy: DbProxy;
  let viaProxy: Database;
  afterEach(async () => {
    await viaProxy.close();
    await proxy.close();
    await db.close();
  });

  it("writes a sent mark the database refused for a moment while stopping: the message is not sent again", async () => {
    db = await createTestDatabase("postgres");
    const url = new URL(db.url ?? "");
    proxy = await startDbProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    viaProxy = await connectPostgres(url.toString(), { timeoutMs: 2_000 });
    await db.prisma.outboxMessage.create({
      data: { chatId: 1n, method: "sendMessage", payload: { chat_id: "1", text: "hello" } },
    });
    const api = new RecordingBotApi();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let asked = false;
    const sender = new OutboxSender({
      prisma: viaProxy.prisma,
      api: {
        call: async (method, payload) => {
          asked = true;
          await held;
          return api.call(method, payload);
        },
      },
      logger,
      pace: noPace(),
    });
    sender.start();
    for (let i = 0; i < 1_000 && !asked; i++) await new Promise((r) => setTimeout(r, 10));
    expect(asked).toBe(true);
    // A shutdown begins while Telegram takes the message, and the database goes away.
    const stopping = sender.stop();
    proxy.cut();
    release();
    await new Promise((r) => setTimeout(r, 1_500));
    proxy.restore();
    await stopping;
    expect(api.textsTo(1)).toEqual(["hello"]);
    expect(await db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "sent" });
  });
});
