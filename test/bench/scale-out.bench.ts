// Scale-out: one and then two bot processes (the real program, webhook mode)
// sharing one PostgreSQL, fed the scripted conversations through their
// webhooks, round-robin per update as a load balancer would. Telegram's side is
// a stub Bot API that answers every call at once. Reports throughput and
// latency for each, and checks that both runs end with the same cases and
// messages. Beside the customers, a staff load: staff members in the staff
// group claim and approve (with the D3 confirmation) each case as it appears.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { Agent, request } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { openDatabase, type PrismaClient } from "../../src/database/open.ts";
import { Admission } from "../../src/updates/admission.ts";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import { createTestDatabase, TEST_DATABASE_URL } from "../support/database.ts";
import { BotProcess, freePort } from "../support/emulator.ts";
import { type CpuShares, cpuMeter, postmasterOf } from "./cpu.ts";
import { markProfileWindow, monotonicMicroseconds } from "./cpu-profile.ts";
import { asMeasuredRole, type Counted, pgbenchTps, statementCounter } from "./references.ts";
import { type BenchSection, ms, percentiles } from "./report.ts";
import { type StubBotApi, startStubBotApi } from "./stub-bot-api.ts";

const CUSTOMERS = Number(process.env.BENCH_SCALE_CUSTOMERS ?? 200);
/**
 * Customers (with their staff presses) each program is fed before it is
 * measured, so that the figures are those of a program that has been running:
 * JIT-compiled, its pool's connections open, its FAQ's memory filled.
 */
const WARMUP = Number(process.env.BENCH_WARMUP_CUSTOMERS ?? 50);
/** The measured customers' user ids start here; the warm-up's below them. */
const MEASURED_FROM = 300_000;
const WARMUP_FROM = 200_000;
if (WARMUP > MEASURED_FROM - WARMUP_FROM)
  throw new Error(`BENCH_WARMUP_CUSTOMERS: at most ${MEASURED_FROM - WARMUP_FROM}`);
/** BENCH_HOT_PATH=prisma adds runs with the hot statements (the chat's read and write, the outbox's claim) through Prisma's client, for comparison. */
const comparePrisma = process.env.BENCH_HOT_PATH === "prisma";
const TOKEN = "111222333:AAScaleOutBenchTokenOnly_abcdefghij";
const SECRET = "scale-out-secret-0123456789";
/** Staff members (admins through ADMIN_IDS), all in the one staff group. */
const STAFF = [7001, 7002, 7003, 7004];
const STAFF_GROUP = -1005550001;
/** What a staff member presses on each case, one after another. */
const STAFF_ACTIONS = ["claim", "approve", "confirm"] as const;
const STAFF_PRESSES = STAFF_ACTIONS.length;

/**
 * Random waits, exponentially distributed around `meanMs` (the gaps between
 * independent people's arrivals, and a person's pauses), from a seeded
 * generator so that every invocation replays the same waits.
 */
