import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Database, openDatabase } from "../../src/database/open.ts";
import {
  createTestDatabase,
  type DatabaseKind,
  TEST_DATABASE_URL,
  type TestDatabase,
} from "../support/database.ts";
import { BotProcess, freePort } from "../support/emulator.ts";
import { type DbProxy, startDbProxy } from "./db-proxy.ts";
import { type FaultyBotApi, startFaultyBotApi } from "./faulty-bot-api.ts";

/**
 * The fault suite: the real program in webhook mode, customers writing to it
 * over HTTP as Telegram does (an update is retried until the bot answers 200),
 * and one fault at a time injected from outside: the database cut off and back
 * (through a proxy; PostgreSQL only), a Bot API that answers 429, 500 or 403 or
 * never answers, a body split inside a character, a 10 MB body, a flooding
 * user. Every message a customer types carries a card number, an IBAN and an
 * e-mail address, which must never reach the program's output. FAULT_SCALE
 * sizes it (1 under `npm test`, 4 under `npm run test:faults`).
 */
export const SCALE = Number(process.env.FAULT_SCALE ?? 1);

const TOKEN = "555666777:AAFaultSuiteTokenForTheStubOnly_xyz1";
const SECRET = "fault-suite-secret-0123456789";
/** secrets a customer types: none may appear in what the program prints */
export const SECRETS = [
  "4111 1111 1111 1111",
  "4111111111111111",
  "DE89 3704 0044 0532 0130 00",
  "DE89370400440532013000",
  "zelda.payer@example.net",
];
const TYPED = `my card is ${SECRETS[0]}, iban ${SECRETS[2]}, paypal ${SECRETS[4]}: when do I get my refund?`;
/** what the suite sets: a short Bot API time limit, flood control at its defaults */
const CALL_TIMEOUT_S = 2;
const FLOOD_MAX = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaultRow {
  fault: string;
  sent: number;
  stored: number;
  processed: number;
  lost: number;
  doubled: number;
  leaked: number;
  /** the slowest answer a customer not hit by the fault waited for, in ms */
  othersWorstMs: number;
  /** checks particular to the fault, each true when it held */
  checks: Record<string, boolean>;
}

interface Phase {
  fault: string;
  /** update ids sent in this phase, by chat */
  sent: Map<number, number[]>;
  /** update ids the bot answered 200 for */
  acknowledged: Set<number>;
  /** update ids refused on purpose (413) */
  refused: Set<number>;
  /** chats whose replies are not expected (a user who blocked the bot, a flooder) */
  exempt: Set<number>;
  othersWorstMs: number;
  checks: Record<string, boolean>;
  /** a user's name as sent, to be found whole in the database afterwards */
  name?: { chat: number; firstName: string };
  /** a user who flooded the bot: what was queued for them is checked afterwards */
  flooder?: number;
}

/** One webhook request: its status (0: no answer), when it was sent and when it was answered. */
export interface Attempt {
  status: number;
  sentAt: number;
  answeredAt: number;
}

/** Telegram's side of the webhook: numbers updates and posts them as Telegram does. */
export class Telegram {
  #updateId = 1_000;
  readonly #port: number;
  constructor(port: number) {
    this.#port = port;
  }

  nextId(): number {
    return this.#updateId++;
  }

