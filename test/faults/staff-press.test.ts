import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { makeCase, makeStaff, STAFF_ENV, STAFF_GROUP } from "../staff/helpers.ts";
import { TEST_DATABASE_URL } from "../support/database.ts";
import type { Accepted } from "./faulty-bot-api.ts";
import { type Attempt, type Program, startProgram } from "./harness.ts";

/**
 * A staff member's button press while the database is away: the real program
 * in webhook mode, PostgreSQL behind a proxy the test cuts and restores, and
 * Telegram sending the press again until the webhook answers 200. The webhook
 * may answer 200 only once the press is committed (processed, or stored to be;
 * src/transport/webhook-intake.ts): while the database is away it answers 503,
 * and once it is back the case moves once, the press is answered once, and the
 * staff group and the customer are each told once.
 */
const SAM = 901;
const CUT_MS = 3_000;
/** DATABASE_TIMEOUT_SECONDS here: a silent database must be given up on well within the test's time. */
const DB_TIMEOUT_S = 2;
/**
 * Long enough for a delivery to be given up on twice: an attempt is a read and a store that
 * time out, each waiting up to a timeout for a connection first.
 */
const SILENT_MS = 10 * DB_TIMEOUT_S * 1000;
/** what the program sends only through its outbox (src/outbox/write.ts) */
const OUTBOX_METHODS = new Set([
  "sendMessage",
  "answerCallbackQuery",
  "editMessageText",
  "editMessageCaption",
  "editMessageReplyMarkup",
  "deleteMessage",
  "copyMessage",
  "sendDocument",
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, holds: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const start = Date.now();
  while (!(await holds())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The callback data of a sent message's buttons. */
function buttonData(m: Accepted | undefined): string[] {
  const markup = m?.payload.reply_markup as
    | { inline_keyboard?: { callback_data?: string }[][] }
    | undefined;
  return (markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? "");
}

// The proxy that cuts the database exists for PostgreSQL only (PGlite lives inside the program).
describe.skipIf(TEST_DATABASE_URL === undefined)("a staff member's press, database cut", () => {
  let program: Program;
  beforeAll(async () => {
    program = await startProgram("postgres", {
      ...STAFF_ENV,
      DATABASE_TIMEOUT_SECONDS: String(DB_TIMEOUT_S),
    });
    await makeStaff(db().prisma, SAM);
  }, 60_000);
  afterAll(async () => {
    await program.stop();
    await program.pg?.close();
  });

  const db = () => {
    if (program.pg === undefined) throw new Error("postgres runs through a proxy");
    return program.pg;
  };
  const proxy = () => {
    if (program.proxy === undefined) throw new Error("postgres runs through a proxy");
    return program.proxy;
  };
  const calls = (method: string, chat?: number) =>
    program.api.accepted.filter(
      (c) => c.method === method && (chat === undefined || c.payload.chat_id === String(chat)),
    );
  const unsent = () => db().prisma.outboxMessage.count({ where: { status: { not: "sent" } } });

  /**
   * A case in the queue, its card shown in the staff group by /case and Approve
   * pressed on it, the outbox settled: the D3 question's Confirm is left to press.
   */
  async function awaitingConfirm(customer: number) {
    const { telegram } = program;
    const caseId = await makeCase(db().prisma, { customerId: customer });
    const groupMessages = calls("sendMessage", STAFF_GROUP).length;
    const show = telegram.text(STAFF_GROUP, `/case ${caseId}`, `S${SAM}`, SAM);
    expect((await telegram.redeliver(show)).at(-1)?.status).toBe(200);
    await until("the card", () => calls("sendMessage", STAFF_GROUP).length === groupMessages + 1);
    const card = calls("sendMessage", STAFF_GROUP).at(-1);
    const approve = encodeCallback({ kind: "staff", action: "approve", caseId });
    expect(buttonData(card)).toContain(approve);
    const approvePress = telegram.press(STAFF_GROUP, SAM, card?.messageId ?? 0, approve);
    expect((await telegram.redeliver(approvePress)).at(-1)?.status).toBe(200);
    await until(
      "the question",
      () => calls("sendMessage", STAFF_GROUP).length === groupMessages + 2,
    );
    const question = calls("sendMessage", STAFF_GROUP).at(-1);
    const confirm = encodeCallback({ kind: "staff", action: "confirm", caseId });
    expect(buttonData(question)).toEqual([confirm]);
    // Nothing of the outbox in flight at the cut: every message out and marked sent.
    await until("the outbox to settle", async () => (await unsent()) === 0);
    const answers = calls("answerCallbackQuery").length;
    const press = telegram.press(STAFF_GROUP, SAM, question?.messageId ?? 0, confirm);
    return {
      caseId,
      customer,
      card: card?.messageId,
      question: question?.messageId,
      press,
      pressId: (press.callback_query as { id: string }).id,
      updateIds: [show, approvePress, press].map((u) => u.update_id as number),
      groupMessages: groupMessages + 2,
      answers,
    };
  }

  type Pressed = Awaited<ReturnType<typeof awaitingConfirm>>;

  /** After the restore: the press's fate, the case's, and what each person was told. */
  async function expectMovedOnce(p: Pressed, attempts: readonly Attempt[], restoredAt: number) {
    // While cut: every answer one Telegram retries (503: not stored), none 200.
    const whileCut = attempts.filter((a) => a.answeredAt < restoredAt);
    expect(whileCut.length, "deliveries answered while the database was away").toBeGreaterThan(1);
    expect(whileCut.map((a) => a.status)).toEqual(whileCut.map(() => 503));
    // Then 200, once, only after the restore.
    const ok = attempts.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]?.answeredAt ?? 0).toBeGreaterThanOrEqual(restoredAt);
    expect(attempts.at(-1)?.status).toBe(200);

    await until(
      "the press to be answered and the customer told",
      () =>
        calls("answerCallbackQuery").length === p.answers + 1 &&
        calls("sendMessage", p.customer).length > 0,
    );
    await until("the outbox to empty", async () => (await unsent()) === 0);
    // Time for anything sent twice to arrive.
    await sleep(1_500);

    // Nothing lost: the three updates processed, and none left waiting.
    const inbound = await db().prisma.inboundUpdate.findMany({
      where: { updateId: { in: p.updateIds.map(BigInt) } },
      select: { updateId: true, processedAt: true },
    });
    expect(inbound.map((u) => Number(u.updateId)).sort()).toEqual([...p.updateIds].sort());
    expect(inbound.filter((u) => u.processedAt === null)).toEqual([]);
    expect(await db().prisma.inboundUpdate.count({ where: { processedAt: null } })).toBe(0);

    // The case moved once: approved by Sam, one event after its submission.
    const row = await db().prisma.refundCase.findUniqueOrThrow({ where: { id: p.caseId } });
    expect(row.status).toBe("approved");
    expect(row.assigneeId).toBe(BigInt(SAM));
    expect(row.decidedAt).not.toBeNull();
    const events = await db().prisma.caseEvent.findMany({
      where: { caseId: p.caseId },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.fromStatus, e.toStatus, e.actorId])).toEqual([
      [null, "submitted", BigInt(p.customer)],
      ["submitted", "approved", BigInt(SAM)],
    ]);

    // The press answered once, after the restore, with what happened.
    const answers = calls("answerCallbackQuery").filter(
      (c) => c.payload.callback_query_id === p.pressId,
    );
    expect(answers.map((a) => a.payload.text)).toEqual([
      `Case #${p.caseId} approved by S${SAM}. The customer has been told.`,
    ]);
    expect(answers[0]?.at ?? 0).toBeGreaterThanOrEqual(restoredAt);
    expect(calls("answerCallbackQuery")).toHaveLength(p.answers + 1);

    // The customer told once; the group gains no message, its card and question change once each.
    const toCustomer = calls("sendMessage", p.customer).map((c) => String(c.payload.text));
    expect(toCustomer).toHaveLength(1);
    expect(toCustomer[0]).toMatch(new RegExp(`#${p.caseId}\\b.*approved`, "s"));
    expect(calls("sendMessage", STAFF_GROUP)).toHaveLength(p.groupMessages);
    const cardEdits = calls("editMessageText", STAFF_GROUP).filter(
      (c) => c.payload.message_id === p.card,
    );
    expect(cardEdits.map((c) => String(c.payload.text).match(/State: .*/)?.[0])).toEqual([
      "State: approved",
    ]);
    const unbuttoned = calls("editMessageReplyMarkup", STAFF_GROUP).filter(
      (c) => c.payload.message_id === p.question,
    );
    expect(unbuttoned).toHaveLength(1);

    // Nothing Telegram took twice: each call it accepted is one outbox row marked sent.
    const rows = await db().prisma.outboxMessage.findMany({
      select: { method: true, status: true },
    });
    expect(rows.filter((m) => m.status !== "sent")).toEqual([]);
    expect(
      program.api.accepted
        .filter((c) => OUTBOX_METHODS.has(c.method))
        .map((c) => c.method)
        .sort(),
    ).toEqual(rows.map((m) => m.method).sort());
  }

  it("cut before the press arrives: 503 until the database is back, then the case moves once", async () => {
    const p = await awaitingConfirm(2001);
    proxy().cut();
    const delivering = program.telegram.redeliver(p.press);
    await sleep(CUT_MS);
    expect(await program.health(), "/healthz while cut").toBe(503);
    proxy().restore();
    const restoredAt = Date.now();
    await expectMovedOnce(p, await delivering, restoredAt);
  }, 60_000);

  it("cut as the press's write commits, before the program hears so: 503, then a second delivery that changes nothing", async () => {
    const p = await awaitingConfirm(2002);
    // The statement that moves the case carries the update's processed mark and its messages.
    const cutting = proxy().cutAfterStatement('INSERT INTO "CaseEvent"');
    const delivering = program.telegram.redeliver(p.press);
    await cutting;
    // Committed although the program could not know it: the case is approved already.
    const committed = await db().prisma.refundCase.findUniqueOrThrow({ where: { id: p.caseId } });
    expect(committed.status).toBe("approved");
    await sleep(CUT_MS);
    proxy().restore();
    const restoredAt = Date.now();
    await expectMovedOnce(p, await delivering, restoredAt);
  }, 60_000);

  it("the database vanishes without a word, its connections never answered: 503 in bounded time, no update holds its place for good, then the case moves once", async () => {
    const p = await awaitingConfirm(2003);
    // What /start brings when nothing goes wrong, to hold the customers' greetings to.
    const control = 2_999;
    expect(
      (await program.telegram.redeliver(program.telegram.text(control, "/start"))).at(-1)?.status,
    ).toBe(200);
    await until("the control's greeting", async () => (await unsent()) === 0);
    const greeting = calls("sendMessage", control).length;
    proxy().silence();
    const delivering = program.telegram.redeliver(p.press);
    // More customers than a process works on at once: were their places held for good, the
    // press and every later update would wait behind them.
    const customers = Array.from({ length: 24 }, (_, i) => 3_000 + i);
    const greetings = customers.map((c) =>
      program.telegram.redeliver(program.telegram.text(c, "/start")),
    );
    await sleep(SILENT_MS);
    expect(await program.health(), "/healthz while the database is silent").toBe(503);
    proxy().restore();
    const restoredAt = Date.now();
    for (const [i, attempts] of (await Promise.all(greetings)).entries()) {
      expect(attempts[0]?.status, `customer ${customers[i]}'s first delivery`).toBe(503);
      expect(attempts[0]?.answeredAt ?? 0).toBeLessThan(restoredAt);
      expect(attempts.at(-1)?.status).toBe(200);
    }
    await until("every customer greeted", () =>
      customers.every((c) => calls("sendMessage", c).length > 0),
    );
    await expectMovedOnce(p, await delivering, restoredAt);
    for (const c of customers)
      expect(calls("sendMessage", c), `customer ${c}`).toHaveLength(greeting);
  }, 90_000);
});