function exponential(meanMs: number, seed: number): () => number {
  let state = seed >>> 0;
  // mulberry32: small, seeded, uniform enough for arrival times.
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => -Math.log(1 - uniform()) * meanMs;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Paced runs: a customer's mean pause between two updates, and a staff member's before each press. */
const CUSTOMER_PAUSE_MS = 300;
const STAFF_PAUSE_MS = 100;

/**
 * Telegram sends a webhook at most max_connections updates at once (40 unless
 * the bot sets it), from one queue; behind a load balancer the processes share
 * those 40. So the load generator has at most 40 posts in flight in all, first
 * come first served whichever process they go to, each over a kept-alive
 * connection to its process. One agent capped at 40 sockets across the
 * processes' ports is not that: Node gives a freed socket to a request for the
 * same port and keeps it idle while the other port's requests wait, which held
 * some posts to the second process back for a quarter of a second.
 */
const TELEGRAM_CONNECTIONS = 40;
const inFlight = new Admission(TELEGRAM_CONNECTIONS);
const agents = new Map<number, Agent>();

function agentFor(port: number): Agent {
  let agent = agents.get(port);
  if (agent === undefined) {
    agent = new Agent({ keepAlive: true });
    agents.set(port, agent);
  }
  return agent;
}

/** Closes the load generator's connections to a process that has stopped. */
function closeConnections(port: number): void {
  agents.get(port)?.destroy();
  agents.delete(port);
}

/** One POST of an update, once one of Telegram's places is free; resolves to the answer's status. A webhook that never answers fails the bench. */
function postOnce(port: number, body: string): Promise<number> {
  return inFlight.run(false, () => postNow(port, body));
}

function postNow(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/telegram",
        method: "POST",
        agent: agentFor(port),
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        signal: AbortSignal.timeout(WAIT_LIMIT_MS),
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Tries to post an update before the bench gives up: a refused one is not a measurement. */
const POST_ATTEMPTS = 5;

async function post(port: number, update: unknown): Promise<void> {
  const body = JSON.stringify(update);
  for (let attempt = 1; ; attempt++) {
    let status: number;
    try {
      status = await postOnce(port, body);
    } catch (err) {
      // A kept-alive connection the server closed as it was reused (paced posts idle for
      // seconds): posted again, as Telegram would; a second delivery is dropped at the door.
      if (attempt >= POST_ATTEMPTS || (err instanceof Error && err.name === "AbortError"))
        throw err;
      continue;
    }
    if (status === 200) return;
    if (attempt >= POST_ATTEMPTS)
      throw new Error(`the webhook answered ${status}, ${attempt} times`);
    await sleep(50 * attempt);
  }
}

/** How long any wait of the bench may take before it fails instead of hanging. */
const WAIT_LIMIT_MS = 180_000;

/** Polls `done` every `everyMs` until it holds; throws naming `what` after WAIT_LIMIT_MS. */
async function waitUntil(
  what: string,
  done: () => Promise<boolean>,
  everyMs = 20,
  lastWords: () => string = () => "",
): Promise<void> {
  const give = performance.now() + WAIT_LIMIT_MS;
  while (!(await done())) {
    if (performance.now() > give)
      throw new Error(`waited ${WAIT_LIMIT_MS / 1000} s for ${what}${lastWords()}`);
    await sleep(everyMs);
  }
}

/** A bot's /metrics, as text. */
async function metricsOf(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

/** The updates a bot has handled to the end (processed or ignored), from its /metrics. */
function handledOf(metrics: string): number {
  return counterSum(metrics, "refund_updates_handled_total", 'outcome="ok"');
}

/** A counter's samples in a /metrics text that carry `label`, summed. */
function counterSum(metrics: string, name: string, label: string): number {
  return [...metrics.matchAll(new RegExp(`^${name}\\{[^}]*${label}[^}]*\\} (\\d+)`, "gm"))]
    .map((m) => Number(m[1]))
    .reduce((a, b) => a + b, 0);
}

/** The updates the bots ran again (their chat changed under them) and deferred (stored behind their chat's), from their /metrics. */
async function contendedOf(ports: number[]): Promise<{ rerun: number; deferred: number }> {
  const bodies = await Promise.all(ports.map(metricsOf));
  const count = (how: string) =>
    bodies.reduce((n, b) => n + counterSum(b, "refund_updates_contended_total", `how="${how}"`), 0);
  return { rerun: count("rerun"), deferred: count("deferred") };
}

/**
 * Waits until a bot has nothing pending for private chats (read from its
 * /metrics, so it works on PGlite too, whose folder is the bot's alone); the
 * staff group's messages go at a group's pace of 20 a minute and are not waited for.
 */
async function sentToPrivateChats(port: number): Promise<void> {
  await waitUntil(
    "the warm-up's messages to private chats",
    async () => {
      const pending = /^refund_outbox_pending_private (\d+)/m.exec(await metricsOf(port))?.[1];
      if (pending === undefined)
        throw new Error("the bot's /metrics has no refund_outbox_pending_private");
      return pending === "0";
    },
    100,
  );
}

interface Run {
  processes: number;
  database: "postgres" | "pglite";
  /** the rate the posts were paced at, or undefined: as fast as the bots answer */
  pacedAt: number | undefined;
  /** the hot path went through Prisma's client */
  prisma: boolean;
  /** measured again, after the two processes */
  again: boolean;
  updates: number;
  seconds: number;
  webhook: number[];
  /** each customer update from its post to processed: the webhook's answer, plus the wait in the store if it was stored */
  processing: number[];
  cases: number;
  messages: number;
  /** staff updates (claim, approve, confirm) */
  staffActions: number;
  /** from the first staff post to the last staff update processed */
  staffSeconds: number;
  /** post → processed of the staff updates */
  staffProcessing: number[];
  /** the 5 seconds (or the run, if shorter) with the most updates received: their rate, and the customer updates' post → processed in them */
  busiest: { rate: number; processing: number[] };
  /** cases approved, each with exactly one approval event */
  approvedOnce: number;
  /** updates run again because their chat changed under them, and stored to wait behind their chat's */
  contended: { rerun: number; deferred: number };
  /** CPU per update (user and system): the bot processes', the server's, the bench's, the rest's; less moved by the machine's load than rates */
  cpu: CpuShares;
  /** statements (or transactions: see `counted`) the programs ran, per update */
  perUpdate: number;
  counted: string;
  top: Counted["top"];
  costliest: Counted["costliest"];
}

const BUSIEST_MS = 5_000;

/**
 * The window of BUSIEST_MS (or the whole run, if shorter) with the most
 * updates received (the database's clock): a paced run's customers arrive and
 * leave over its first and last seconds, so its rate over the whole run
 * understates the load its latency was measured under.
 */
function busiestWindow(updates: { at: number; took: number | undefined }[]): Run["busiest"] {
  const sorted = [...updates].sort((a, b) => a.at - b.at);
  // A run shorter than the window is its own busiest window.
  const window = Math.min(BUSIEST_MS, (sorted.at(-1)?.at ?? 0) - (sorted[0]?.at ?? 0) + 1);
  let best = { from: 0, to: 0 };
  for (let from = 0, to = 0; from < sorted.length; from++) {
    while (to < sorted.length && (sorted[to]?.at ?? 0) < (sorted[from]?.at ?? 0) + window) to++;
    if (to - from > best.to - best.from) best = { from, to };
  }
  const inside = sorted.slice(best.from, best.to);
  return {
    rate: inside.length / (window / 1000),
    processing: inside.flatMap((u) => (u.took === undefined ? [] : [u.took])),
  };
}

/** Telegram's numbering: an update's update_id is given as it is sent, as Telegram numbers them as they happen. */
type Numbering = () => number;

/** Each customer's conversation, its updates numbered when posted. */
function customersFrom(first: number, count: number): Record<string, unknown>[][] {
  return Array.from({ length: count }, (_, i) => conversation(first + i, () => 0));
}

/**
 * Posts every customer's updates one after another, all customers at once,
 * round-robin over the ports; records each update's answer time by the
 * update_id it was given.
 */
function postConversations(
  scripts: Record<string, unknown>[][],
  ports: number[],
  webhook: Map<number, number>,
  nextId: Numbering,
  paced?: { arrivals: number[]; pause: () => number },
): Promise<unknown> {
  let next = 0;
  const start = performance.now();
  return Promise.all(
    scripts.map(async (updates, i) => {
      if (paced !== undefined) await sleep(start + (paced.arrivals[i] ?? 0) - performance.now());
      for (const [k, u] of updates.entries()) {
        if (paced !== undefined && k > 0) await sleep(paced.pause());
        const port = ports[next++ % ports.length] ?? 0;
        const numbered = { ...u, update_id: nextId() };
        const t = performance.now();
        await post(port, numbered);
        webhook.set(numbered.update_id, performance.now() - t);
      }
    }),
  );
}

function databaseName(url: string): string {
  return new URL(url).pathname.slice(1);
}

/**
 * The reference: test/bench/minimal-webhook.ts fed the same customers' updates
 * by the same load generator (no staff load: it opens no cases). Given the stub
 * Bot API, it replies to each update there, and a run ends once every reply
 * was answered as well. With two processes, the updates alternate between
 * them as they do between the bots.
 */
async function runMinimal(
  postmaster: number | undefined,
  o: { replyTo?: StubBotApi; processes?: number } = {},
): Promise<{
  updates: number;
  seconds: number;
  cpu: CpuShares;
  perUpdate: number;
  counted: string;
}> {
  const { replyTo, processes = 1 } = o;
  const db = await createTestDatabase("postgres");
  const url = db.url ?? "";
  const children: { child: ChildProcess; port: number; exit: Promise<unknown> }[] = [];
  try {
    // One after another: each creates the tables it needs if they are not there yet.
    for (let i = 0; i < processes; i++) {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [path.join(import.meta.dirname, "minimal-webhook.ts")],
        {
          env: {
            ...process.env,
            DATABASE_URL: await asMeasuredRole(TEST_DATABASE_URL ?? "", url),
            PORT: String(port),
            ...(replyTo === undefined ? {} : { TELEGRAM_API_ROOT: replyTo.url }),
          },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      const exit = once(child, "exit");
      children.push({ child, port, exit });
      const died = exit.then(() => {
        throw new Error("the minimal webhook exited before it listened");
      });
      died.catch(() => {});
      await Promise.race([once(child.stdout, "data"), died]);
    }
    const ports = children.map((c) => c.port);
    let id = 1;
    const nextId = () => id++;
    const repliesBefore = replyTo?.sent() ?? 0;
    const processedAtLeast = (n: number) =>
      waitUntil("the minimal webhook's updates processed", async () => {
        if (replyTo !== undefined && replyTo.sent() - repliesBefore < n) return false;
        const [row] = await db.prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM ref_inbound WHERE processed_at IS NOT NULL`;
        return (row?.n ?? 0) >= n;
      });
    const warmup = customersFrom(WARMUP_FROM, WARMUP);
    await postConversations(warmup, ports, new Map(), nextId);
    await processedAtLeast(id - 1);
    const counter = await statementCounter(TEST_DATABASE_URL ?? "", databaseName(url));
    const scripts = customersFrom(MEASURED_FROM, CUSTOMERS);
    const updates = scripts.reduce((n, s) => n + s.length, 0);
    const meter = cpuMeter({ programs: () => children.map((c) => c.child.pid), postmaster });
    const start = performance.now();
    await postConversations(scripts, ports, new Map(), nextId);
    await processedAtLeast(id - 1);
    const seconds = (performance.now() - start) / 1000;
    return {
      updates,
      seconds,
      cpu: meter.stop(updates),
      perUpdate: (await counter.count()).total / updates,
      counted: counter.source,
    };
  } finally {
    for (const { child, port, exit } of children) {
      child.kill("SIGTERM");
      await exit;
      closeConnections(port);
    }
    await db.close();
  }
}

/** One staff member's button press in the staff group, as Telegram would deliver it. */
function staffPress(
  staffId: number,
  action: (typeof STAFF_ACTIONS)[number],
  caseId: number,
  nextId: () => number,
): Record<string, unknown> {
  const chat = { id: STAFF_GROUP, type: "supergroup", title: "Refund staff" };
  return {
    update_id: nextId(),
    callback_query: {
      id: `${staffId}-${action}-${caseId}`,
      from: { id: staffId, is_bot: false, first_name: `Staff${staffId}`, language_code: "en" },
      chat_instance: "staff",
      message: { message_id: 1, date: 0, chat },
      data: encodeCallback({ kind: "staff", action, caseId }),
    },
  };
}

interface RunOptions {
  processes: number;
  apiRoot: string;
  database: "postgres" | "pglite";
  /** posts per second, customers' and staff's together; undefined: as fast as the bots answer */
  rate?: number;
  /** the hot statements through Prisma's client, not the driver (the bot's HOT_PATH=prisma) */
  prisma?: boolean;
  /** one process measured again after two: the machine's speed drifts over minutes */
  again?: boolean;
  /** PostgreSQL's main process, when on this machine: its CPU is counted */
  postmaster: number | undefined;
}

/**
 * One run. On PostgreSQL beside the customers runs the staff load, which
 * watches the database for cases; on PGlite (the bot's own folder, which only
 * it may open) the customers alone, checked once the bot has stopped.
 */
async function run(o: RunOptions): Promise<Run> {
  const { processes, apiRoot, database } = o;
  const db = database === "postgres" ? await createTestDatabase("postgres") : undefined;
  const bots: BotProcess[] = [];
  const ports: number[] = [];
  const cwd = mkdtempSync(path.join(tmpdir(), "scale-"));
  const profiles =
    process.env.BENCH_CPU_PROF === undefined
      ? undefined
      : path.join(process.env.BENCH_CPU_PROF, profileFolder(o));
  let stopped = false;
  const stopBots = async () => {
    if (stopped) return;
    stopped = true;
    for (const b of bots) await b.stop();
  };
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
            ...(db === undefined
              ? { DATA_DIR: path.join(cwd, "data") }
              : { DATABASE_URL: await asMeasuredRole(TEST_DATABASE_URL ?? "", db.url ?? "") }),
            ...(o.prisma === true ? { HOT_PATH: "prisma" } : {}),
            SUPPORT_EMAIL: "refunds@example.com",
            TIME_ZONE,
            LOG_LEVEL: "info",
            ADMIN_IDS: STAFF.join(","),
            STAFF_CHAT_ID: String(STAFF_GROUP),
            // A scripted customer sends far faster than a person types, and the stub's
            // replies leave at Telegram's pace: flood control would rightly stop them.
            FLOOD_MAX_UPDATES: "1000000",
            // Behind a balancer each process sees only some of Telegram's numbers: no wait for gaps.
            ...(processes > 1 ? { WEBHOOK_ORDER_WAIT_MS: "0" } : {}),
            // BENCH_CPU_PROF=<folder>: each bot process writes a CPU profile there when it stops.
            ...(profiles === undefined
              ? {}
              : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profiles}` }),
          },
          cwd,
        ),
      );
    }
    let id = 1;
    const nextId = () => id++;
    let next = 0;
    /**
     * Feeds the bots `count` customers from user id `first`, with the staff load
     * on their cases beside them, and waits until every update is processed
     * (PGlite: answered); each update's answer time by its update_id.
     */
    const drive = async (first: number, count: number, rate?: number) => {
      const scripts = customersFrom(first, count);
      const webhook = new Map<number, number>();
      let customersDone: number | undefined;
      // Paced, customers arrive one by one at random (a Poisson process) at the rate
      // that, with the staff presses their cases bring, makes `rate` updates a second,
      // and pause at random between their updates: at any moment dozens are under
      // way, some greeting, some answering, some submitting, as independent people
      // are. Posted in step, every submission (the heaviest update) would come in
      // the same second.
      const perCustomer = scripts.reduce((n, u) => n + u.length, 0) / count + STAFF_PRESSES;
      let arrivals: number[] = [];
      if (rate !== undefined) {
        const gap = exponential((1000 * perCustomer) / rate, first);
        let at = 0;
        arrivals = scripts.map(() => {
          at += gap();
          return at;
        });
      }
      const paced =
        rate === undefined
          ? undefined
          : { arrivals, pause: exponential(CUSTOMER_PAUSE_MS, first + 1) };
      const staffPause = rate === undefined ? undefined : exponential(STAFF_PAUSE_MS, first + 2);
      const customers = postConversations(scripts, ports, webhook, nextId, paced).then(() => {
        customersDone = performance.now();
      });
      // The staff load: each member takes the next submitted case nobody took
      // (as /queue shows them) and claims, approves and confirms it, one press
      // after another; the presses go round-robin to the processes too.
      const taken = new Set<number>();
      const staffIds = new Set<number>();
      const staff =
        db === undefined
          ? Promise.resolve()
          : Promise.all(
              STAFF.map(async (staffId) => {
                while (taken.size < count) {
                  const open = await db.prisma.refundCase.findMany({
                    where: { status: "submitted", customerId: { gte: first, lt: first + count } },
                    select: { id: true },
                    orderBy: { id: "asc" },
                  });
                  const c = open.find((x) => !taken.has(x.id));
                  if (c === undefined) {
                    // A customer whose updates flood control ignored never submits: fail, not wait forever.
                    if (customersDone !== undefined && performance.now() - customersDone > 30_000)
                      throw new Error(
                        `${taken.size} cases of ${count}: some conversations never ended; the bots' last words:\n${bots.flatMap((b) => b.output.slice(-40)).join("\n")}`,
                      );
                    await sleep(50);
                    continue;
                  }
                  taken.add(c.id);
                  for (const action of STAFF_ACTIONS) {
                    if (staffPause !== undefined) await sleep(staffPause());
                    const port = ports[next++ % ports.length] ?? 0;
                    const press = staffPress(staffId, action, c.id, nextId);
                    const updateId = Number(press.update_id);
                    staffIds.add(updateId);
                    const t = performance.now();
                    await post(port, press);
                    webhook.set(updateId, performance.now() - t);
                  }
                }
              }),
            );
      await Promise.all([customers, staff]);
      const lastWords = () =>
        `; the bots' last words:\n${bots.flatMap((b) => b.output.slice(-40)).join("\n")}`;
      // PostgreSQL: every update processed. PGlite (only the bot may open its folder): every
      // update posted so far handled, by the bot's own count (a stored one is answered first).
      const posted = id - 1;
      await waitUntil(
        "every update processed",
        async () =>
          db === undefined
            ? (await Promise.all(ports.map(metricsOf))).map(handledOf).reduce((a, b) => a + b, 0) >=
              posted
            : (await db.prisma.inboundUpdate.count({ where: { processedAt: { not: null } } })) >=
              posted,
        20,
        lastWords,
      );
      return { webhook, staffIds };
    };
    await drive(WARMUP_FROM, WARMUP);
    // The warm-up's messages to customers delivered too, so that the measured run's sender starts idle.
    await Promise.all(ports.map((port) => sentToPrivateChats(port)));
    // Read before the statements and CPU are counted, and after: the scrape is not the updates' cost.
    const contendedAtStart = await contendedOf(ports);
    const counter =
      db === undefined
        ? undefined
        : await statementCounter(TEST_DATABASE_URL ?? "", databaseName(db.url ?? ""));
    // CPU from here on: the start (the FAQ's training, migrations) and the warm-up are not the updates' cost.
    const meter = cpuMeter({
      programs: () => bots.map((b) => b.child.pid),
      postmaster: db === undefined ? undefined : o.postmaster,
    });
    const start = performance.now();
    const from = monotonicMicroseconds();
    const { webhook, staffIds } = await drive(MEASURED_FROM, CUSTOMERS, o.rate);
    const total = webhook.size;
    // PGlite: the last answer ends the run; what was stored and processed after it is checked below.
    const end = performance.now();
    if (profiles !== undefined) markProfileWindow(profiles, { from, to: monotonicMicroseconds() });
    const cpu = meter.stop(total);
    const counted = await counter?.count();
    const contendedAtEnd = await contendedOf(ports);
    let inspect: PrismaClient;
    let closeInspect = async () => {};
    if (db === undefined) {
      await stopBots();
      const opened = await openDatabase({ kind: "pglite", dataDir: path.join(cwd, "data") });
      inspect = opened.prisma;
      closeInspect = () => opened.close();
    } else {
      inspect = db.prisma;
    }
    try {
      const seconds = (end - start) / 1000;
      const rows = (
        await inspect.inboundUpdate.findMany({
          select: { updateId: true, receivedAt: true, processedAt: true },
        })
      ).filter((r) => webhook.has(Number(r.updateId)));
      if (rows.filter((r) => r.processedAt !== null).length < total)
        throw new Error(`${database}: not every update was processed`);
      // From the post to processed: the webhook's answer, and for an update that was
      // stored (answered at once, processed later) its time in the store.
      const took = (r: (typeof rows)[number]) =>
        (webhook.get(Number(r.updateId)) ?? 0) +
        ((r.processedAt?.getTime() ?? 0) - r.receivedAt.getTime());
      const staffRows = rows.filter((r) => staffIds.has(Number(r.updateId)));
      const customerRows = rows.filter((r) => !staffIds.has(Number(r.updateId)));
      const measured = { customerId: { gte: MEASURED_FROM, lt: MEASURED_FROM + CUSTOMERS } };
      const approvals = await inspect.caseEvent.groupBy({
        by: ["caseId"],
        where: { toStatus: "approved", case: measured },
        _count: { _all: true },
      });
      return {
        processes,
        database,
        pacedAt: o.rate,
        prisma: o.prisma === true,
        again: o.again === true,
        updates: total,
        seconds,
        webhook: [...webhook.values()],
        processing: customerRows.map(took),
        cases: await inspect.refundCase.count({ where: measured }),
        messages: await inspect.outboxMessage.count({
          where: {
            method: "sendMessage",
            chatId: { gte: MEASURED_FROM, lt: MEASURED_FROM + CUSTOMERS },
          },
        }),
        staffActions: staffRows.length,
        // From the first staff update received to the last processed (the database's clock).
        staffSeconds:
          (Math.max(...staffRows.map((r) => r.processedAt?.getTime() ?? 0)) -
            Math.min(...staffRows.map((r) => r.receivedAt.getTime()))) /
          1000,
        staffProcessing: staffRows.map(took),
        busiest: busiestWindow(
          rows.map((r) => ({
            at: r.receivedAt.getTime(),
            took: staffIds.has(Number(r.updateId)) ? undefined : took(r),
          })),
        ),
        approvedOnce:
          db === undefined
            ? 0
            : (await inspect.refundCase.count({ where: { ...measured, status: "approved" } })) ===
                CUSTOMERS
              ? approvals.filter((a) => a._count._all === 1).length
              : 0,
        cpu,
        contended: {
          rerun: contendedAtEnd.rerun - contendedAtStart.rerun,
          deferred: contendedAtEnd.deferred - contendedAtStart.deferred,
        },
        perUpdate: counted === undefined ? Number.NaN : counted.total / total,
        counted: counter?.source ?? "",
        top: counted?.top ?? [],
        costliest: counted?.costliest ?? [],
      };
    } finally {
      await closeInspect();
    }
  } finally {
    await stopBots();
    for (const port of ports) closeConnections(port);
    await db?.close();
  }
}

