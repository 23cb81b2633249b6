import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUESTION_IDS } from "../../machines/refund/ids.ts";
import { MENU_ACTIONS, STAFF_ACTIONS } from "../../src/callbacks/data.ts";
import { TestBot } from "../support/bot.ts";
import type { Call } from "../support/bot-api.ts";

/**
 * Fuzzing the in-process bot: random updates from non-staff users against a
 * database seeded with other customers' real cases. The figures:
 * FUZZ_UPDATES (default 5,000 under `npm test`, 100,000 under `npm run test:fuzz`)
 * split evenly across the fuzz files.
 */
export const FUZZ_UPDATES = Number(process.env.FUZZ_UPDATES ?? 5_000);
/** the fuzz files share FUZZ_UPDATES */
export const FUZZ_FILES = 2;
export const UPDATES_PER_RUN = 10;

export const ADMIN = 900;
export const STAFF = 901;
export const STAFF_GROUP = -1001234567890;
export const STAFF_ENV = { ADMIN_IDS: String(ADMIN), STAFF_CHAT_ID: String(STAFF_GROUP) };

/** The customers whose data nobody else may ever read. */
export interface Victim {
  id: number;
  firstName: string;
  /** strings that identify this customer's cases: none may reach another customer's chat */
  secrets: string[];
  caseIds: number[];
}

const VICTIM_SPECS = [
  {
    id: 7001,
    firstName: "Zorvathine",
    accountId: "zorvathine.q7@victim-mail.example",
    serviceRef: "+44 7700 913579",
    amount: "7319.43",
    payout: { method: "iban", iban: "DE89370400440532013000" },
  },
  {
    id: 7002,
    firstName: "Quillonara",
    accountId: "quillonara.k2@victim-mail.example",
    serviceRef: "+34 600 482917",
    amount: "5283.71",
    payout: { method: "paypal", email: "quillonara.pay@victim-mail.example" },
  },
  {
    id: 7003,
    firstName: "Brexilduna",
    accountId: "brexilduna.z9@victim-mail.example",
    serviceRef: "+7 912 555 8642",
    amount: "6047.19",
    payout: { method: "card", last4: "8642" },
  },
] as const;

/** Attackers: ordinary customers (never staff) who send everything at the bot. */
export const ATTACKERS = [1001, 1002, 1003, 1004, 1005] as const;

export interface Fuzzing {
  bot: TestBot;
  victims: Victim[];
  /** every case id in the database when fuzzing started, with its status and version */
  before: Map<number, { status: string; version: number }>;
}

/** The bot with a staff admin, a staff member, a staff group and three customers' cases of every kind. */
export async function startFuzzing(): Promise<Fuzzing> {
  const bot = await TestBot.create("pglite", STAFF_ENV);
  const { prisma } = bot.db;
  for (const [id, role] of [
    [ADMIN, "admin"],
    [STAFF, "staff"],
  ] as const) {
    await prisma.user.create({
      data: { id: BigInt(id), role, language: "en", firstName: "Staff" },
    });
  }
  const victims: Victim[] = [];
  const statuses = ["submitted", "in_review", "approved", "needs_info"] as const;
  for (const v of VICTIM_SPECS) {
    await prisma.user.create({
      data: { id: BigInt(v.id), language: "en", firstName: v.firstName },
    });
    const caseIds: number[] = [];
    for (const [i, status] of statuses.entries()) {
      const payout = i % 2 === 1;
      const c = await prisma.refundCase.create({
        data: {
          customerId: BigInt(v.id),
          chatId: BigInt(v.id),
          status,
          kind: payout ? "payout" : "balance",
          clauses: [payout ? "C2" : "A4"],
          service: payout ? "rented" : "one_time",
          accountId: v.accountId,
          serviceRef: v.serviceRef,
          amount: v.amount,
          currency: "EUR",
          reason: payout ? "reason.C2" : "reason.A4",
          payoutMethod: payout ? v.payout.method : null,
          payoutDetails: payout ? JSON.stringify(v.payout) : null,
          assigneeId: status === "submitted" ? null : BigInt(STAFF),
          dueAt: new Date(Date.now() + 5 * 86_400_000),
        },
      });
      await prisma.caseEvent.create({
        data: { caseId: c.id, actorId: BigInt(v.id), toStatus: "submitted" },
      });
      caseIds.push(c.id);
    }
    const secrets: string[] = [v.firstName, v.accountId, v.serviceRef, v.amount];
    if ("iban" in v.payout) secrets.push(v.payout.iban);
    if ("email" in v.payout) secrets.push(v.payout.email);
    victims.push({ id: v.id, firstName: v.firstName, secrets, caseIds });
  }
  const before = new Map<number, { status: string; version: number }>();
  for (const c of await prisma.refundCase.findMany()) {
    before.set(c.id, { status: c.status, version: c.version });
  }
  return { bot, victims, before };
}