  /** One POST; resolves with the status (0: no answer). */
  post(body: Buffer | Buffer[], pauseMs = 0): Promise<number> {
    const parts = Array.isArray(body) ? body : [body];
    const length = parts.reduce((n, p) => n + p.length, 0);
    return new Promise((resolve) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: this.#port,
          path: "/hook",
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-telegram-bot-api-secret-token": SECRET,
            ...(parts.length === 1 ? { "content-length": length } : {}),
          },
        },
        (res) => {
          answered = true;
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      let answered = false;
      // A server that refuses a body early (413) may close while it is still being sent: the
      // write fails, and its answer can arrive a moment after the error.
      req.on("error", () => setTimeout(() => resolve(0), 250));
      void (async () => {
        for (const [i, p] of parts.entries()) {
          if (answered) return;
          if (i > 0 && pauseMs > 0) await sleep(pauseMs);
          req.write(p);
        }
        req.end();
      })();
    });
  }

  /**
   * Delivers as Telegram does: again after a failure, until 200 or a refusal no
   * retry can fix. Resolves with every attempt, the last one deciding.
   */
  async redeliver(update: Record<string, unknown>): Promise<Attempt[]> {
    const body = Buffer.from(JSON.stringify(update));
    const attempts: Attempt[] = [];
    for (let delay = 100; ; delay = Math.min(1_000, delay * 2)) {
      const sentAt = Date.now();
      const status = await this.post(body);
      attempts.push({ status, sentAt, answeredAt: Date.now() });
      if (status === 200 || status === 413 || status === 400) return attempts;
      await sleep(delay);
    }
  }

  /** `redeliver`, with the update and its outcome counted in the phase. */
  async deliver(phase: Phase, chatId: number, update: Record<string, unknown>): Promise<void> {
    const id = update.update_id as number;
    phase.sent.set(chatId, [...(phase.sent.get(chatId) ?? []), id]);
    const status = (await this.redeliver(update)).at(-1)?.status;
    if (status === 200) phase.acknowledged.add(id);
    if (status === 413 || status === 400) phase.refused.add(id);
  }

  /** A text in a private chat, or (`from` given) by that member in a group. */
  text(
    chatId: number,
    text: string,
    firstName = `C${chatId}`,
    from = chatId,
  ): Record<string, unknown> {
    const id = this.nextId();
    return {
      update_id: id,
      message: {
        message_id: id,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: chatId < 0 ? "supergroup" : "private" },
        from: { id: from, is_bot: false, first_name: firstName, language_code: "en" },
        text,
      },
    };
  }

  /** A press of a button with `data` on the bot's message `messageId` in `chatId`, by `from`. */
  press(
    chatId: number,
    from: number,
    messageId: number,
    data: string,
    firstName = `S${from}`,
  ): Record<string, unknown> {
    const id = this.nextId();
    return {
      update_id: id,
      callback_query: {
        id: `cq${id}`,
        from: { id: from, is_bot: false, first_name: firstName, language_code: "en" },
        chat_instance: `ci${chatId}`,
        message: {
          message_id: messageId,
          date: 0,
          chat: { id: chatId, type: chatId < 0 ? "supergroup" : "private" },
        },
        data,
      },
    };
  }
}

export interface FaultRun {
  rows: FaultRow[];
  /** lines of the program's output that held a secret */
  leaks: string[];
  healthDownWhileCut: boolean;
  healthUpAfterMs: number | undefined;
}

/**
 * The real program in webhook mode, its Bot API the stub, its database PGlite
 * in a folder or (postgres) a new PostgreSQL database reached through a proxy
 * the test controls; `env` adds to or overrides the suite's settings.
 */
export interface Program {
  readonly api: FaultyBotApi;
  readonly bot: BotProcess;
  readonly telegram: Telegram;
  readonly port: number;
  /** PostgreSQL: the program's database, reached directly (not through the proxy) */
  readonly pg: TestDatabase | undefined;
  /** PostgreSQL: what stands between the program and its database */
  readonly proxy: DbProxy | undefined;
  /** PGlite: the program's data folder */
  readonly dataDir: string;
  /** /healthz's status (0: no answer) */
  health(): Promise<number>;
  /** Stops the program, the stub and the proxy; the database stays, for the checks. */
  stop(): Promise<void>;
}

export async function startProgram(
  kind: DatabaseKind,
  env: Record<string, string> = {},
): Promise<Program> {
  const api = await startFaultyBotApi();
  const pg = kind === "postgres" ? await createTestDatabase("postgres") : undefined;
  let proxy: DbProxy | undefined;
  let proxiedUrl: string | undefined;
  if (pg?.url !== undefined) {
    const target = new URL(pg.url);
    proxy = await startDbProxy({ host: target.hostname, port: Number(target.port || 5432) });
    target.host = `127.0.0.1:${proxy.port}`;
    proxiedUrl = target.toString();
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "faults-"));
  const port = await freePort();
  const bot = await BotProcess.start(
    {
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.url,
      WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      WEBHOOK_SECRET: SECRET,
      HTTP_PORT: String(port),
      SUPPORT_EMAIL: "refunds@example.com",
      ...(proxiedUrl === undefined ? { DATA_DIR: dataDir } : { DATABASE_URL: proxiedUrl }),
      BOT_API_TIMEOUT_SECONDS: String(CALL_TIMEOUT_S),
      FLOOD_MAX_UPDATES: String(FLOOD_MAX),
      FLOOD_WINDOW_SECONDS: "10",
      // The most the program can print: nothing a customer typed may be among it.
      LOG_LEVEL: "trace",
      ...env,
    },
    process.cwd(),
  );
  return {
    api,
    bot,
    telegram: new Telegram(port),
    port,
    pg,
    proxy,
    dataDir,
    async health() {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
      } catch {
        return 0;
      }
    },
    async stop() {
      await bot.stop();
      await api.close();
      await proxy?.close();
    },
  };
}

