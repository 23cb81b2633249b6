// Scale-out: one and then two bot processes (the real program, webhook mode)
// sharing one PostgreSQL, fed the scripted conversations through their
// webhooks, round-robin per update as a load balancer would. Telegram's side is
// a stub Bot API that answers every call at once. Reports throughput and
// latency for each, and checks that both runs end with the same cases and
// messages. Beside the customers, a staff load: staff members in the staff
// group claim and approve (with the D3 confirmation) each case as it appears.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import { createTestDatabase, TEST_DATABASE_URL } from "../support/database.ts";
import { BotProcess, freePort } from "../support/emulator.ts";
import { asMeasuredRole, type Counted, pgbenchTps, statementCounter } from "./references.ts";
import { type BenchSection, ms, percentiles } from "./report.ts";

const CUSTOMERS = Number(process.env.BENCH_SCALE_CUSTOMERS ?? 200);
const TOKEN = "111222333:AAScaleOutBenchTokenOnly_abcdefghij";
const SECRET = "scale-out-secret-0123456789";
/** Staff members (admins through ADMIN_IDS), all in the one staff group. */
const STAFF = [7001, 7002, 7003, 7004];
const STAFF_GROUP = -1005550001;

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
  /** staff updates (claim, approve, confirm) */
  staffActions: number;
  /** from the first staff post to the last staff update processed */
  staffSeconds: number;
  /** stored → processed of the staff updates */
  staffProcessing: number[];
  /** cases approved, each with exactly one approval event */
  approvedOnce: number;
  /** statements (or transactions: see `counted`) the programs ran, per update */
  perUpdate: number;
  counted: string;
  top: Counted["top"];
}

/** Posts every customer's updates one after another, all customers at once, round-robin over the ports. */
function postConversations(
  scripts: Record<string, unknown>[][],
  ports: number[],
  webhook: number[],
): Promise<unknown> {
  let next = 0;
  return Promise.all(
    scripts.map(async (updates) => {
      for (const u of updates) {
        const port = ports[next++ % ports.length] ?? 0;
        const t = performance.now();
        await post(port, u);
        webhook.push(performance.now() - t);
      }
    }),
  );
}

function databaseName(url: string): string {
  return new URL(url).pathname.slice(1);
}

/**
 * The reference: test/bench/minimal-webhook.ts fed the same customers' updates
 * by the same load generator (no staff load: it opens no cases).
 */