// ---------------------------------------------------------------- generators

const ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"];
const RTL = ["\u202e", "\u202b", "\u200f", "مرحبا", "שלום", "أريد استرداد", "\u061c"];

/** Text with right-to-left and zero-width characters mixed into anything Unicode. */
const weirdText = fc
  .array(
    fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.constantFrom(...ZERO_WIDTH, ...RTL),
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.constantFrom("refund", "возврат", "повернення", "reembolso", "human", "person"),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(""));

const longText = fc
  .tuple(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }),
    fc.integer({ min: 1000, max: 10_000 }),
  )
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

const plausibleAnswer = fc.constantFrom(
  "me@example.com",
  "+44 7700 900123",
  "2.50 EUR",
  "4111 1111 1111 1111",
  "4111111111111111",
  "yesterday",
  "2024-02-30",
  "31.12.1999",
  "1111",
  "GB82 WEST 1234 5698 7654 32",
  "0",
  "-5 USD",
  "1e308 EUR",
  "",
  " ",
);

export const text = fc.oneof(
  { weight: 5, arbitrary: weirdText },
  { weight: 3, arbitrary: plausibleAnswer },
  { weight: 1, arbitrary: longText },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4096 }) },
);

const COMMANDS = [
  "start",
  "help",
  "refund",
  "status",
  "faq",
  "language",
  "cancel",
  "queue",
  "case",
  "next",
  "claim",
  "approve",
  "reject",
  "ask",
  "done",
  "release",
  "stats",
  "reply",
  "staff",
  "admin",
  "foo",
];

/** Case ids worth guessing: the seeded ones (other customers'), and nonsense. */
const caseRef = (victimCases: number[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...victimCases).map(String) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }).map(String) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "0",
        "-1",
        "2147483648",
        "99999999999999999999",
        "1e3",
        "#3",
        "３",
      ),
    },
  );

export const command = (victimCases: number[]) =>
  fc
    .tuple(
      fc.constantFrom(...COMMANDS),
      fc.boolean(),
      fc.oneof(
        fc.constant(""),
        caseRef(victimCases),
        fc.tuple(caseRef(victimCases), weirdText).map(([n, t]) => `${n} ${t}`),
        fc.constantFrom("add 1001", "remove 900", "add 1002", "2", "999"),
        weirdText,
      ),
    )
    .map(
      ([name, mention, args]) =>
        `/${name}${mention ? "@refund_test_bot" : ""}${args === "" ? "" : ` ${args}`}`,
    );

const refundEvent = fc.oneof(
  fc.record({
    type: fc.constant("choose"),
    q: fc.constantFrom(...QUESTION_IDS),
    v: fc.oneof(
      fc.constantFrom(
        "balance",
        "payout",
        "one_time",
        "rented",
        "yes",
        "no",
        "skip",
        "card",
        "paypal",
        "crypto",
      ),
      fc.string({ maxLength: 16 }),
    ),
  }),
  fc.record({ type: fc.constant("edit"), q: fc.constantFrom(...QUESTION_IDS) }),
  fc.constantFrom({ type: "back" }, { type: "cancel" }, { type: "submit" }, { type: "human" }),
  fc.record({ type: fc.string({ maxLength: 8 }), now: fc.integer() }),
);

export const callbackData = (victimCases: number[]) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...STAFF_ACTIONS), caseRef(victimCases))
        .map(([a, n]) => `1|s|${a}|${n}`),
    },
    { weight: 3, arbitrary: caseRef(victimCases).map((n) => `1|w|${n}`) },
    { weight: 3, arbitrary: refundEvent.map((e) => `1|r|${JSON.stringify(e)}`) },
    { weight: 1, arbitrary: fc.constantFrom(...MENU_ACTIONS).map((a) => `1|m|${a}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("en", "ru", "uk", "es", "de", "xx").map((l) => `1|l|${l}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("t", "f", "b", "q"), fc.string({ maxLength: 20 }))
        .map(([t, x]) => `1|${t}|${x}`),
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 80 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `2|s|approve|${s}`) },
  );