/** Runs every fault that applies to the database kind, one after another, on one program. */
export async function runFaults(kind: DatabaseKind): Promise<FaultRun> {
  const program = await startProgram(kind);
  const { api, bot, telegram, pg, proxy, dataDir, health } = program;
  const phases: Phase[] = [];
  let nextChat = 100_000;
  const newPhase = (fault: string): Phase => {
    const p: Phase = {
      fault,
      sent: new Map(),
      acknowledged: new Set(),
      refused: new Set(),
      exempt: new Set(),
      othersWorstMs: 0,
      checks: {},
    };
    phases.push(p);
    return p;
  };
  const delivered = (chatId: number) =>
    api.delivered.filter((d) => d.chatId === String(chatId)).length;
  /** A customer who writes and waits for each answer (or gives up after timeoutMs). */
  const say = async (phase: Phase, chatId: number, text = TYPED, timeoutMs = 60_000) => {
    const before = delivered(chatId);
    const started = Date.now();
    await telegram.deliver(phase, chatId, telegram.text(chatId, text));
    while (delivered(chatId) === before && Date.now() - started < timeoutMs) await sleep(10);
    return Date.now() - started;
  };
  /** Customers not hit by the fault, writing every 700 ms (within the flood limit) until stopped. */
  const bystanders = (phase: Phase) => {
    let running = true;
    const chats = [nextChat++, nextChat++];
    const loops = chats.map(async (chat) => {
      while (running) {
        phase.othersWorstMs = Math.max(phase.othersWorstMs, await say(phase, chat));
        await sleep(700);
      }
    });
    return async () => {
      running = false;
      await Promise.all(loops);
    };
  };
  /** `n` customers each writing `m` messages, one after another. */
  const customers = (phase: Phase, n: number, m: number) =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const chat = nextChat++;
        for (let i = 0; i < m; i++) await say(phase, chat);
      }),
    );
  let healthDownWhileCut = false;
  let healthUpAfterMs: number | undefined;
  try {
    if (proxy !== undefined) {
      const phase = newPhase("database restarted mid-conversation");
      const stop = bystanders(phase);
      const talking = customers(phase, 5 * SCALE, 3);
      await sleep(500);
      proxy.cut();
      await sleep(3_000);
      healthDownWhileCut = (await health()) === 503;
      proxy.restore();
      const back = Date.now();
      // Given 30 s to answer 200 again; left undefined when it never does.
      while (Date.now() - back < 30_000) {
        if ((await health()) === 200) {
          healthUpAfterMs = Date.now() - back;
          break;
        }
        await sleep(100);
      }
      await talking;
      await stop();
    }

    for (const [fault, code] of [
      ["Bot API answers 429", 429],
      ["Bot API answers 500", 500],
    ] as const) {
      const phase = newPhase(fault);
      const stop = bystanders(phase);
      const talking = customers(phase, 3 * SCALE, 2);
      await sleep(200);
      api.setFault("*", { kind: "status", code, retryAfter: 1 });
      await sleep(2_000);
      api.clearFaults();
      await talking;
      await stop();
    }

    {
      const phase = newPhase("Bot API answers 403 (a customer blocked the bot)");
      const blocker = nextChat++;
      phase.exempt.add(blocker);
      api.setFault(String(blocker), { kind: "status", code: 403 });
      const stop = bystanders(phase);
      await say(phase, blocker, TYPED, 3_000);
      await customers(phase, 2 * SCALE, 2);
      await stop();
      phase.checks["blocked chat got nothing"] = delivered(blocker) === 0;
      api.clearFaults();
    }

    {
      const phase = newPhase("Bot API never answers (one chat)");
      const silent = nextChat++;
      api.setFault(String(silent), { kind: "silent" });
      const stop = bystanders(phase);
      const waiting = say(phase, silent, TYPED, 120_000);
      await customers(phase, 2 * SCALE, 2);
      await sleep(CALL_TIMEOUT_S * 2_000);
      api.clearFaults();
      await waiting;
      await stop();
      phase.checks["silent chat answered once Telegram recovered"] = delivered(silent) > 0;
    }

    {
      const phase = newPhase("body split inside a character");
      const stop = bystanders(phase);
      const chat = nextChat++;
      phase.name = { chat, firstName: "Zoë😀Split" };
      const update = telegram.text(chat, `${TYPED} Привіт, ¿qué tal?`, phase.name.firstName);
      const bytes = Buffer.from(JSON.stringify(update));
      const cut = bytes.indexOf(Buffer.from("😀")) + 2;
      phase.sent.set(chat, [update.update_id as number]);
      const status = await telegram.post([bytes.subarray(0, cut), bytes.subarray(cut)], 50);
      if (status === 200) phase.acknowledged.add(update.update_id as number);
      while (delivered(chat) === 0) await sleep(10);
      await stop();
    }

    {
      const phase = newPhase("10 MB body");
      const stop = bystanders(phase);
      const chat = nextChat++;
      phase.exempt.add(chat);
      const update = telegram.text(chat, "x".repeat(10 * 1024 * 1024));
      const bytes = Buffer.from(JSON.stringify(update));
      const chunks = Array.from({ length: 40 }, (_, i) =>
        bytes.subarray((i * bytes.length) / 40, ((i + 1) * bytes.length) / 40),
      );
      phase.sent.set(chat, [update.update_id as number]);
      const status = await telegram.post(chunks);
      if (status === 413) phase.refused.add(update.update_id as number);
      phase.checks["answered 413"] = status === 413;
      await sleep(1_000);
      await stop();
    }

    {
      const phase = newPhase("a body that is not JSON");
      const id = telegram.nextId();
      // Chat 0: the body names no chat it could be answered in.
      phase.sent.set(0, [id]);
      const status = await telegram.post(Buffer.from(`{"update_id":${id},"message":${TYPED}`));
      if (status === 400) phase.refused.add(id);
      phase.checks["answered 400"] = status === 400;
    }

    {
      const phase = newPhase("a flooding user");
      const flooder = nextChat++;
      phase.exempt.add(flooder);
      const stop = bystanders(phase);
      await sleep(300);
      const updates = Array.from({ length: 250 * SCALE }, () => telegram.text(flooder, TYPED));
      for (let i = 0; i < updates.length; i += 10)
        await Promise.all(updates.slice(i, i + 10).map((u) => telegram.deliver(phase, flooder, u)));
      await sleep(1_500);
      await stop();
      phase.flooder = flooder;
    }
    // Let the outbox finish what is due before the program stops.
    await sleep(2_000);
  } finally {
    await program.stop();
  }

  const db: Database = pg ?? (await openDatabase({ kind: "pglite", dataDir }));
  try {
    const rows: FaultRow[] = [];
    const leaks = bot.output.filter((line) => SECRETS.some((s) => line.includes(s)));
    for (const phase of phases) {
      if (phase.name !== undefined) {
        const user = await db.prisma.user.findUnique({ where: { id: BigInt(phase.name.chat) } });
        phase.checks["the name is stored whole"] = user?.firstName === phase.name.firstName;
      }
      if (phase.flooder !== undefined) {
        const queued = await db.prisma.outboxMessage.findMany({
          where: { chatId: BigInt(phase.flooder), method: "sendMessage" },
          select: { payload: true },
        });
        const warnings = queued.filter((q) => JSON.stringify(q.payload).includes("faster than"));
        phase.checks[
          `${queued.length} replies queued for the flooder (at most ${FLOOD_MAX + 1}), ${warnings.length} of them to slow down (one)`
        ] = queued.length <= FLOOD_MAX + 1 && warnings.length === 1;
      }
      rows.push(await summarise(db, api, phase, leaks.length));
    }
    return { rows, leaks, healthDownWhileCut, healthUpAfterMs };
  } finally {
    await db.close();
  }
}

