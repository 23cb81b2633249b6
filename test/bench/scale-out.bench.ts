// Scale-out: one and then two bot processes (the real program, webhook mode)
// sharing one PostgreSQL, fed the scripted conversations through their
// webhooks, round-robin per update as a load balancer would. Telegram's side is
// a stub Bot API that answers every call at once. Reports throughput and
// latency for each, and checks that both runs end with the same cases and
// messages.
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import { createTestDatabase, TEST_DATABASE_URL } from "../support/database.ts";
import { BotProcess, freePort } from "../support/emulator.ts";
import { type BenchSection, ms, percentiles } from "./report.ts";

const CUSTOMERS = Number(process.env.BENCH_SCALE_CUSTOMERS ?? 200);
const TOKEN = "111222333:AAScaleOutBenchTokenOnly_abcdefghij";
const SECRET = "scale-out-secret-0123456789";

/** A Bot API that accepts everything: the bots' sends cost them one local HTTP round trip. */
async function startStubBotApi(): Promise<{ url: string; close: () => void }> {
  let messageId = 1;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const method = (req.url ?? "").split("/").pop() ?? "";
      const result =
        method === "getMe"
          ? { id: 111222333, is_bot: true, first_name: "Bench", username: "bench_bot" }
          : method === "sendMessage"
            ? { message_id: messageId++, date: 0, chat: { id: 1, type: "private" } }
            : true;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, result }));
    });
  });
  const port = await freePort();
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function post(port: number, update: unknown): Promise<void> {
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(update),
    });
    await res.arrayBuffer();
    if (res.status === 200) return;
  }
}

interface Run {
  processes: number;
  updates: number;
  seconds: number;
  webhook: number[];
  processing: number[];
  cases: number;
  messages: number;
}

async function run(processes: number, apiRoot: string): Promise<Run> {
  const db = await createTestDatabase("postgres");
  const bots: BotProcess[] = [];
  const ports: number[] = [];
  const cwd = mkdtempSync(path.join(tmpdir(), "scale-"));
  try {
    for (let i = 0; i < processes; i++) {
      const port = await freePort();
      ports.push(port);
      bots.push(
        await BotProcess.start(
          {
            BOT_TOKEN: TOKEN,
            TELEGRAM_API_ROOT: apiRoot,
            WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`,
            WEBHOOK_SECRET: SECRET,
            HTTP_PORT: String(port),
            DATABASE_URL: db.url ?? "",
            SUPPORT_EMAIL: "refunds@example.com",
            TIME_ZONE,
            LOG_LEVEL: "info",
          },
          cwd,
        ),
      );
    }
    let id = 1;
    const scripts = Array.from({ length: CUSTOMERS }, (_, i) =>
      conversation(300_000 + i, () => id++),
    );
    const total = scripts.reduce((n, s) => n + s.length, 0);
    const webhook: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      scripts.map(async (updates) => {
        for (const u of updates) {
          const port = ports[next++ % ports.length] ?? 0;
          const t = performance.now();
          await post(port, u);
          webhook.push(performance.now() - t);
        }
      }),
    );
    for (;;) {
      const done = await db.prisma.inboundUpdate.count({ where: { processedAt: { not: null } } });
      if (done >= total) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - start) / 1000;
    const rows = await db.prisma.inboundUpdate.findMany({
      select: { receivedAt: true, processedAt: true },
    });
    const processing = rows.map((r) => (r.processedAt?.getTime() ?? 0) - r.receivedAt.getTime());
    return {
      processes,
      updates: total,
      seconds,
      webhook,
      processing,
      cases: await db.prisma.refundCase.count(),
      messages: await db.prisma.outboxMessage.count({ where: { method: "sendMessage" } }),
    };
  } finally {
    for (const b of bots) await b.stop();
    await db.close();
  }
}

export async function bench(): Promise<BenchSection[]> {
  const title = "Scale-out: one and two bot processes (webhook mode) sharing PostgreSQL";
  if (TEST_DATABASE_URL === undefined) {
    return [{ title, rows: [], notes: ["Not run: TEST_DATABASE_URL is not set."] }];
  }
  const api = await startStubBotApi();
  const runs: Run[] = [];
  try {
    for (const n of [1, 2]) runs.push(await run(n, api.url));
  } finally {
    api.close();
  }
  const [one] = runs;
  for (const r of runs) {
    if (r.cases !== CUSTOMERS || r.messages !== one?.messages) {
      throw new Error(
        `${r.processes} processes: ${r.cases} cases, ${r.messages} messages; expected ${CUSTOMERS} and ${one?.messages}`,
      );
    }
  }
  return [
    {
      title,
      rows: runs.map((r) => {
        const w = percentiles(r.webhook);
        const p = percentiles(r.processing);
        return {
          processes: r.processes,
          customers: CUSTOMERS,
          updates: r.updates,
          "updates/s": Math.round(r.updates / r.seconds),
          "webhook answer p50 / p99 ms": `${ms(w.p50)} / ${ms(w.p99)}`,
          "stored → processed p50 / p99 ms": `${ms(p.p50)} / ${ms(p.p99)}`,
          cases: r.cases,
          "messages queued": r.messages,
        };
      }),
      notes: [
        "Every customer's updates are posted one after another (each waits for the webhook's 200), all customers at once; updates alternate between the processes, so one chat's updates reach both, as behind a load balancer.",
        "updates/s: all updates stored and processed, from the first post to the last processed mark. Stored → processed is measured with the database's clock (receivedAt, processedAt): queueing plus processing.",
        "Both runs end with one case per customer and the same number of messages queued. Bots, PostgreSQL and the load generator share the same machine's cores.",
      ],
    },
  ];
}