/** Each run's CPU profiles go to a folder of their own. */
function profileFolder(o: RunOptions): string {
  return [
    `${o.processes}p`,
    o.database,
    ...(o.rate === undefined ? [] : ["paced"]),
    ...(o.prisma === true ? ["prisma"] : []),
    ...(o.again === true ? ["again"] : []),
  ].join("-");
}

/** The start of a statement's text, as the notes quote it (BENCH_QUERY_CHARS to see more). */
function quoted(query: string): string {
  return `\`${query.slice(0, Number(process.env.BENCH_QUERY_CHARS ?? 70))}\``;
}

/** The mean rate of the runs of one process flat out on PostgreSQL, the hot path through the driver. */
function oneRate(runs: readonly Run[]): number {
  const ones = runs.filter(
    (r) => r.processes === 1 && r.database === "postgres" && r.pacedAt === undefined && !r.prisma,
  );
  return ones.reduce((sum, r) => sum + r.updates / r.seconds, 0) / ones.length;
}

/** How a run is named in the table. */
function label(r: Run): string {
  return [
    String(r.processes),
    ...(r.database === "pglite" ? ["PGlite, customers only"] : []),
    ...(r.pacedAt === undefined
      ? []
      : [`paced at ${Math.round(r.pacedAt)}/s asked (½ of 1 flat out, mean)`]),
    ...(r.prisma ? ["hot path through Prisma's client"] : []),
    ...(r.again ? ["again, after 2"] : []),
  ].join(", ");
}

