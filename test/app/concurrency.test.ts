import type { Server } from "node:http";
import { describe, expect, it } from "vitest";
import { type Core, createCore } from "../../src/app/core.ts";
import { connectPostgres, type Database } from "../../src/database/open.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { startHttpServer } from "../../src/transport/http-server.ts";
import { createTelegrafTransport } from "../../src/transport/telegraf.ts";
import { createWebhookIntake } from "../../src/transport/webhook-intake.ts";
import { BOT_INFO, TOKEN, testConfig, UNLIMITED } from "../support/bot.ts";
import { RecordingBotApi } from "../support/bot-api.ts";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import { createTestDatabase, type DatabaseKind, databaseKinds } from "../support/database.ts";
import { freePort, startEmulator } from "../support/emulator.ts";

const CUSTOMERS = 8;
const SECRET = "concurrency-webhook-secret-0123";
const config = testConfig({ TIME_ZONE });
const logger = createLogger("silent");

function scripts(): Record<string, unknown>[][] {
  let id = 1;
  return Array.from({ length: CUSTOMERS }, (_, i) => conversation(70_000 + i, () => id++));
}

function coreOn(db: Database): Core {
  return createCore({ config, db, api: new RecordingBotApi(), logger, pace: UNLIMITED });
}

/** What a run left behind, per chat: the texts queued for it (case numbers and clock times blanked) and its cases. */
async function outcome(db: Database) {
  const messages = await db.prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
  const perChat = new Map<string, string[]>();
  for (const m of messages) {
    const p = m.payload as { text?: string; callback_query_id?: string };
    const list = perChat.get(String(m.chatId)) ?? [];
    list.push(
      m.method === "sendMessage"
        ? String(p.text)
            .replace(/#\d+/g, "#N")
            .replace(/\d{1,2}:\d{2}( [AP]M)?/g, "HH:MM")
        : m.method,
    );
    perChat.set(String(m.chatId), list);
  }
  const cases = await db.prisma.refundCase.groupBy({ by: ["customerId"], _count: true });
  return {
    perChat: Object.fromEntries([...perChat].sort()),
    cases: cases.map((c) => [String(c.customerId), c._count]).sort(),
    events: await db.prisma.caseEvent.count(),
  };
}

async function sequentialRun(kind: DatabaseKind) {
  const db = await createTestDatabase(kind);
  try {
    const core = coreOn(db);
    for (const script of scripts()) for (const u of script) await core.inbox.receive(u);
    return await outcome(db);
  } finally {
    await db.close();
  }
}

describe.each(databaseKinds)("duplicates and concurrency on %s", (kind) => {
  it("every update delivered twice, chats in parallel: the same result as one clean sequential run", async () => {
    const expected = await sequentialRun(kind);
    expect(expected.cases).toHaveLength(CUSTOMERS);
    const db = await createTestDatabase(kind);
    try {
      const core = coreOn(db);
      await Promise.all(
        scripts().map(async (script) => {
          for (const u of script) await Promise.all([core.inbox.receive(u), core.inbox.receive(u)]);
        }),
      );
      expect(await outcome(db)).toEqual(expected);
    } finally {
      await db.close();
    }
  });

  it("through the webhook: each chat's updates as one concurrent burst, every one twice — the same result", async () => {
    const expected = await sequentialRun(kind);
    const db = await createTestDatabase(kind);
    const emulator = await startEmulator();
    let server: Server | undefined;
    try {
      // A burst of hundreds of requests on two busy cores can take longer to arrive
      // than the default wait for a gap in Telegram's numbering: give it room.
      const core = createCore({
        config: testConfig({
          TIME_ZONE,
          WEBHOOK_URL: "https://bot.example.com/telegram",
          WEBHOOK_SECRET: SECRET,
          WEBHOOK_ORDER_WAIT_MS: "2000",
        }),
        db,
        api: new RecordingBotApi(),
        logger,
        pace: UNLIMITED,
      });
      // The emulator only records the webhook registration; updates are posted here directly.
      const transport = createTelegrafTransport({
        token: TOKEN,
        apiRoot: emulator.config.apiURL,
        logger,
        botInfo: BOT_INFO,
        callTimeoutMs: 5_000,
      });
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/telegram`;
      await transport.setWebhook(url, SECRET);
      const intake = createWebhookIntake({
        secret: SECRET,
        logger,
        store: (update) => core.inbox.accept(update, "webhook"),
      });
      server = await startHttpServer({
        host: "127.0.0.1",
        port,
        logger,
        routes: new Map([["/telegram", intake]]),
        health: {},
      });
      const post = async (update: Record<string, unknown>) => {
        const res = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-telegram-bot-api-secret-token": SECRET,
          },
          body: JSON.stringify(update),
        });
        expect(res.status).toBe(200);
      };
      // Every update twice, each chat's updates all at once. On PostgreSQL the
      // burst even arrives in reverse order: the inbox waits for it to be stored
      // and processes it in update_id order. The embedded database has one
      // connection, which a busy drain holds, so there the burst is sent in
      // Telegram's own order (Telegram never sends a chat's updates out of order).
      const order = (script: Record<string, unknown>[]) =>
        kind === "postgres" ? [...script].reverse() : script;
      await Promise.all(
        scripts().flatMap((script) => order(script).flatMap((u) => [post(u), post(u)])),
      );
      await core.inbox.idle();
      expect(await db.prisma.inboundUpdate.count({ where: { processedAt: null } })).toBe(0);
      expect(await outcome(db)).toEqual(expected);
    } finally {
      server?.close();
      await emulator.stop();
      await db.close();
    }
  });
});

describe.runIf(databaseKinds.includes("postgres"))("two bot processes sharing PostgreSQL", () => {
  it("each update reaches both, in any interleaving: the same result as a sequential run", async () => {
    const expected = await sequentialRun("postgres");
    const db = await createTestDatabase("postgres");
    const second = await connectPostgres(db.url ?? "");
    try {
      const a = coreOn(db);
      const b = coreOn(second);
      await Promise.all(
        scripts().map(async (script, i) => {
          for (const u of script) {
            const [first, then] = i % 2 === 0 ? [a, b] : [b, a];
            await Promise.all([first.inbox.receive(u), then.inbox.receive(u)]);
          }
        }),
      );
      await Promise.all([a.inbox.idle(), b.inbox.idle()]);
      expect(await outcome(db)).toEqual(expected);
    } finally {
      await second.close();
      await db.close();
    }
  });
});