async function runMinimal(): Promise<{
  updates: number;
  seconds: number;
  perUpdate: number;
  counted: string;
}> {
  const db = await createTestDatabase("postgres");
  const url = db.url ?? "";
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "minimal-webhook.ts")], {
    env: {
      ...process.env,
      DATABASE_URL: await asMeasuredRole(TEST_DATABASE_URL ?? "", url),
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exit = once(child, "exit");
  try {
    const died = exit.then(() => {
      throw new Error("the minimal webhook exited before it listened");
    });
    died.catch(() => {});
    await Promise.race([once(child.stdout, "data"), died]);
    const counter = await statementCounter(TEST_DATABASE_URL ?? "", databaseName(url));
    let id = 1;
    const scripts = Array.from({ length: CUSTOMERS }, (_, i) =>
      conversation(300_000 + i, () => id++),
    );
    const updates = scripts.reduce((n, s) => n + s.length, 0);
    const start = performance.now();
    await postConversations(scripts, [port], []);
    for (;;) {
      const [row] = await db.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM ref_inbound WHERE processed_at IS NOT NULL`;
      if ((row?.n ?? 0) >= updates) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - start) / 1000;
    return {
      updates,
      seconds,
      perUpdate: (await counter.count()).total / updates,
      counted: counter.source,
    };
  } finally {
    child.kill("SIGTERM");
    await exit;
    await db.close();
  }
}

/** One staff member's button press in the staff group, as Telegram would deliver it. */
function staffPress(
  staffId: number,
  action: "claim" | "approve" | "confirm",
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
            DATABASE_URL: await asMeasuredRole(TEST_DATABASE_URL ?? "", db.url ?? ""),
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
            ...(process.env.BENCH_CPU_PROF === undefined
              ? {}
              : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` }),
          },
          cwd,
        ),
      );
    }
    const counter = await statementCounter(TEST_DATABASE_URL ?? "", databaseName(db.url ?? ""));
    let id = 1;
    const scripts = Array.from({ length: CUSTOMERS }, (_, i) =>
      conversation(300_000 + i, () => id++),
    );
    const customerUpdates = scripts.reduce((n, s) => n + s.length, 0);
    const webhook: number[] = [];
    let next = 0;
    const start = performance.now();
    let customersDone: number | undefined;
    const customers = postConversations(scripts, ports, webhook).then(() => {
      customersDone = performance.now();
    });
    // The staff load: each member takes the next submitted case nobody took
    // (as /queue shows them) and claims, approves and confirms it, one press
    // after another; the presses go round-robin to the processes too.
    const taken = new Set<number>();
    let staffActions = 0;
    const staff = Promise.all(
      STAFF.map(async (staffId) => {
        while (taken.size < CUSTOMERS) {
          const open = await db.prisma.refundCase.findMany({
            where: { status: "submitted" },
            select: { id: true },
            orderBy: { id: "asc" },
          });
          const c = open.find((x) => !taken.has(x.id));
          if (c === undefined) {
            // A customer whose updates flood control ignored never submits: fail, not wait forever.
            if (customersDone !== undefined && performance.now() - customersDone > 30_000)
              throw new Error(
                `${taken.size} cases of ${CUSTOMERS}: some conversations never ended; the bots' last words:\n${bots.flatMap((b) => b.output.slice(-40)).join("\n")}`,
              );
            await new Promise((r) => setTimeout(r, 50));
            continue;
          }
          taken.add(c.id);
          for (const action of ["claim", "approve", "confirm"] as const) {
            const port = ports[next++ % ports.length] ?? 0;
            await post(
              port,
              staffPress(staffId, action, c.id, () => id++),
            );
            staffActions++;
          }
        }
      }),
    );
    await Promise.all([customers, staff]);
    const total = customerUpdates + staffActions;
    for (;;) {
      const done = await db.prisma.inboundUpdate.count({ where: { processedAt: { not: null } } });
      if (done >= total) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const end = performance.now();
    const seconds = (end - start) / 1000;
    const rows = await db.prisma.inboundUpdate.findMany({
      select: { lane: true, receivedAt: true, processedAt: true },
    });
    const took = (r: (typeof rows)[number]) =>
      (r.processedAt?.getTime() ?? 0) - r.receivedAt.getTime();
    // Each staff member's presses in the group take their own lane.
    const isStaff = (r: (typeof rows)[number]) => STAFF.some((s) => r.lane === BigInt(s));
    const staffRows = rows.filter(isStaff);
    const lastStaff = Math.max(...staffRows.map((r) => r.processedAt?.getTime() ?? 0));
    const firstStaff = Math.min(...staffRows.map((r) => r.receivedAt.getTime()));
    const counted = await counter.count();
    const approvals = await db.prisma.caseEvent.groupBy({
      by: ["caseId"],
      where: { toStatus: "approved" },
      _count: { _all: true },
    });
    return {
      processes,
      updates: total,
      seconds,
      webhook,
      processing: rows.filter((r) => !isStaff(r)).map(took),
      cases: await db.prisma.refundCase.count(),
      messages: await db.prisma.outboxMessage.count({ where: { method: "sendMessage" } }),
      staffActions: staffRows.length,
      staffSeconds: (lastStaff - firstStaff) / 1000,
      staffProcessing: staffRows.map(took),
      approvedOnce:
        (await db.prisma.refundCase.count({ where: { status: "approved" } })) === CUSTOMERS
          ? approvals.filter((a) => a._count._all === 1).length
          : 0,
      perUpdate: counted.total / total,
      counted: counter.source,
      top: counted.top,
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
  const tps = await pgbenchTps(TEST_DATABASE_URL);
  const minimal = await runMinimal();
  const minimalRate = minimal.updates / minimal.seconds;
  const api = await startStubBotApi();
  const runs: Run[] = [];
  try {
    for (const n of [1, 2]) runs.push(await run(n, api.url));
  } finally {
    api.close();
  }
  const [one] = runs;
  for (const r of runs) {
    if (
      r.cases !== CUSTOMERS ||
      r.messages !== one?.messages ||
      r.approvedOnce !== CUSTOMERS ||
      r.staffActions !== 3 * CUSTOMERS
    ) {
      throw new Error(
        `${r.processes} processes: ${r.cases} cases, ${r.approvedOnce} approved once, ${r.staffActions} staff actions, ${r.messages} messages; expected ${CUSTOMERS}, ${CUSTOMERS}, ${3 * CUSTOMERS} and ${one?.messages}`,
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
        {
          processes: "minimal node:http + pg webhook (reference)",
          customers: CUSTOMERS,
          updates: minimal.updates,
          "updates/s": Math.round(minimalRate),
          "÷ pgbench -N": tps === undefined ? "" : (minimalRate / tps).toFixed(2),
          "statements/update": minimal.perUpdate.toFixed(2),
        },
        ...runs.map((r) => {
          const w = percentiles(r.webhook);
          const p = percentiles(r.processing);
          const sp = percentiles(r.staffProcessing);
          const rate = r.updates / r.seconds;
          return {
            processes: r.processes,
            customers: CUSTOMERS,
            updates: r.updates,
            "updates/s": Math.round(rate),
            "÷ pgbench -N": tps === undefined ? "" : (rate / tps).toFixed(2),
            "÷ minimal webhook": (rate / minimalRate).toFixed(2),
            "÷ 1 process": (rate / ((one?.updates ?? 0) / (one?.seconds ?? 1))).toFixed(2),
            "statements/update": r.perUpdate.toFixed(2),
            "webhook answer p50 / p99 ms": `${ms(w.p50)} / ${ms(w.p99)}`,
            "stored → processed p50 / p99 ms": `${ms(p.p50)} / ${ms(p.p99)}`,
            "staff actions/s": Math.round(r.staffActions / r.staffSeconds),
            "staff action stored → processed p50 / p99 ms": `${ms(sp.p50)} / ${ms(sp.p99)}`,
            cases: r.cases,
            "approved once": r.approvedOnce,
            "messages queued": r.messages,
          };
        }),
      ],
      notes: [
        "Every customer's updates are posted one after another (each waits for the webhook's 200), all customers at once; updates alternate between the processes, so one chat's updates reach both, as behind a load balancer.",
        "updates/s: all updates stored and processed, from the first post to the last processed mark. Stored → processed is measured with the database's clock (receivedAt, processedAt): queueing plus processing.",
        `Staff load: ${STAFF.length} staff members (admins) in the staff group; each takes the next submitted case nobody took and presses claim, approve and the D3 confirmation, one after another, beside the customers. Staff actions/s: staff updates over the span from the first staff update stored to the last processed; their latency is stored → processed (all staff updates share the group's chat, so they queue behind one another).`,
        `Statements per update: ${one?.counted ?? ""}, for the role the programs connect as (not the load generator's), from the programs' start to the last update processed, divided by the updates. pgbench -N: scale 10, 8 clients, 2 threads, 15 s, on the same server just before. Ratios are to figures of the same run; the machine is shared, so only the ratios mean anything.`,
        ...runs.map(
          (r) =>
            `Most frequent statements, ${r.processes} process(es), calls per update: ${r.top.map((t) => `${(t.calls / r.updates).toFixed(2)} \`${t.query.slice(0, Number(process.env.BENCH_QUERY_CHARS ?? 70))}\``).join("; ")}.`,
        ),
        "Both runs end with one case per customer, every case approved with exactly one approval event, and the same number of messages queued. Bots, PostgreSQL and the load generator share the same machine's cores.",
      ],
    },
  ];
}