const languageCode = fc.oneof(
  fc.constantFrom("en", "ru", "uk", "es", "de", "pt-br", "zh-hans"),
  fc.string({ maxLength: 10 }),
);

/** One update as Telegram would send it, or as someone forging one might. */
export type UpdateFactory = (updateId: number, messageId: number) => Record<string, unknown>;

/** mix "private": customers' own chats only; "all": groups, channels, edits and unknown kinds too */
/** Shows the update itself (not the factory's source) in fast-check's counterexamples. */
function printable(make: UpdateFactory): UpdateFactory {
  return Object.assign(make, { [fc.toStringMethod]: () => JSON.stringify(make(0, 0)) });
}

export const anyUpdate = (
  victimCases: number[],
  mix: "private" | "all",
): fc.Arbitrary<UpdateFactory> => {
  const attacker = fc.record({
    id: fc.constantFrom(...ATTACKERS),
    is_bot: fc.constant(false),
    first_name: fc.oneof(fc.constant("Eve"), fc.string({ maxLength: 64 })),
    language_code: languageCode,
  });
  const groupChat = fc.oneof(
    fc.constant({ id: STAFF_GROUP, type: "supergroup" }),
    fc.record({
      id: fc.integer({ min: -1_000_000_000_000, max: -1 }),
      type: fc.constantFrom("group", "supergroup", "channel"),
    }),
  );
  const message =
    (from: { id: number }, chat: object, body: object) =>
    (_updateId: number, messageId: number) => ({
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      ...body,
    });
  const privateChat = (from: { id: number }) => ({ id: from.id, type: "private" });
  const body = fc.oneof(
    { weight: 5, arbitrary: text.map((t) => ({ text: t })) },
    { weight: 4, arbitrary: command(victimCases).map((t) => ({ text: t })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { sticker: { file_id: "x" } },
        { photo: [{ file_id: "x" }] },
        { voice: { file_id: "x" } },
        { document: { file_id: "x" } },
        { location: { latitude: 0, longitude: 0 } },
        { text: "/refund", entities: [{ type: "bot_command", offset: 0, length: 7 }] },
      ),
    },
  );
  const branches = [
    // private messages: text, commands, media
    {
      weight: 10,
      arbitrary: fc.tuple(attacker, body).map(
        ([from, b]): UpdateFactory =>
          (u, m) => ({
            update_id: u,
            message: message(from, privateChat(from), b)(u, m),
          }),
      ),
    },
    // button presses, valid-looking and forged
    {
      weight: 10,
      arbitrary: fc
        .tuple(
          attacker,
          callbackData(victimCases),
          fc.constantFrom("private", "group", "none"),
          groupChat,
        )
        .map(
          ([from, data, where, group]): UpdateFactory =>
            (u, m) => ({
              update_id: u,
              callback_query: {
                id: `cq${u}`,
                from,
                chat_instance: "x",
                ...(where === "none"
                  ? { inline_message_id: "im1" }
                  : {
                      message: {
                        message_id: m,
                        date: 0,
                        chat: where === "private" ? privateChat(from) : group,
                      },
                    }),
                data,
              },
            }),
        ),
    },
    // edited messages
    {
      weight: 2,
      arbitrary: fc.tuple(attacker, body).map(
        ([from, b]): UpdateFactory =>
          (u, m) => ({
            update_id: u,
            edited_message: { ...message(from, privateChat(from), b)(u, m), edit_date: 1 },
          }),
      ),
    },
    // group, supergroup and channel messages, the staff group among them
    {
      weight: 3,
      arbitrary: fc.tuple(attacker, groupChat, body).map(
        ([from, chat, b]): UpdateFactory =>
          (u, m) => ({
            update_id: u,
            message: message(from, chat, b)(u, m),
          }),
      ),
    },
    // kinds the bot does not handle, and membership changes
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          attacker,
          fc.constantFrom(
            "inline_query",
            "channel_post",
            "poll",
            "chat_join_request",
            "my_chat_member",
            "message_reaction",
            "pre_checkout_query",
          ),
          fc.constantFrom("kicked", "member", "left"),
        )
        .map(
          ([from, kind, status]): UpdateFactory =>
            (u, m) => {
              switch (kind) {
                case "inline_query":
                  return {
                    update_id: u,
                    inline_query: { id: `iq${u}`, from, query: "/approve 1", offset: "" },
                  };
                case "channel_post":
                  return {
                    update_id: u,
                    channel_post: {
                      message_id: m,
                      date: 0,
                      chat: { id: -100777, type: "channel" },
                      text: "/approve 1",
                    },
                  };
                case "poll":
                  return {
                    update_id: u,
                    poll: { id: "p", question: "?", options: [], is_closed: false },
                  };
                case "my_chat_member":
                  return {
                    update_id: u,
                    my_chat_member: {
                      chat: { id: from.id, type: "private" },
                      from,
                      date: 0,
                      old_chat_member: { status: "member", user: from },
                      new_chat_member: { status, user: from },
                    },
                  };
                default:
                  return {
                    update_id: u,
                    [kind]: { id: String(u), from, chat: { id: from.id, type: "private" } },
                  };
              }
            },
        ),
    },
  ];
  return fc.oneof(...(mix === "private" ? branches.slice(0, 3) : branches)).map(printable);
};