export async function bench(): Promise<BenchSection[]> {
  const title = "Scale-out: one and two bot processes (webhook mode) sharing PostgreSQL";
  if (TEST_DATABASE_URL === undefined) {
    return [{ title, rows: [], notes: ["Not run: TEST_DATABASE_URL is not set."] }];
  }
  const tps = await pgbenchTps(TEST_DATABASE_URL);
  const postmaster = await postmasterOf(TEST_DATABASE_URL);
  const api = await startStubBotApi();
  const minimal = await runMinimal(postmaster);
  const minimalRate = minimal.updates / minimal.seconds;
  const replying = await runMinimal(postmaster, { replyTo: api });
  const replyingRate = replying.updates / replying.seconds;
  const minimalTwo = await runMinimal(postmaster, { processes: 2 });
  const minimalTwoRate = minimalTwo.updates / minimalTwo.seconds;
  const references = [
    { name: "minimal node:http + pg webhook", ref: minimal },
    { name: "minimal webhook replying once an update", ref: replying },
    { name: "minimal webhook, 2 processes", ref: minimalTwo },
  ];
  process.stdout.write(
    `scale-out: minimal webhook ${Math.round(minimalRate)} updates/s, replying ${Math.round(replyingRate)}, two processes ${Math.round(minimalTwoRate)}\n`,
  );
  const runs: Run[] = [];
  // Each run as it ends, so a run that fails later leaves the ones before it on record.
  const measure = async (o: Omit<RunOptions, "postmaster">) => {
    const r = await run({ ...o, postmaster });
    runs.push(r);
    process.stdout.write(
      `scale-out: ${label(r)}: ${Math.round(r.updates / r.seconds)} updates/s, ${r.perUpdate.toFixed(2)} statements and ${r.cpu.program.toFixed(2)} CPU ms an update\n`,
    );
  };
  try {
    const apiRoot = api.url;
    await measure({ processes: 1, apiRoot, database: "postgres" });
    // BENCH_HOT_PATH=prisma: the same with the hot statements through Prisma's client, right after.
    if (comparePrisma) await measure({ processes: 1, apiRoot, database: "postgres", prisma: true });
    await measure({ processes: 2, apiRoot, database: "postgres" });
    // One process on either side of two: the machine's speed drifts over minutes, so two
    // processes are compared with the mean of the one-process runs around them.
    await measure({ processes: 1, apiRoot, database: "postgres", again: true });
    // At half that rate, one process: the latency when not saturated.
    await measure({ processes: 1, apiRoot, database: "postgres", rate: oneRate(runs) / 2 });
    await measure({ processes: 1, apiRoot, database: "pglite" });
    if (comparePrisma) await measure({ processes: 1, apiRoot, database: "pglite", prisma: true });
  } finally {
    api.close();
  }
  const [one] = runs;
  const onesRate = oneRate(runs);
  for (const r of runs) {
    const staffed = r.database === "postgres";
    if (
      r.cases !== CUSTOMERS ||
      r.messages !== (staffed ? one?.messages : r.messages) ||
      (staffed && (r.approvedOnce !== CUSTOMERS || r.staffActions !== STAFF_PRESSES * CUSTOMERS))
    ) {
      throw new Error(
        `${r.processes} processes on ${r.database}: ${r.cases} cases, ${r.approvedOnce} approved once, ${r.staffActions} staff actions, ${r.messages} messages; expected ${CUSTOMERS}, ${CUSTOMERS}, ${STAFF_PRESSES * CUSTOMERS} and ${one?.messages}`,
      );
    }
  }

  return [
    {
      title,
      rows: [
        {
          processes: "pgbench -N (reference)",
          "updates/s": tps === undefined ? "not installed" : Math.round(tps),
        },
        ...references.map(({ name, ref }) => {
          const rate = ref.updates / ref.seconds;
          return {
            processes: `${name} (reference)`,
            customers: CUSTOMERS,
            updates: ref.updates,
            "updates/s": Math.round(rate),
            "÷ pgbench -N": tps === undefined ? "" : (rate / tps).toFixed(2),
            "÷ minimal webhook": ref === minimal ? "" : (rate / minimalRate).toFixed(2),
            "statements/update": ref.perUpdate.toFixed(2),
            "bot CPU ms/update": ref.cpu.program.toFixed(2),
          };
        }),
        ...runs.map((r) => {
          const w = percentiles(r.webhook);
          const p = percentiles(r.processing);
          const sp = percentiles(r.staffProcessing);
          const bp = percentiles(r.busiest.processing);
          const rate = r.updates / r.seconds;
          const postgres = r.database === "postgres";
          return {
            processes: label(r),
            customers: CUSTOMERS,
            updates: r.updates,
            "updates/s": Math.round(rate),
            "÷ pgbench -N": tps === undefined || !postgres ? "" : (rate / tps).toFixed(2),
            "÷ minimal webhook": postgres ? (rate / minimalRate).toFixed(2) : "",
            "÷ minimal replying": postgres ? (rate / replyingRate).toFixed(2) : "",
            "÷ 1 process": postgres ? (rate / onesRate).toFixed(2) : "",
            "statements/update": postgres ? r.perUpdate.toFixed(2) : "",
            "reruns / deferred": `${r.contended.rerun} / ${r.contended.deferred}`,
            "bot CPU ms/update": r.cpu.program.toFixed(2),
            "webhook answer p50 / p99 ms": `${ms(w.p50)} / ${ms(w.p99)}`,
            "post → processed p50 / p99 ms": `${ms(p.p50)} / ${ms(p.p99)}`,
            "busiest 5 s: updates/s, post → processed p99 ms": `${Math.round(r.busiest.rate)}, ${ms(bp.p99)}`,
            "staff actions/s": postgres ? Math.round(r.staffActions / r.staffSeconds) : "",
            "staff action post → processed p50 / p99 ms": postgres
              ? `${ms(sp.p50)} / ${ms(sp.p99)}`
              : "",
            cases: r.cases,
            "approved once": postgres ? r.approvedOnce : "",
            "messages queued": r.messages,
          };
        }),
      ],
      notes: [
        `Flat out, every customer's updates are posted one after another (each waits for the webhook's 200), all customers at once, at most ${TELEGRAM_CONNECTIONS} at once in all, first come first served, as Telegram sends a webhook (max_connections), each over a kept-alive connection to its process (the time an update waits for a place is in its latency); updates alternate between the processes, so one chat's updates reach both, as behind a load balancer. Each update is numbered (update_id) as it is posted, as Telegram numbers updates as they happen.`,
        `Warm-up: before it is measured, each program (the minimal webhook too) is fed ${WARMUP} other customers (the bots with their staff presses; the minimal webhook has no staff side) and the bots' messages to private chats are left to go out; nothing of the warm-up is counted. The figures are those of a program that has been running, not of its first second (BENCH_WARMUP_CUSTOMERS=0 measures from a cold start).`,
        "Minimal webhook replying: the same reference sending, once each update is processed, one sendMessage to its chat through Telegraf's Bot API client to the stub Bot API the bots send to, as any bot that answers must (no outbox, no pace); its run ends once every reply was answered. It is what replying alone costs: our bot sends about one message an update (messages queued, below). Minimal webhook, 2 processes: the first reference as two processes on the same database, the updates alternating between them as between the bots (its ÷ minimal webhook is what a second process does to a program that does nothing but our statements, on these cores).",
        "updates/s: all updates processed, from the first post to the last processed mark. Post → processed: the webhook's answer time (an update processed in its request is answered once processed), plus, for an update that was stored and processed later, its time in the store (receivedAt → processedAt, the database's clock); customers' and staff updates apart.",
        "÷ 1 process: over the mean rate of the two one-process runs flat out with the hot path through the driver, one before and one after the two processes (the machine's speed drifts over minutes: the two one-process rows show by how much).",
        "Reruns / deferred: from the bots' /metrics over the measured run, the updates run again because their chat changed between their read and their write (another process wrote first), and those stored to wait behind their chat's earlier stored updates; many of either would mean the processes fight over the same chats.",
        "Bot CPU ms/update: the bot processes' user and system CPU time from the first post to the last update processed (the sender's work included), over the updates; the machine's load moves it far less than the rates. The minimal webhook's is counted the same way.",
        `Paced: one process, at half the mean rate of this invocation's two flat-out one-process runs (asked; updates/s is what it got, the first and last customers' ramp included; the busiest 5 s column is the load at its peak and the latency then), so the latency is that of a bot that is not saturated. The customers arrive one by one at random (a Poisson process, seeded) at the rate that asks for, and pause at random between their updates (exponential, ${CUSTOMER_PAUSE_MS} ms on average); each staff member pauses ${STAFF_PAUSE_MS} ms on average before a press. Dozens of customers are under way at any moment, at every stage of their conversations, as independent people are, and a slow answer does not hold back the others' posts. Posted in step, every submission (the heaviest update) would come within the same second.`,
        "PGlite: one process with its embedded database in a folder of its own, customers only (the staff load watches the database for cases, and only the bot may open its folder); the run ends once the bot's /metrics counts every update handled, and every update is checked processed in the database once the bot has stopped.",
        `Staff load: ${STAFF.length} staff members (admins) in the staff group; each takes the next submitted case nobody took and presses claim, approve and the D3 confirmation, one after another, beside the customers. Staff actions/s: staff updates over the span from the first staff update received to the last processed; each member's presses are their own lane.`,
        `Statements per update: ${one?.counted ?? ""}, for the role the programs connect as (not the load generator's), from the end of the warm-up to the last update processed, divided by the updates. pgbench -N: scale 10, 8 clients, 2 threads, 15 s, on the same server just before. Ratios are to figures of the same run; the machine is shared, so only the ratios mean anything.`,
        ...runs
          .filter((r) => r.top.length > 0)
          .map(
            (r) =>
              `Most frequent statements, ${label(r)}, calls per update: ${r.top.map((t) => `${(t.calls / r.updates).toFixed(2)} ${quoted(t.query)}`).join("; ")}.`,
          ),
        ...runs
          .filter((r) => r.costliest.length > 0)
          .map(
            (r) =>
              `Where PostgreSQL spent its execution time, ${label(r)}: ${r.costliest.map((t) => `${Math.round(t.ms).toLocaleString("en")} ms in ${t.calls.toLocaleString("en")} calls (${(t.ms / t.calls).toFixed(2)} ms each) ${quoted(t.query)}`).join("; ")}.`,
          ),
        "The PostgreSQL runs end with one case per customer, every case approved with exactly one approval event, and the same number of messages queued. Bots, PostgreSQL and the load generator share the same machine's cores.",
      ],
    },
    {
      title: "Scale-out: where the machine's CPU went, per update",
      rows: [
        ...references.map(({ name, ref }) => ({ run: `${name} (reference)`, ...cpuRow(ref.cpu) })),
        ...runs.map((r) => ({ run: label(r), ...cpuRow(r.cpu) })),
      ],
      notes: [
        `User and system CPU time from the first post to the last update processed, over the updates, read from /proc: the program's processes; PostgreSQL's server, all its processes (${postmaster === undefined ? "not on this machine: not counted" : "the load generator's checks of the database included"}); the bench's own process (the load generator posting the updates, the stub Bot API answering the bots' sends); the rest of the machine (other processes, the kernel's work outside them). Cores busy: the machine's busy time over the run's length, of ${availableParallelism()} cores. Where the cores are not full, the run waited on something other than CPU.`,
      ],
    },
  ];
}

function cpuRow(c: CpuShares): Record<string, string> {
  return {
    "program ms": c.program.toFixed(2),
    "PostgreSQL ms": c.server === undefined ? "" : c.server.toFixed(2),
    "load generator and stub ms": c.bench.toFixed(2),
    "rest ms": c.rest.toFixed(2),
    "all ms": (c.program + (c.server ?? 0) + c.bench + c.rest).toFixed(2),
    "cores busy": c.coresBusy.toFixed(2),
  };
}