async function summarise(
  db: Database,
  api: FaultyBotApi,
  phase: Phase,
  leaked: number,
): Promise<FaultRow> {
  const ids = [...phase.sent.values()].flat();
  const processed = await db.prisma.inboundUpdate.findMany({
    where: { updateId: { in: ids.map(BigInt) }, processedAt: { not: null } },
    select: { updateId: true },
  });
  const done = new Set(processed.map((p) => Number(p.updateId)));
  let lost = [...phase.acknowledged].filter((id) => !done.has(id)).length;
  let doubled = 0;
  for (const [chat, sent] of phase.sent) {
    if (chat === 0) continue;
    const got = api.delivered.filter((d) => d.chatId === String(chat)).length;
    const queued = await db.prisma.outboxMessage.count({
      where: { chatId: BigInt(chat), method: "sendMessage", status: "sent" },
    });
    doubled += Math.max(0, got - queued);
    // Every message a reachable, unflooded customer sent is answered.
    if (!phase.exempt.has(chat)) lost += Math.max(0, sent.length - got);
  }
  return {
    fault: phase.fault,
    sent: ids.length,
    stored: phase.acknowledged.size,
    processed: done.size,
    lost,
    doubled,
    leaked,
    othersWorstMs: phase.othersWorstMs,
    checks: phase.checks,
  };
}

/** The table `npm run test:faults` prints. */
export function faultTable(kind: DatabaseKind, run: FaultRun): string {
  const head =
    "| fault | sent | stored | processed | lost | doubled | leaked | others' worst latency |";
  const lines = run.rows.map(
    (r) =>
      `| ${r.fault} | ${r.sent} | ${r.stored} | ${r.processed} | ${r.lost} | ${r.doubled} | ${r.leaked} | ${(r.othersWorstMs / 1000).toFixed(2)} s |`,
  );
  return [
    `faults on ${kind} (scale ${SCALE}):`,
    head,
    "|---|---|---|---|---|---|---|---|",
    ...lines,
  ].join("\n");
}

export const faultKinds: DatabaseKind[] =
  TEST_DATABASE_URL === undefined ? ["pglite"] : ["pglite", "postgres"];
