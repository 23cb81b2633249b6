import { describe, expect, it } from "vitest";
import { type Core, createCore } from "../../src/app/core.ts";
import { connectPostgres, type Database } from "../../src/database/open.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { testConfig, UNLIMITED } from "../support/bot.ts";
import { RecordingBotApi } from "../support/bot-api.ts";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import { createTestDatabase, type DatabaseKind, databaseKinds } from "../support/database.ts";

const CUSTOMERS = 8;
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
});

if (databaseKinds.includes("postgres")) {
  describe("two bot processes sharing PostgreSQL", () => {
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
}
