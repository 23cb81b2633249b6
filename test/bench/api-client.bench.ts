// One Bot API call's cost to the caller: sendMessage through each framework's
// client as the program wraps it (src/transport/telegraf.ts, grammy.ts), and
// through node:http with a kept-alive agent, the floor any client pays. The
// stub Bot API runs as a process of its own, so the CPU counted is the
// client's alone. Our bot sends about one call an update.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Agent, request } from "node:http";
import path from "node:path";
import { createLogger } from "../../src/logging/logger.ts";
import type { BotApi } from "../../src/transport/bot-api.ts";
import { createGrammyTransport } from "../../src/transport/grammy.ts";
import { createTelegrafTransport } from "../../src/transport/telegraf.ts";
import type { BenchSection } from "./report.ts";

const CALLS = 4_000;
const WARMUP = 500;
/** calls in flight at once, as the outbox's sender has several chats' messages going */
const IN_FLIGHT = 10;
const ROUNDS = 2;
const TOKEN = "123456:bench";

/** A customer's reply with a button, as the outbox sends it. */
const payload = () => ({
  chat_id: 123456789,
  text: "Ваша заявка № 1 024 принята. Мы ответим в течение 2 рабочих дней.",
  reply_markup: { inline_keyboard: [[{ text: "Статус заявки", callback_data: "c:s:1024" }]] },
});

/** The floor: the same request written with node:http, JSON in and out, one kept-alive agent. */
function nodeHttp(apiRoot: string): BotApi {
  const agent = new Agent({ keepAlive: true });
  return {
    call: (method, body) =>
      new Promise((resolve, reject) => {
        const json = JSON.stringify(body);
        const req = request(
          `${apiRoot}/bot${TOKEN}/${method}`,
          {
            method: "POST",
            agent,
            headers: {
              "content-type": "application/json",
              "content-length": Buffer.byteLength(json),
            },
            signal: AbortSignal.timeout(5_000),
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve((JSON.parse(Buffer.concat(chunks).toString()) as { result: unknown }).result),
            );
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(json);
      }),
  };
}

async function drive(api: BotApi, calls: number): Promise<void> {
  let left = calls;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (left-- > 0) await api.call("sendMessage", payload());
    }),
  );
}

export async function bench(): Promise<BenchSection[]> {
  const stub = spawn(process.execPath, [path.join(import.meta.dirname, "stub-bot-api.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exit = once(stub, "exit");
  try {
    const [url] = (await once(stub.stdout, "data")) as [Buffer];
    const apiRoot = url.toString().trim();
    const o = { token: TOKEN, apiRoot, logger: createLogger("silent"), callTimeoutMs: 5_000 };
    const clients: [string, BotApi][] = [
      ["Telegraf (BOT_FRAMEWORK=telegraf)", createTelegrafTransport(o).api],
      ["grammY (BOT_FRAMEWORK=grammy)", createGrammyTransport(o).api],
      ["node:http, kept-alive agent (the floor)", nodeHttp(apiRoot)],
    ];
    const figures = new Map<string, { cpu: number; wall: number }[]>();
    // Rounds alternate the clients, so a drift of the machine's speed touches each alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, api] of clients) {
        await drive(api, WARMUP);
        const cpu = process.cpuUsage();
        const start = performance.now();
        await drive(api, CALLS);
        const used = process.cpuUsage(cpu);
        figures.set(name, [
          ...(figures.get(name) ?? []),
          {
            cpu: (used.user + used.system) / CALLS,
            wall: ((performance.now() - start) * 1000) / CALLS,
          },
        ]);
      }
    }
    const range = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
    return [
      {
        title: "Bot API: one sendMessage's cost to the caller",
        rows: clients.map(([name]) => {
          const f = figures.get(name) ?? [];
          return {
            client: name,
            "CPU µs/call": range(f.map((x) => x.cpu)),
            "wall µs/call": range(f.map((x) => x.wall)),
          };
        }),
        notes: [
          `${CALLS.toLocaleString("en")} calls after ${WARMUP} to warm up, ${IN_FLIGHT} in flight, to a stub Bot API in a process of its own on the same machine, ${ROUNDS} rounds alternating the clients (the range of the rounds). CPU: this process's user and system time over the calls. Our bot sends about one call an update, so a client's CPU a call is roughly what it adds to the bot's CPU an update.`,
        ],
      },
    ];
  } finally {
    stub.kill("SIGTERM");
    await exit;
  }
}
