import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { connectPostgres, type Database, type PrismaClient } from "../../src/database/open.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { Admission } from "../../src/updates/admission.ts";
import { processInChat } from "../../src/updates/chat-state.ts";
import {
  type GiveUpHandler,
  Inbox,
  storable,
  type UpdateHandler,
} from "../../src/updates/inbox.ts";
import type { Inbound } from "../../src/updates/parse.ts";
import { ChatChanged } from "../../src/updates/signals.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/database.ts";

const logger = createLogger("silent");

function textUpdate(updateId: number, chatId: number, text: string) {
  return groupText(updateId, { id: chatId, type: "private" }, chatId, text);
}

function groupText(
  updateId: number,
  chat: { id: number; type: "private" | "supergroup" },
  from: number,
  text: string,
) {
  return {
    update_id: updateId,
    message: { message_id: updateId, date: 0, chat, from: { id: from, first_name: "T" }, text },
  };
}

const keyOf = (inbound: Inbound) => ({
  lane: inbound.lane,
  chatId: inbound.chatId,
  userId: inbound.from.id,
  updateId: inbound.updateId,
});

/** A handler that records, in the outbox, the order it saw each chat's texts. */
const record: UpdateHandler = (db, inbound) =>
  processInChat(db, keyOf(inbound), async () => {
    if (inbound.kind !== "text") return { out: [] };
    if (inbound.text === "boom") throw new Error("handler bug");
    return { out: [{ kind: "message", chatId: inbound.chatId, text: inbound.text }] };
  });

/** Tells the customer "sorry" and sets the update aside. */
const apologise: GiveUpHandler = (db, inbound, failure) =>
  processInChat(
    db,
    keyOf(inbound),
    async () => ({ out: [{ kind: "message", chatId: inbound.chatId, text: "sorry" }] }),
    failure,
  );

/** An inbox over this client with the recording handler: one process's. */
function inboxOn(prisma: PrismaClient): Inbox {
  return new Inbox({ prisma, handle: record, logger, onGiveUp: apologise });
}

