import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Database, openDatabase } from "../../src/database/open.ts";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "../support/database.ts";
import {
  type BotMessage,
  BotProcess,
  botMessages,
  type Emulator,
  freePort,
  startEmulator,
} from "../support/emulator.ts";

/**
 * The crash test: scripted customers run whole refund conversations against
 * the real program (webhook mode, Bot API emulator) while it is killed with
 * SIGKILL at random moments and restarted. Sizes: CHAOS_CUSTOMERS and
 * CHAOS_KILLS (small under `npm test`, larger under `npm run test:chaos`).
 */
export const CUSTOMERS = Number(process.env.CHAOS_CUSTOMERS ?? 4);
export const KILLS = Number(process.env.CHAOS_KILLS ?? 3);

/** The staff member (an admin through ADMIN_IDS) and the staff group they review cases in. */
const STAFF_ID = 7001;
const STAFF_GROUP = -1009876543;

const TOKEN = "555444333:AAChaosTokenForTheEmulatorOnly_xyz12";
const SECRET = "chaos-secret-token-0123456789";
/** how long a step may wait for its answer: a restart plus a 30 s outbox lease after a resend */
const STEP_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Telegram's side of the webhook: the emulator's update is taken at once, then
 * delivered to the bot with the secret header and retried until the bot
 * answers 200, as Telegram retries a failed webhook request. (The emulator
 * itself neither retries nor survives an unreachable webhook.)
 */
async function startTelegramRelay(
  target: () => number,
  sends: OneAtATime,
): Promise<{ port: number; server: Server; acknowledged: Set<number>; reused: number[] }> {
  /** update_ids the bot answered 200 for: Telegram forgets them */
  const acknowledged = new Set<number>();
  /** update_ids the emulator gave to two different updates (its race; see oneAtATime) */
  const reused: number[] = [];
  const received = new Map<number, string>();
  const deliver = (body: Buffer, url: string): Promise<boolean> =>
    new Promise((resolve) => {
      const fwd = request(
        {
          host: "127.0.0.1",
          port: target(),
          path: url,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-telegram-bot-api-secret-token": SECRET,
          },
        },
        (answer) => {
          answer.resume();
          resolve(answer.statusCode === 200);
        },
      );
      fwd.on("error", () => resolve(false));
      fwd.end(body);
    });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(200).end();
      const body = Buffer.concat(chunks);
      sends.relayed++;
      const id = (JSON.parse(body.toString()) as { update_id: number }).update_id;
      if (received.has(id) && received.get(id) !== body.toString()) reused.push(id);
      received.set(id, body.toString());
      void (async () => {
        while (!(await deliver(body, req.url ?? "/"))) await sleep(100);
        acknowledged.add(id);
      })();
    });
  });
  const port = await freePort();
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return { port, server, acknowledged, reused };
}

/**
 * The emulator numbers an update before it awaits the webhook call and counts
 * up after (and answers its client before that), so two customers sending at
 * once get the same update_id (and the bot rightly drops the second as a
 * duplicate). Telegram never does that: the
 * customers' sends go through the emulator one at a time.
 */
class OneAtATime {
  #sending: Promise<unknown> = Promise.resolve();
  /** updates the relay has taken from the emulator */
  relayed = 0;

  run<T>(send: () => Promise<T>): Promise<T> {
    // The emulator answers the client before it has posted the update: the
    // next send waits until the relay has it.
    const next = this.#sending.then(async () => {
      const before = this.relayed;
      const r = await send();
      while (this.relayed === before) await sleep(2);
      return r;
    });
    this.#sending = next.catch(() => undefined);
    return next;
  }
}

/** One scripted customer: a refund to the balance, step by step, waiting for each answer. */
class ChaosCustomer {
  readonly id: number;
  readonly emulator: Emulator;
  readonly client: ReturnType<Emulator["getClient"]>;
  /** steps answered so far (the last one the bot answered) */
  answered = 0;
  caseNumber: number | undefined;
  finished = false;

  readonly sends: OneAtATime;