/**
 * The property every fuzz file checks: runs of random updates, each delivered
 * through Telegraf, each call it caused checked, the database checked after
 * every run. Returns how many updates were delivered.
 */
export async function fuzz(f: Fuzzing, mix: "private" | "all", updates: number): Promise<number> {
  const victimCases = f.victims.flatMap((v) => v.caseIds);
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on("unhandledRejection", onRejection);
  let delivered = 0;
  let messageId = 1;
  /** One run: the attackers start afresh, the updates go in order, everything is checked. */
  const run = async (factories: UpdateFactory[]) => {
    await forgetAttackers(f);
    const firstUpdate = f.bot.nextUpdateId();
    for (const make of factories) {
      const calls = await f.bot.deliver(make(f.bot.nextUpdateId(), messageId++));
      delivered++;
      checkCalls(calls, f.victims);
    }
    await checkDatabase(f, firstUpdate);
    expect(rejections).toEqual([]);
  };
  try {
    const result = await fc.check(
      fc.asyncProperty(
        fc.array(anyUpdate(victimCases, mix), {
          minLength: UPDATES_PER_RUN,
          maxLength: UPDATES_PER_RUN,
        }),
        run,
      ),
      {
        numRuns: Math.ceil(updates / UPDATES_PER_RUN),
        // FUZZ_SEED and FUZZ_PATH replay a failure that this harness reported.
        ...(process.env.FUZZ_SEED === undefined ? {} : { seed: Number(process.env.FUZZ_SEED) }),
        ...(process.env.FUZZ_PATH === undefined ? {} : { path: process.env.FUZZ_PATH }),
      },
    );
    const failing = result.counterexample?.[0];
    if (result.failed && failing !== null && failing !== undefined) {
      // A run is ten updates: the report is the shortest prefix that still
      // fails, less every update it fails without.
      let shortest = failing;
      let error: unknown = result.errorInstance;
      const fails = async (candidate: UpdateFactory[]) => {
        try {
          await run(candidate);
          return false;
        } catch (e) {
          error = e;
          return true;
        }
      };
      for (let k = 1; k < failing.length; k++) {
        if (await fails(failing.slice(0, k))) {
          shortest = failing.slice(0, k);
          break;
        }
      }
      for (let i = shortest.length - 2; i >= 0; i--) {
        const without = shortest.filter((_, j) => j !== i);
        if (await fails(without)) shortest = without;
      }
      const updates = shortest.map((make, i) => JSON.stringify(make(i + 1, i + 1)));
      throw new Error(
        `fuzzing failed; replay with FUZZ_SEED=${result.seed} FUZZ_PATH=${result.counterexamplePath ?? ""}\n` +
          `the shortest failing run, ${shortest.length} update(s):\n${updates.join("\n")}\n` +
          `failure: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  return delivered;
}

// ---------------------------------------------------------------- invariants

const TEXT_METHODS = new Set(["sendMessage", "editMessageText"]);

/** Checks every outgoing call: Telegram's limits, and nobody reads another customer's data. */
export function checkCalls(calls: Call[], victims: Victim[]): void {
  const staffChats = new Set([String(ADMIN), String(STAFF), String(STAFF_GROUP)]);
  for (const c of calls) {
    const chat = String(c.payload.chat_id);
    if (TEXT_METHODS.has(c.method)) {
      const t = String(c.payload.text);
      expect(t.length, `${c.method} text length`).toBeLessThanOrEqual(4096);
      expect(t.length).toBeGreaterThan(0);
      if (!staffChats.has(chat)) {
        for (const v of victims) {
          if (String(v.id) === chat) continue;
          for (const s of v.secrets) {
            expect(t.includes(s), `customer ${v.id}'s "${s}" sent to chat ${chat}: ${t}`).toBe(
              false,
            );
          }
        }
      }
    }
    if (c.method === "answerCallbackQuery" && c.payload.text !== undefined) {
      expect(String(c.payload.text).length).toBeLessThanOrEqual(200);
    }
    const markup = c.payload.reply_markup as
      | { inline_keyboard?: { callback_data?: string }[][] }
      | undefined;
    for (const b of (markup?.inline_keyboard ?? []).flat()) {
      if (b.callback_data !== undefined) {
        expect(Buffer.byteLength(b.callback_data, "utf8")).toBeLessThanOrEqual(64);
      }
    }
  }
}