async function seen(db: Database, chatId: number): Promise<string[]> {
  const rows = await db.prisma.outboxMessage.findMany({
    where: { chatId: BigInt(chatId) },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => (r.payload as { text: string }).text);
}

/** The client's raw statements: the hot path's read and write through Prisma. */
const RAW = new Set<string | symbol>(["$queryRaw", "$queryRawUnsafe"]);

describe("storable", () => {
  it("mends U+0000 and unpaired surrogates in nested keys and values, and keeps a clean update as it is", () => {
    const clean = { update_id: 1, message: { text: "hi 👋", entities: [{ type: "bold" }] } };
    expect(storable(clean)).toBe(clean);
    const dirty = { update_id: 2, message: { text: "a\u0000b", "k\ud800": ["x", "y\udc00"] } };
    expect(storable(dirty)).toEqual({
      update_id: 2,
      message: { text: "ab", "k\ufffd": ["x", "y\ufffd"] },
    });
    // Mended in a copy: the update as it came is left alone.
    expect(dirty.message.text).toBe("a\u0000b");
  });
});

describe.each(databaseKinds)("Inbox on %s", (kind) => {
  let db: TestDatabase;
  const extra: Database[] = [];
  afterEach(async () => {
    for (const d of extra.splice(0)) await d.close();
    await db.close();
  });

  it("stores and processes a text holding U+0000 and an unpaired surrogate (found by fuzzing)", async () => {
    db = await createTestDatabase(kind);
    const inbox = inboxOn(db.prisma);
    await inbox.receive(textUpdate(1, 1, "a\u0000b\ud800c"));
    expect(await seen(db, 1)).toEqual(["ab\ufffdc"]);
    // Mended before processing, not by a failed first attempt and a retry from the store.
    const row = await db.prisma.inboundUpdate.findUniqueOrThrow({ where: { updateId: 1n } });
    expect({ attempts: row.attempts, error: row.error }).toEqual({ attempts: 0, error: null });
  });

  it("processes each chat in update order, even when a burst arrives at once", async () => {
    db = await createTestDatabase(kind);
    const inbox = inboxOn(db.prisma);
    const updates = Array.from({ length: 40 }, (_, i) =>
      textUpdate(i + 1, (i % 4) + 1, `t${i + 1}`),
    );
    await Promise.all(updates.map((u) => inbox.receive(u)));
    await inbox.idle();
    for (let c = 1; c <= 4; c++) {
      expect(await seen(db, c)).toEqual(
        updates.filter((u) => u.message.chat.id === c).map((u) => u.message.text),
      );
    }
  });

  it("acts on an update delivered twice only once, and erases its payload", async () => {
    db = await createTestDatabase(kind);
    const inbox = inboxOn(db.prisma);
    await Promise.all([
      inbox.receive(textUpdate(1, 9, "once")),
      inbox.receive(textUpdate(1, 9, "once")),
    ]);
    await inbox.receive(textUpdate(1, 9, "once"));
    expect(await seen(db, 9)).toEqual(["once"]);
    const row = await db.prisma.inboundUpdate.findUniqueOrThrow({ where: { updateId: 1n } });
    expect(row.processedAt).not.toBeNull();
    expect(row.payload).toBeNull();
  });

  it("reports an update run again because its chat changed, and one stored behind its chat's earlier update", async () => {
    db = await createTestDatabase(kind);
    const contended: string[] = [];
    let runs = 0;
    const inbox = new Inbox({
      prisma: db.prisma,
      logger,
      onGiveUp: apologise,
      onContended: (k, how) => contended.push(`${k} ${how}`),
      // The first run's chat changes between its read and its write: another process wrote first.
      handle: (store, inbound) =>
        processInChat(store, keyOf(inbound), async () => {
          if (++runs === 1)
            await db.prisma.chat.upsert({
              where: { id: inbound.lane },
              create: { id: inbound.lane, version: 5 },
              update: { version: { increment: 1 } },
            });
          return { out: [{ kind: "message", chatId: inbound.chatId, text: "ok" }] };
        }),
    });
    await inbox.receive(textUpdate(1, 7, "a"));
    expect(contended).toEqual(["text rerun"]);
    expect(await seen(db, 7)).toEqual(["ok"]);
    // A crash left chat 8's first update stored: its next one waits behind it.
    await inbox.store(textUpdate(2, 8, "b"));
    await inbox.receive(textUpdate(3, 8, "c"));
    await inbox.idle();
    expect(contended).toEqual(["text rerun", "text deferred"]);
    expect(await seen(db, 8)).toEqual(["ok", "ok"]);
  });

  it("counts an update deferred once, when its store succeeds: not for a delivery whose store failed or found it stored", async () => {
    db = await createTestDatabase(kind);
    const contended: string[] = [];
    let refusals = 1;
    // The database client, refusing the first store as a dropped connection would.
    const flaky = new Proxy(db.prisma, {
      get(target, prop, receiver) {
        if (prop !== "inboundUpdate") return Reflect.get(target, prop, receiver);
        return new Proxy(target.inboundUpdate, {
          get(model, name, r) {
            if (name === "createMany" && refusals-- > 0)
              return () => Promise.reject(new Error("Connection terminated unexpectedly"));
            return Reflect.get(model, name, r);
          },
        });
      },
    });
    const inbox = new Inbox({
      prisma: flaky,
      handle: record,
      logger,
      onGiveUp: apologise,
      onContended: (k, how) => contended.push(`${k} ${how}`),
    });
    // A crash left chat 8's first update stored (straight in the table: the refusal is for the inbox's store).
    await inboxOn(db.prisma).store(textUpdate(2, 8, "b"));
    // Behind it, the next update must be stored; the store fails and the request with it.
    await expect(inbox.accept(textUpdate(3, 8, "c"), "webhook")).rejects.toThrow(/terminated/);
    expect(contended).toEqual([]);
    // Telegram delivers it again: stored this time, and counted once.
    await inbox.accept(textUpdate(3, 8, "c"), "webhook");
    await inbox.idle();
    expect(contended).toEqual(["text deferred"]);
    expect(await seen(db, 8)).toEqual(["b", "c"]);
    // A crash left both of chat 9's updates stored; Telegram delivers the second again:
    // it was deferred when it was first stored, not now.
    await inboxOn(db.prisma).store(textUpdate(4, 9, "d"));
    await inboxOn(db.prisma).store(textUpdate(5, 9, "e"));
    await inbox.accept(textUpdate(5, 9, "e"), "webhook");
    expect(await inbox.sweep()).toBe(1);
    expect(contended).toEqual(["text deferred"]);
    expect(await seen(db, 9)).toEqual(["d", "e"]);
  });

  it("picks up, at the next sweep, what a crash left stored but unprocessed", async () => {
    db = await createTestDatabase(kind);
    const before = inboxOn(db.prisma);
    await before.store(textUpdate(1, 3, "a"));
    await before.store(textUpdate(2, 3, "b"));
    const after = inboxOn(db.prisma);
    expect(await after.sweep()).toBe(1);
    expect(await seen(db, 3)).toEqual(["a", "b"]);
  });

  it("holds a polled update while the database refuses it, then processes it", async () => {
    db = await createTestDatabase(kind);
    let refusals = 3;
    const refuse = async () => {
      refusals -= 1;
      throw new Error("Connection terminated unexpectedly");
    };
    // The database client, failing its first three statements as a dropped connection would.
    const flaky = new Proxy(db.prisma, {
      get(target, prop, receiver) {
        if (RAW.has(prop) && refusals > 0) return refuse;
        if (prop !== "inboundUpdate") return Reflect.get(target, prop, receiver);
        return new Proxy(target.inboundUpdate, {
          get(model, name, r) {
            if (name === "createMany" && refusals > 0) return refuse;
            return Reflect.get(model, name, r);
          },
        });
      },
    });
    const inbox = inboxOn(flaky);
    await inbox.accept(textUpdate(1, 8, "kept"), "polling");
    expect(refusals).toBe(0);
    expect(await seen(db, 8)).toEqual(["kept"]);
  });

  it("processes a webhook's update in its request: answered once it is written, nothing stored", async () => {
    db = await createTestDatabase(kind);
    const inbox = inboxOn(db.prisma);
    await inbox.start();
    await inbox.accept(textUpdate(1, 6, "at once"), "webhook");
    expect(await seen(db, 6)).toEqual(["at once"]);
    const row = await db.prisma.inboundUpdate.findUniqueOrThrow({ where: { updateId: 1n } });
    expect({ processed: row.processedAt !== null, payload: row.payload }).toEqual({
      processed: true,
      payload: null,
    });
  });

  it("puts a webhook burst that arrives in reverse, over several milliseconds, back in Telegram's order", async () => {
    db = await createTestDatabase(kind);
    const inbox = new Inbox({
      prisma: db.prisma,
      handle: record,
      logger,
      onGiveUp: apologise,
      orderWaitMs: 2_000,
    });
    await inbox.start();
    const updates = Array.from({ length: 12 }, (_, i) =>
      textUpdate(i + 1, (i % 3) + 1, `t${i + 1}`),
    );
    const requests: Promise<void>[] = [];
    for (const u of [...updates].reverse()) {
      requests.push(inbox.accept(u, "webhook"));
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(requests);
    for (let c = 1; c <= 3; c++) {
      expect(await seen(db, c)).toEqual(
        updates.filter((u) => u.message.chat.id === c).map((u) => u.message.text),
      );
    }
  });

  it("lets a webhook's update through after an ignored one, without waiting for the gap it would leave", async () => {
    db = await createTestDatabase(kind);
    // A previous run's last update: this one knows where Telegram's numbering stands.
    await inboxOn(db.prisma).receive(textUpdate(1, 1, "first"));
    const inbox = new Inbox({
      prisma: db.prisma,
      handle: record,
      logger,
      onGiveUp: apologise,
      ignoreAtDoor: (inbound) => inbound.kind === "text" && inbound.text === "flood",
      orderWaitMs: 60_000,
    });
    await inbox.start();
    // A channel post (no turn of its own), and a flooding customer's text dropped at the door.
    await inbox.accept({ update_id: 2, channel_post: { message_id: 1, date: 0 } }, "webhook");
    await inbox.accept(textUpdate(3, 2, "flood"), "webhook");
    // Had the gaps stayed open, this would wait a minute for updates 2 and 3.
    const next = inbox.accept(textUpdate(4, 3, "next"), "webhook").then(() => "processed");
    const waited = new Promise((r) => setTimeout(() => r("waiting for the gap"), 20_000));
    expect(await Promise.race([next, waited])).toBe("processed");
    expect(await seen(db, 3)).toEqual(["next"]);
  });

  it("stores a webhook's update whose processing failed, answers, and processes it from the store", async () => {
    db = await createTestDatabase(kind);
    const inbox = inboxOn(db.prisma);
    await inbox.accept(textUpdate(1, 7, "boom"), "webhook");
    const stored = await db.prisma.inboundUpdate.findUniqueOrThrow({ where: { updateId: 1n } });
    expect(stored.attempts).toBeGreaterThanOrEqual(1);
    await inbox.idle();
    expect(await seen(db, 7)).toEqual(["sorry"]);
  });

  it("counts no attempt while the database does not answer in time: an outage, tried again until it answers", async () => {
    db = await createTestDatabase(kind);
    // More unanswered tries than the attempts an update is given before it is set aside.
    let unanswered = 4;
    const inbox = new Inbox({
      prisma: db.prisma,
      logger,
      onGiveUp: apologise,
      handle: (store, inbound) => {
        if (unanswered-- > 0) return Promise.reject(new Error("Query read timeout"));
        return record(store, inbound);
      },
    });
    try {
      await inbox.accept(textUpdate(1, 9, "still there?"), "webhook");
      const stored = await db.prisma.inboundUpdate.findUniqueOrThrow({ where: { updateId: 1n } });
      expect(stored.attempts).toBe(0);
      // The lane is tried again with backoff (0.25, 0.5, 1 s) until the handler gets through.
      for (let waited = 0; (await seen(db, 9)).length === 0 && waited < 10_000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      expect(await seen(db, 9)).toEqual(["still there?"]);
      const row = await db.prisma.inboundUpdate.findUniqueOrThrow({ where: { updateId: 1n } });
      expect({ attempts: row.attempts, processed: row.processedAt !== null }).toEqual({
        attempts: 0,
        processed: true,
      });
    } finally {
      inbox.stop();
    }
  });

  it("fails a webhook's request when its update can be neither processed nor stored", async () => {
    db = await createTestDatabase(kind);
    const down = async () => {
      throw new Error("Connection terminated unexpectedly");
    };
    const gone = new Proxy(db.prisma, {
      get(target, prop, receiver) {
        if (RAW.has(prop)) return down;
        if (prop !== "inboundUpdate") return Reflect.get(target, prop, receiver);
        return new Proxy(target.inboundUpdate, {
          get: (model, name, r) => (name === "createMany" ? down : Reflect.get(model, name, r)),
        });
      },
    });
    await expect(inboxOn(gone).accept(textUpdate(1, 8, "lost?"), "webhook")).rejects.toThrow(
      "Connection terminated",
    );
    expect(await db.prisma.inboundUpdate.count()).toBe(0);
  });

  it("gives each member of a group a lane: one member's slow update does not hold another's", async () => {
    db = await createTestDatabase(kind);
    const group = { id: -100, type: "supergroup" as const };
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const inbox = new Inbox({
      prisma: db.prisma,
      logger,
      onGiveUp: apologise,
      handle: (store, inbound) =>
        processInChat(store, keyOf(inbound), async () => {
          if (inbound.kind !== "text") return { out: [] };
          if (inbound.text === "slow") await held;
          return { out: [{ kind: "message", chatId: inbound.chatId, text: inbound.text }] };
        }),
    });
    const slow = inbox.receive(groupText(1, group, 11, "slow"));
    await inbox.receive(groupText(2, group, 12, "other member"));
    await inbox.receive(groupText(3, group, 12, "and again"));
    expect(await seen(db, -100)).toEqual(["other member", "and again"]);
    release();
    await slow;
    expect(await seen(db, -100)).toEqual(["other member", "and again", "slow"]);
  });

  it("works on a bounded number of updates at once; a staff member's goes before the customers waiting", async () => {
    db = await createTestDatabase(kind);
    const staffGroup = { id: -100, type: "supergroup" as const };
    const gate = new Admission(1);
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const inbox = new Inbox({
      prisma: db.prisma,
      logger,
      onGiveUp: apologise,
      admission: { gate, urgent: (inbound) => inbound.chatId === -100n },
      handle: (store, inbound) =>
        processInChat(store, keyOf(inbound), async () => {
          if (inbound.kind !== "text") return { out: [] };
          order.push(inbound.text);
          if (inbound.text === "first") await held;
          return { out: [{ kind: "message", chatId: inbound.chatId, text: inbound.text }] };
        }),
    });
    const first = inbox.receive(textUpdate(1, 1, "first"));
    await expect.poll(() => order, { timeout: 5_000 }).toEqual(["first"]);
    const customers = [
      inbox.receive(textUpdate(2, 2, "second")),
      inbox.receive(textUpdate(3, 3, "third")),
    ];
    await expect.poll(() => gate.load, { timeout: 5_000 }).toEqual({ running: 1, waiting: 2 });
    const staff = inbox.receive(groupText(4, staffGroup, 7001, "staff"));
    await expect.poll(() => gate.load, { timeout: 5_000 }).toEqual({ running: 1, waiting: 3 });
    expect(order).toEqual(["first"]);
    release();
    await Promise.all([first, staff, ...customers]);
    expect(order).toEqual(["first", "staff", "second", "third"]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
    expect(await seen(db, 3)).toEqual(["third"]);
  });

  it("tells the sender of each commit that queued messages, and whether a button's answer is among them", async () => {
    db = await createTestDatabase(kind);
    const commits: boolean[] = [];
    const answering: UpdateHandler = (store, inbound) =>
      processInChat(store, keyOf(inbound), async () => {
        const said =
          inbound.kind === "callback" ? inbound.data : inbound.kind === "text" ? inbound.text : "";
        if (said === "boom") throw new Error("handler bug");
        if (inbound.kind === "callback")
          return {
            out: [
              { kind: "answer", chatId: inbound.chatId, callbackQueryId: inbound.callbackQueryId },
              { kind: "message", chatId: inbound.chatId, text: "pressed" },
            ],
          };
        if (said === "quiet") return { out: [] };
        return { out: [{ kind: "message", chatId: inbound.chatId, text: "said" }] };
      });
    const press = (updateId: number, data: string) => ({
      update_id: updateId,
      callback_query: {
        id: `q${updateId}`,
        from: { id: 5, first_name: "T" },
        chat_instance: "c",
        data,
        message: { message_id: 1, date: 0, chat: { id: 5, type: "private" } },
      },
    });
    // Given up, a press is still answered, beside the apology.
    const answerAndApologise: GiveUpHandler = (store, inbound, failure) =>
      processInChat(
        store,
        keyOf(inbound),
        async () => ({
          out: [
            ...(inbound.kind === "callback"
              ? [
                  {
                    kind: "answer" as const,
                    chatId: inbound.chatId,
                    callbackQueryId: inbound.callbackQueryId,
                  },
                ]
              : []),
            { kind: "message" as const, chatId: inbound.chatId, text: "sorry" },
          ],
        }),
        failure,
      );
    const inbox = new Inbox({
      prisma: db.prisma,
      handle: answering,
      logger,
      onGiveUp: answerAndApologise,
      onCommitted: (answer) => commits.push(answer),
    });
    await inbox.receive(textUpdate(1, 5, "hello"));
    await inbox.receive(textUpdate(2, 5, "quiet"));
    await inbox.receive(press(3, "x"));
    await inbox.receive(press(4, "boom"));
    await inbox.receive(textUpdate(5, 5, "boom"));
    // The text's message may wait for company; an answer goes at once, the one a
    // press given up gets too. Nothing queued, no word.
    expect(commits).toEqual([false, true, true, false]);
    expect(await db.prisma.outboxMessage.count({ where: { method: "answerCallbackQuery" } })).toBe(
      2,
    );
  });

  it("tells the customer even when their chat changes while the update is given up", async () => {
    db = await createTestDatabase(kind);
    let races = 1;
    const racing: GiveUpHandler = async (store, inbound, failure) => {
      // Something else wrote to the chat between the give-up's read and its write, once.
      if (races-- > 0) throw new ChatChanged(inbound.lane);
      return apologise(store, inbound, failure);
    };
    const inbox = new Inbox({ prisma: db.prisma, handle: record, logger, onGiveUp: racing });
    await inbox.receive(textUpdate(1, 5, "boom"));
    expect(await seen(db, 5)).toEqual(["sorry"]);
  });

  it("sets a failing update aside after three tries, tells the customer, and goes on", async () => {
    db = await createTestDatabase(kind);
    const inbox = inboxOn(db.prisma);
    await inbox.receive(textUpdate(1, 5, "boom"));
    await inbox.receive(textUpdate(2, 5, "next"));
    expect(await seen(db, 5)).toEqual(["sorry", "next"]);
    const failed = await db.prisma.inboundUpdate.findUniqueOrThrow({ where: { updateId: 1n } });
    expect(failed).toMatchObject({ attempts: 3, error: "Error: handler bug" });
  });
});

// Only where PostgreSQL is (CI always): PGlite is one process's by design.
describe.runIf(databaseKinds.includes("postgres"))(
  "Inbox on two processes sharing PostgreSQL",
  () => {
    let db: TestDatabase;
    const extra: Database[] = [];
    afterEach(async () => {
      for (const d of extra.splice(0)) await d.close();
      await db.close();
    });

    it("gives an update's place back once its write waits in the group commit", async () => {
      db = await createTestDatabase("postgres");
      const gate = new Admission(1);
      const started: string[] = [];
      const inbox = new Inbox({
        prisma: db.prisma,
        logger,
        onGiveUp: apologise,
        admission: { gate, urgent: () => false },
        handle: (store, inbound) => {
          if (inbound.kind === "text") started.push(inbound.text);
          return record(store, inbound);
        },
      });
      await inbox.receive(textUpdate(1, 1, "first"));
      // Another session holds chat 1's row: the next write to it waits on the database.
      const holder = new pg.Client({ connectionString: db.url ?? "" });
      await holder.connect();
      try {
        await holder.query("BEGIN");
        await holder.query(`SELECT 1 FROM "Chat" WHERE "id" = 1 FOR UPDATE`);
        let written = false;
        const waiting = inbox.receive(textUpdate(2, 1, "waits")).then(() => {
          written = true;
        });
        const other = inbox.receive(textUpdate(3, 2, "other chat"));
        // With its place held to the end, the other chat would not start until the row is free.
        await expect
          .poll(() => started, { timeout: 5_000 })
          .toEqual(["first", "waits", "other chat"]);
        expect(written).toBe(false);
        await holder.query("COMMIT");
        await Promise.all([waiting, other]);
      } finally {
        await holder.end();
      }
      expect(await seen(db, 1)).toEqual(["first", "waits"]);
      expect(await seen(db, 2)).toEqual(["other chat"]);
      expect(gate.load).toEqual({ running: 0, waiting: 0 });
    });

    it("keeps one chat in order across two processes sharing the database", async () => {
      db = await createTestDatabase("postgres");
      const second = await connectPostgres(db.url ?? "");
      extra.push(second);
      const a = inboxOn(db.prisma);
      const b = inboxOn(second.prisma);
      const updates = Array.from({ length: 60 }, (_, i) =>
        textUpdate(i + 1, (i % 3) + 1, `t${i + 1}`),
      );
      // Every update is delivered to both processes, interleaved.
      await Promise.all(
        updates.flatMap((u, i) =>
          i % 2 ? [a.receive(u), b.receive(u)] : [b.receive(u), a.receive(u)],
        ),
      );
      await Promise.all([a.idle(), b.idle()]);
      for (let c = 1; c <= 3; c++) {
        expect(await seen(db, c)).toEqual(
          updates.filter((u) => u.message.chat.id === c).map((u) => u.message.text),
        );
      }
    });
  },
);
