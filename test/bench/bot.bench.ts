// The bot's load figures: N simulated customers run whole refund conversations
// in-process (Telegram's side is a recorder; the outbox is not sent), against
// each database. Reports updates/s, latency per update, and database round
// trips per update (statements sent, BEGIN/COMMIT included).
import { type Core, createCore, createI18nFor } from "../../src/app/core.ts";
import { createFaq } from "../../src/faq/index.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { testConfig, UNLIMITED } from "../support/bot.ts";
import { RecordingBotApi } from "../support/bot-api.ts";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import { createTestDatabase, databaseKinds, TEST_DATABASE_URL } from "../support/database.ts";
import { pgbenchTps } from "./references.ts";
import { type BenchSection, ms, percentiles } from "./report.ts";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 200);
export async function bench(): Promise<BenchSection[]> {
  const rows: BenchSection["rows"] = [];
  const config = testConfig({ TIME_ZONE });
  const i18n = createI18nFor(config);
  const faq = createFaq(i18n);
  const only = process.env.BENCH_DATABASES?.split(",");
  for (const kind of databaseKinds.filter((k) => only === undefined || only.includes(k))) {
    let queries = 0;
    const db = await createTestDatabase(kind, { onQuery: () => queries++ });
    try {
      const core: Core = createCore({
        config,
        db,
        api: new RecordingBotApi(),
        logger: createLogger("silent"),
        pace: UNLIMITED,
        i18n,
        faq,
      });
      let id = 1;
      const nextId = () => id++;
      const scripts = Array.from({ length: CUSTOMERS }, (_, i) =>
        conversation(100_000 + i, nextId),
      );
      // Warm-up: one conversation first, outside the figures.
      const warm = conversation(99_999, nextId);
      for (const u of warm) await core.inbox.receive(u);
      const latencies: number[] = [];
      queries = 0;
      const start = performance.now();
      await Promise.all(
        scripts.map(async (updates) => {
          for (const u of updates) {
            const t = performance.now();
            await core.inbox.receive(u);
            latencies.push(performance.now() - t);
          }
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      const updates = latencies.length;
      const roundTrips = queries / updates;
      // Latency without queueing: customers one after another.
      const alone: number[] = [];
      for (let i = 0; i < 20; i++) {
        for (const u of conversation(200_000 + i, nextId)) {
          const t = performance.now();
          await core.inbox.receive(u);
          alone.push(performance.now() - t);
        }
      }
      const cases = await db.prisma.refundCase.count();
      if (cases !== CUSTOMERS + 21)
        throw new Error(`expected ${CUSTOMERS + 21} cases, found ${cases}`);
      const busy = percentiles(latencies);
      const quiet = percentiles(alone);
      const tps =
        kind === "postgres" && TEST_DATABASE_URL !== undefined
          ? await pgbenchTps(TEST_DATABASE_URL)
          : undefined;
      rows.push({
        database: kind,
        customers: CUSTOMERS,
        updates,
        "updates/s": Math.round(updates / seconds),
        "÷ pgbench -N": tps === undefined ? "" : (updates / seconds / tps).toFixed(2),
        "p50 ms (all at once)": ms(busy.p50),
        "p99 ms (all at once)": ms(busy.p99),
        "p50 ms (one at a time)": ms(quiet.p50),
        "p99 ms (one at a time)": ms(quiet.p99),
        "round trips/update": roundTrips.toFixed(1),
      });
    } finally {
      await db.close();
    }
  }
  return [
    {
      title: "Bot: whole conversations in-process (polled update → processed → outbox written)",
      rows,
      notes: [
        "Latency is measured around Inbox.receive: with all customers at once it includes queueing for the database and the CPU; one at a time it is the cost of one update.",
        "Round trips count every statement sent (BEGIN and COMMIT included). An update is one read and one write, and the reads and the writes of the chats processed at once share one statement each (grouped reads, group commit), so under load the figure is below 2; the submission adds the drawing of its case's number. The embedded database is counted at PGlite's query/exec calls, which its Prisma adapter bypasses inside transactions, so its figure is lower than what it really runs.",
      ],
    },
  ];
}