/**
 * Each run starts from the attackers' first contact: no user row, no
 * conversation, no hand-off or prompt of theirs, so that a run's outcome
 * depends on its own updates (and on cases earlier runs submitted), and fast-check's seed and path replay a
 * failure, and its shrinking keeps it. (Cases they submitted stay: they only
 * ever widen what a later run sees.)
 */
async function forgetAttackers(f: Fuzzing): Promise<void> {
  const ids = ATTACKERS.map(BigInt);
  const { prisma } = f.bot.db;
  await prisma.$transaction([
    prisma.conversation.deleteMany({ where: { chatId: { in: ids } } }),
    prisma.staffPrompt.deleteMany({ where: { chatId: { in: ids } } }),
    prisma.handoff.deleteMany({ where: { customerId: { in: ids } } }),
    prisma.user.updateMany({ where: { id: { in: ids } }, data: { language: null } }),
  ]);
}

/**
 * The database after a run: the run's updates (from `firstUpdate` on) each
 * processed at the first try, no staff action by anyone but staff. Only the
 * run's own updates are judged, so that fast-check, shrinking a failure,
 * replays smaller runs against a verdict they can change.
 */
export async function checkDatabase(f: Fuzzing, firstUpdate: number): Promise<void> {
  const { prisma } = f.bot.db;
  const unprocessed = await prisma.inboundUpdate.findMany({
    where: {
      updateId: { gte: BigInt(firstUpdate) },
      OR: [{ processedAt: null }, { error: { not: null } }, { attempts: { gt: 0 } }],
    },
    select: { updateId: true, attempts: true, error: true, processedAt: true },
  });
  if (unprocessed.length > 0) {
    const rows = unprocessed.map(
      (u) =>
        `#${u.updateId} ${u.processedAt === null ? "unprocessed" : "processed"} after ${u.attempts} failed attempt(s): ${u.error}`,
    );
    throw new Error(`updates left unprocessed or failing at first:\n${rows.join("\n")}`);
  }
  for (const c of await prisma.refundCase.findMany({
    where: { id: { in: [...f.before.keys()] } },
  })) {
    expect({ status: c.status, version: c.version }, `case ${c.id}`).toEqual(f.before.get(c.id));
  }
  // Cases the attackers made themselves: only submitted or withdrawn, by themselves.
  const events = await prisma.caseEvent.findMany({
    where: { caseId: { notIn: [...f.before.keys()] } },
    include: { case: { select: { customerId: true } } },
  });
  for (const e of events) {
    expect(["submitted", "withdrawn"]).toContain(e.toStatus);
    expect(e.actorId).toBe(e.case.customerId);
  }
  const promoted = await prisma.user.count({
    where: { role: { not: "customer" }, id: { notIn: [BigInt(ADMIN), BigInt(STAFF)] } },
  });
  expect(promoted, "customers turned staff").toBe(0);
}

/**
 * One fuzz suite: its own bot and database, `FUZZ_UPDATES / FUZZ_FILES`
 * updates of the given mix. Each suite lives in a file of its own so that
 * they run in parallel workers.
 */
export function fuzzSuite(title: string, mix: "private" | "all"): void {
  const updates = Math.ceil(FUZZ_UPDATES / FUZZ_FILES);
  let f: Fuzzing;
  beforeAll(async () => {
    f = await startFuzzing();
  });
  afterAll(async () => {
    await f?.bot.close();
  });
  describe(title, () => {
    it(
      `${updates} random updates: no crash, Telegram's limits kept, nobody reads or acts on another's case`,
      async () => {
        const delivered = await fuzz(f, mix, updates);
        process.stdout.write(`${title}: ${delivered} updates delivered\n`);
        expect(delivered).toBeGreaterThanOrEqual(updates);
      },
      Math.max(60_000, updates * 100),
    );
  });
}
