// Issue 4's load figures: N simulated customers run whole refund conversations
// in-process (Telegram's side is a recorder; the outbox is not sent), against
// each database. Reports updates/s, latency per update, and database round
// trips per update (statements sent, BEGIN/COMMIT included).
import { type Core, createCore, createI18nFor } from "../../src/app/core.ts";
import { createFaq } from "../../src/faq/index.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { testConfig, UNLIMITED } from "../support/bot.ts";
import { RecordingBotApi } from "../support/bot-api.ts";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import { createTestDatabase, databaseKinds } from "../support/database.ts";
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
      const cases = await db.prisma.refundCase.count();
      if (cases !== CUSTOMERS + 1)
        throw new Error(`expected ${CUSTOMERS + 1} cases, found ${cases}`);
      const p = percentiles(latencies);
      rows.push({
        database: kind,
        customers: CUSTOMERS,
        updates,
        "updates/s": Math.round(updates / seconds),
        "p50 ms": ms(p.p50),
        "p99 ms": ms(p.p99),
        "round trips/update": (queries / updates).toFixed(1),
      });
    } finally {
      await db.close();
    }
  }
  return [
    {
      title: "Bot: whole conversations in-process (receive → stored → processed → outbox written)",
      rows,
      notes: [
        "Latency is measured around Inbox.receive with all customers running at once, so it includes waiting for the database.",
      ],
    },
  ];
}