  constructor(emulator: Emulator, sends: OneAtATime, id: number) {
    this.sends = sends;
    this.id = id;
    this.emulator = emulator;
    this.client = emulator.getClient(TOKEN, {
      userId: id,
      chatId: id,
      firstName: `K${id}`,
      type: "private",
    });
  }

  get from() {
    return { id: this.id, first_name: `K${this.id}`, is_bot: false, language_code: "en" };
  }

  messages(): BotMessage[] {
    return botMessages(this.emulator, this.id);
  }

  async #waitFor(
    what: string,
    test: (fresh: BotMessage[]) => boolean,
    since: number,
  ): Promise<BotMessage[]> {
    const until = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const fresh = this.messages().slice(since);
      if (test(fresh)) return fresh;
      if (Date.now() > until) {
        throw new Error(
          `customer ${this.id}: no answer to step ${this.answered + 1} (${what}); last: ${JSON.stringify(this.messages().slice(-2))}`,
        );
      }
      await sleep(25);
    }
  }

  async say(text: string, until: (fresh: BotMessage[]) => boolean): Promise<BotMessage[]> {
    const since = this.messages().length;
    const from = this.from;
    await this.sends.run(() =>
      text.startsWith("/")
        ? this.client.sendCommand(this.client.makeCommand(text, { from }))
        : this.client.sendMessage(this.client.makeMessage(text, { from })),
    );
    const fresh = await this.#waitFor(text, until, since);
    this.answered++;
    return fresh;
  }

  async press(fragment: string, until: (fresh: BotMessage[]) => boolean): Promise<BotMessage[]> {
    const since = this.messages().length;
    const m = [...this.messages()]
      .reverse()
      .find((x) => x.buttons.some((b) => b.data.includes(fragment)));
    const b = m?.buttons.find((x) => x.data.includes(fragment));
    if (m === undefined || b === undefined)
      throw new Error(`customer ${this.id}: no button ${fragment}`);
    await this.sends.run(() =>
      this.client.sendCallback(
        this.client.makeCallbackQuery(b.data, {
          from: this.from,
          message: { message_id: m.messageId },
        }),
      ),
    );
    const fresh = await this.#waitFor(fragment, until, since);
    this.answered++;
    return fresh;
  }

  /** The whole conversation; each step waits for the answer that proves it was taken. */
  async run(): Promise<void> {
    const any = (fresh: BotMessage[]) => fresh.length > 0;
    const button = (part: string) => (fresh: BotMessage[]) =>
      fresh.some((m) => m.buttons.some((b) => b.data.includes(part)));
    const text = (re: RegExp) => (fresh: BotMessage[]) => fresh.some((m) => re.test(m.text));
    await this.say("/start", text(/refund assistant/));
    await this.say("/refund", button('"v":"balance"'));
    await this.press('"v":"balance"', button('"v":"one_time"'));
    await this.press('"v":"one_time"', button('"v":"no_sms"'));
    await this.press('"v":"no_sms"', button('"q":"code_shown"'));
    await this.press('"q":"code_shown","v":"no"', button('"q":"restrictions"'));
    await this.press('"q":"restrictions","v":"yes"', button('"q":"problem_date"'));
    await this.press('"q":"problem_date"', any);
    await this.say(`k${this.id}@example.com`, any);
    await this.say("+44 7700 900123", any);
    await this.say("2.50 EUR", button('"v":"skip"'));
    await this.press('"q":"comment","v":"skip"', button('"q":"evidence","v":"skip"'));
    await this.press('"q":"evidence","v":"skip"', button('"type":"submit"'));
    const done = await this.press('"type":"submit"', text(/request #\d+/));
    const n = done.map((m) => /request #(\d+)/.exec(m.text)?.[1]).find((x) => x !== undefined);
    this.caseNumber = Number(n);
    await this.say("/status", text(/#\d+ — one-time SMS number, €2\.50: waiting for review/));
    this.finished = true;
  }
}

/**
 * One scripted staff member in the staff group: takes each finished
 * customer's case from its card and claims, approves (with the D3
 * confirmation) and completes it through the buttons, waiting for the
 * group's answer to each press before the next.
 */
class ChaosStaff {
  readonly emulator: Emulator;
  readonly client: ReturnType<Emulator["getClient"]>;
  /** cases claimed, approved and completed */
  reviewed: number[] = [];

  readonly sends: OneAtATime;

  constructor(emulator: Emulator, sends: OneAtATime) {
    this.sends = sends;
    this.emulator = emulator;
    this.client = emulator.getClient(TOKEN, {
      userId: STAFF_ID,
      chatId: STAFF_GROUP,
      firstName: "Sam",
      type: "supergroup",
    });
  }

  get from() {
    return { id: STAFF_ID, first_name: "Sam", is_bot: false, language_code: "en" };
  }

  messages(): BotMessage[] {
    return botMessages(this.emulator, STAFF_GROUP);
  }

  /** The case's card as the group shows it now (edited in place; the newest copy after a resend). */
  card(id: number): BotMessage | undefined {
    return [...this.messages()].reverse().find((m) => m.text.includes(`Case #${id} — refund`));
  }

  /** Presses the newest button whose data is exactly `data`, then waits until `done` holds. */
  async press(data: string, done: (since: BotMessage[]) => boolean): Promise<void> {
    const until = Date.now() + STEP_TIMEOUT_MS;
    let m: BotMessage | undefined;
    for (;;) {
      m = [...this.messages()].reverse().find((x) => x.buttons.some((b) => b.data === data));
      if (m !== undefined) break;
      if (Date.now() > until) throw new Error(`staff: no button ${data}`);
      await sleep(25);
    }
    const since = this.messages().length;
    const messageId = m.messageId;
    await this.sends.run(() =>
      this.client.sendCallback(
        this.client.makeCallbackQuery(data, {
          from: this.from,
          message: { message_id: messageId },
        }),
      ),
    );
    for (;;) {
      if (done(this.messages().slice(since))) return;
      if (Date.now() > until) {
        throw new Error(
          `staff: no answer to ${data}; last: ${JSON.stringify(this.messages().slice(-2))}`,
        );
      }
      await sleep(25);
    }
  }

  /**
   * Claim, approve, confirm D3, done: the case's whole review from its card. A
   * press changes the card in place; only the D3 question is a new message.
   */
  async review(id: number): Promise<void> {
    const cardSays = (state: string) => () =>
      this.card(id)?.text.includes(`State: ${state}`) === true;
    await this.press(`1|s|claim|${id}`, cardSays("in review"));
    await this.press(`1|s|approve|${id}`, (since) =>
      since.some((x) => x.text.startsWith(`Before approving case #${id},`)),
    );
    await this.press(`1|s|confirm|${id}`, cardSays("approved"));
    await this.press(`1|s|done|${id}`, cardSays("done"));
    this.reviewed.push(id);
  }

  /** Reviews each customer's case once their conversation has finished, one case at a time. */
  async run(customers: ChaosCustomer[], conversations: Promise<unknown>): Promise<void> {
    let over = false;
    void conversations.finally(() => {
      over = true;
    });
    const taken = new Set<ChaosCustomer>();
    for (;;) {
      const c = customers.find((x) => x.finished && !taken.has(x));
      if (c?.caseNumber !== undefined) {
        taken.add(c);
        await this.review(c.caseNumber);
        continue;
      }
      if (over && customers.every((x) => taken.has(x) || !x.finished)) return;
      await sleep(50);
    }
  }
}

export interface ChaosReport {
  database: DatabaseKind;
  customers: number;
  kills: number;
  conversationsChecked: number;
  /** cases claimed, approved and completed by staff, then checked */
  reviewsChecked: number;
  /** kills while staff were reviewing */
  killsDuringReviews: number;
  messagesChecked: number;
  /** messages Telegram received twice: a kill between its answer and the 'sent' mark */
  resends: number;
  problems: string[];
}

/** Runs the customers against a bot killed KILLS times, then checks the database against the emulator. */
export async function runChaos(kind: DatabaseKind): Promise<ChaosReport> {
  const emulator = await startEmulator();
  let botPort = 0;
  const sends = new OneAtATime();
  const relay = await startTelegramRelay(() => botPort, sends);
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "chaos-")), "data");
  const pg: TestDatabase | undefined =
    kind === "postgres" ? await createTestDatabase("postgres") : undefined;
  let bot: BotProcess | undefined;
  /** every process's log lines, kept for the report when something goes wrong */
  const logs: string[][] = [];
  const start = async () => {
    botPort = await freePort();
    bot = await BotProcess.start(
      {
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: emulator.config.apiURL,
        WEBHOOK_URL: `http://127.0.0.1:${relay.port}/telegram`,
        WEBHOOK_SECRET: SECRET,
        HTTP_PORT: String(botPort),
        SUPPORT_EMAIL: "refunds@example.com",
        TIME_ZONE: "Europe/Berlin",
        LOG_LEVEL: "info",
        ADMIN_IDS: String(STAFF_ID),
        STAFF_CHAT_ID: String(STAFF_GROUP),
        ...(pg?.url === undefined ? { DATA_DIR: dataDir } : { DATABASE_URL: pg.url }),
      },
      path.dirname(dataDir),
    );
    logs.push(bot.output);
  };
  const report: ChaosReport = {
    database: kind,
    customers: CUSTOMERS,
    kills: 0,
    conversationsChecked: 0,
    reviewsChecked: 0,
    killsDuringReviews: 0,
    messagesChecked: 0,
    resends: 0,
    problems: [],
  };
  try {
    await start();
    const customers = Array.from(
      { length: CUSTOMERS },
      (_, i) => new ChaosCustomer(emulator, sends, 60_000 + i),
    );
    let running = true;
    const conversations = Promise.allSettled(
      customers.map(async (c, i) => {
        await sleep(i * 150);
        await c.run();
      }),
    );
    const staff = new ChaosStaff(emulator, sends);
    const reviews = staff.run(customers, conversations);
    const all = Promise.allSettled([conversations, reviews]).finally(() => {
      running = false;
    });
    // The killer: SIGKILL at a random moment, restart, again, while customers
    // talk and staff review; the second half of the kills waits for the reviews.
    while (running && report.kills < KILLS) {
      await Promise.race([sleep(300 + Math.random() * 2500), all]);
      if (report.kills >= Math.ceil(KILLS / 2)) {
        while (running && !staffBusy(customers)) await sleep(50);
      }
      if (!running) break;
      await bot?.stop("SIGKILL");
      report.kills++;
      if (customers.some((c) => c.finished)) report.killsDuringReviews++;
      await start();
    }
    for (const [i, r] of (await conversations).entries()) {
      if (r.status === "rejected")
        report.problems.push(`customer ${customers[i]?.id}: ${String(r.reason)}`);
    }
    const [, staffRun] = await all;
    if (staffRun.status === "rejected") report.problems.push(`staff: ${String(staffRun.reason)}`);
    // Everything the outbox holds is delivered (a resend waits out its 30 s lease).
    const until = Date.now() + 90_000;
    for (;;) {
      const body = await (await fetch(`http://127.0.0.1:${botPort}/metrics`)).text();
      if (/^refund_outbox_pending 0$/m.test(body)) break;
      if (Date.now() > until) {
        report.problems.push("outbox not drained");
        break;
      }
      await sleep(200);
    }
    if (relay.reused.length > 0)
      report.problems.push(`the emulator reused update_ids ${relay.reused.join(", ")}`);
    await bot?.stop("SIGTERM");
    bot = undefined;
    const db: Database = pg ?? (await openDatabase({ kind: "pglite", dataDir }));
    try {
      await check(relay.acknowledged, db, customers, emulator, report);
      await checkReviews(db, customers, staff, emulator, report);
    } finally {
      if (pg === undefined) await db.close();
    }
  } finally {
    await bot?.stop("SIGKILL");
    relay.server.close();
    await emulator.stop();
    await pg?.close();
  }
  if (report.problems.length > 0) {
    const errors = logs.flat().filter((l) => /"level":(50|60)/.test(l));
    report.problems.push(...errors.slice(0, 10).map((l) => `bot log: ${l.slice(0, 400)}`));
  }
  return report;
}

/** Staff are at work once a customer has finished (their case is ready for review). */
function staffBusy(customers: ChaosCustomer[]): boolean {
  return customers.some((c) => c.finished);
}

/**
 * Messages received in a chat against the outbox rows written for it: each
 * arrives in order, at most resent right after itself (a kill between
 * Telegram's answer and the 'sent' mark). Returns the texts received once
 * each and the number of resends, or a problem.
 */
function received(
  expected: string[],
  got: string[],
  /** an edited message's text as it was first sent, by its text now: a copy resent before the edit */
  original: ReadonlyMap<string, string> = new Map(),
): { texts: string[]; resends: number; problem?: string } {
  const texts: string[] = [];
  let resends = 0;
  let i = 0;
  for (const t of got) {
    const next = expected[i];
    if (next !== undefined && t !== next && original.get(next) === t) resends++;
    else if (next !== undefined && t === next) {
      texts.push(t);
      i++;
    } else if (i > 0 && t === expected[i - 1]) resends++;
    else
      return { texts, resends, problem: `received ${JSON.stringify(t.slice(0, 60))} out of order` };
  }
  if (i !== expected.length)
    return { texts, resends, problem: `${expected.length - i} messages never arrived` };
  return { texts, resends };
}

/**
 * After the reviews: every case ended done with its whole audit log in order
 * (submitted by the customer; in review, approved, done by the staff member),
 * the customer told of the approval and the completion exactly once, and the
 * staff group received every message its outbox holds, each case's in order.
 */
async function checkReviews(
  db: Database,
  customers: ChaosCustomer[],
  staff: ChaosStaff,
  emulator: Emulator,
  report: ChaosReport,
): Promise<void> {
  const { prisma } = db;
  const problem = (s: string) => report.problems.push(s);
  for (const c of customers) {
    const id = c.caseNumber;
    if (id === undefined || !staff.reviewed.includes(id)) {
      problem(`customer ${c.id}: case ${id ?? "?"} not reviewed`);
      continue;
    }
    const only = await prisma.refundCase.findUnique({
      where: { id },
      include: { events: { orderBy: { id: "asc" } } },
    });
    if (only === null) {
      problem(`case ${id}: missing`);
      continue;
    }
    let ok = true;
    if (only.status !== "done") {
      problem(`case ${id}: ended ${only.status}`);
      ok = false;
    }
    const events = only.events.map((e) => `${e.fromStatus ?? ""}>${e.toStatus}:${e.actorId}`);
    const want = [
      `>submitted:${c.id}`,
      `submitted>in_review:${STAFF_ID}`,
      `in_review>approved:${STAFF_ID}`,
      `approved>done:${STAFF_ID}`,
    ];
    if (events.join() !== want.join()) {
      problem(`case ${id}: audit log ${events.join()}`);
      ok = false;
    }
    const texts = collapse(botMessages(emulator, c.id).map((m) => m.text));
    const approvals = texts.filter((t) =>
      t.startsWith(`Good news: your request #${id} is approved.`),
    );
    const completions = texts.filter((t) => t.startsWith(`Request #${id} is complete:`));
    if (approvals.length !== 1 || completions.length !== 1) {
      problem(
        `customer ${c.id}: told of the approval ${approvals.length} and of the completion ${completions.length} times`,
      );
      ok = false;
    }
    if (ok) report.reviewsChecked++;
  }
  // The staff group: every card, answer and prompt arrived, each case's in
  // order. The group hears from independent writers at once (each customer's
  // submission posts a card), whose messages leave in the order their
  // transactions commit, which the ids do not record; what is ordered is each
  // case's story (its card before the answers about it) and the answers to the
  // group's own updates, processed one at a time.
  const rows = await prisma.outboxMessage.findMany({
    where: { chatId: BigInt(STAFF_GROUP), method: { in: ["sendMessage", "editMessageText"] } },
    orderBy: { id: "asc" },
  });
  const sends = rows.filter((r) => r.method === "sendMessage");
  const notSent = rows.filter((r) => r.status !== "sent").length;
  if (notSent > 0) problem(`staff group: ${notSent} outbox messages not sent`);
  const textOf = (r: (typeof rows)[number]) => String((r.payload as { text?: unknown }).text);
  // A named message (a case's card) shows the last edit of its name; a copy
  // resent across a kill may still show the text it was sent with.
  const shown = (r: (typeof rows)[number]) => {
    const last = rows.findLast((x) => x.ref !== null && x.ref === r.ref);
    return r.ref === null || last === undefined ? textOf(r) : textOf(last);
  };
  const story = (text: string) => /#(\d+)/.exec(text)?.[1] ?? "no case";
  const expected = sends.map(shown);
  const original = new Map(sends.map((r) => [shown(r), textOf(r)]));
  const got = botMessages(emulator, STAFF_GROUP).map((m) => m.text);
  for (const key of new Set([...expected, ...got].map(story))) {
    const r = received(
      expected.filter((t) => story(t) === key),
      got.filter((t) => story(t) === key),
      original,
    );
    if (r.problem !== undefined) problem(`staff group, case ${key}: ${r.problem}`);
    report.resends += r.resends;
  }
  report.messagesChecked += sends.length;
}

/** Consecutive repeats (resends across a kill) counted once. */
function collapse(texts: string[]): string[] {
  return texts.filter((t, i) => i === 0 || texts[i - 1] !== t);
}

async function check(
  acknowledged: Set<number>,
  db: Database,
  customers: ChaosCustomer[],
  emulator: Emulator,
  report: ChaosReport,
): Promise<void> {
  const { prisma } = db;
  const problem = (s: string) => report.problems.push(s);
  const stored = new Set(
    (await prisma.inboundUpdate.findMany({ select: { updateId: true } })).map((r) =>
      Number(r.updateId),
    ),
  );
  const lost = [...acknowledged].filter((id) => !stored.has(id));
  if (lost.length > 0)
    problem(`updates acknowledged to Telegram but not in the inbox: ${lost.join(", ")}`);
  const stuck = await prisma.inboundUpdate.count({
    where: { OR: [{ processedAt: null }, { error: { not: null } }] },
  });
  if (stuck > 0) problem(`${stuck} updates unprocessed or set aside`);
  for (const c of customers) {
    const chatId = BigInt(c.id);
    const cases = await prisma.refundCase.findMany({
      where: { customerId: chatId },
      // In the order written: without it, rows come in the order the table holds them.
      include: { events: { orderBy: { id: "asc" } } },
    });
    // No case lost, none created twice; the audit log has the submission.
    if (cases.length !== 1) problem(`customer ${c.id}: ${cases.length} cases`);
    const only = cases[0];
    if (only !== undefined) {
      if (c.caseNumber !== only.id)
        problem(`customer ${c.id}: told #${c.caseNumber}, holds #${only.id}`);
      const events = only.events.map((e) => `${e.fromStatus ?? ""}>${e.toStatus}:${e.actorId}`);
      // The submission first; the staff's events are checked with the reviews.
      if (events[0] !== `>submitted:${c.id}`)
        problem(`case ${only.id}: audit log ${events.join()}`);
    }
    // Every message a step produced reached Telegram, in order, at most resent right after itself.
    const rows = await prisma.outboxMessage.findMany({
      where: { chatId, method: "sendMessage" },
      orderBy: { id: "asc" },
    });
    const notSent = rows.filter((r) => r.status !== "sent").length;
    if (notSent > 0) problem(`customer ${c.id}: ${notSent} outbox messages not sent`);
    const expected = rows.map((r) => String((r.payload as { text?: unknown }).text));
    const got = botMessages(emulator, c.id).map((m) => m.text);
    let i = 0;
    for (const t of got) {
      if (i < expected.length && t === expected[i]) i++;
      else if (i > 0 && t === expected[i - 1]) report.resends++;
      else {
        problem(`customer ${c.id}: received ${JSON.stringify(t.slice(0, 60))} out of order`);
        break;
      }
    }
    if (i !== expected.length)
      problem(`customer ${c.id}: ${expected.length - i} messages never arrived`);
    report.messagesChecked += expected.length;
    if (c.finished) report.conversationsChecked++;
  }
}
