import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { TestBot } from "../support/bot.ts";
import { databaseKinds } from "../support/database.ts";
import {
  ADMIN,
  answerPrompt,
  makeCase,
  makeStaff,
  press,
  pressWith,
  repliesTo,
  STAFF_ENV,
  STAFF_GROUP,
  send,
  submitBalanceRequest,
  textsTo,
} from "./helpers.ts";

const staffButton = (
  action: "claim" | "approve" | "confirm" | "reject" | "ask" | "done" | "release" | "next" | "view",
  caseId: number,
) => encodeCallback({ kind: "staff", action, caseId });

describe.each(databaseKinds)("staff lifecycle (%s)", (kind) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await makeStaff(bot.db.prisma, 901, "staff", "en");
    await makeStaff(bot.db.prisma, 902, "staff", "ru");
  });
  afterAll(async () => {
    await bot.close();
  });

  const status = async (id: number) =>
    (await bot.db.prisma.refundCase.findUniqueOrThrow({ where: { id } })).status;
  const events = async (id: number) =>
    bot.db.prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { id: "asc" } });

  it("posts a submitted case's card to the staff group, payout details masked", async () => {
    const from = bot.api.calls.length;
    const id = await submitBalanceRequest(bot.customer(2001, "ru"));
    const cards = repliesTo(bot, STAFF_GROUP, from);
    expect(cards).toHaveLength(1);
    expect(cards[0]?.text).toContain(`Case #${id} — refund to balance`);
    expect(cards[0]?.text).toContain("Clauses: A4");
    expect(cards[0]?.text).toContain("Amount: €2.50");
    expect(cards[0]?.text).toContain("Reason (F3): The SMS did not arrive on the one-time number");
    expect(cards[0]?.text).toMatch(/Deadline \(F1\)/);
    expect(cards[0]?.buttons.map((b) => b.data)).toEqual([
      staffButton("claim", id),
      staffButton("approve", id),
      staffButton("reject", id),
      staffButton("ask", id),
    ]);
    const payout = await makeCase(bot.db.prisma, { customerId: 2002, kind: "payout" });
    const view = await send(bot.member(901, STAFF_GROUP), `/case ${payout}`);
    expect(view[0]?.text).toContain("PayPal, b•••@example.com");
    expect(view[0]?.text).not.toContain("bob@example.com");
  });

  it("claim → approve (with the D3 confirmation) → done; the customer is told in their language", async () => {
    const customer = bot.customer(2003, "ru");
    const id = await submitBalanceRequest(customer);
    const sam = bot.member(901, STAFF_GROUP);
    expect((await send(sam, `/claim ${id}`))[0]?.text).toBe(`Case #${id} is yours now, S901.`);
    expect(await status(id)).toBe("in_review");

    const from = bot.api.calls.length;
    const prompt = await send(sam, `/approve ${id} checked the order log`);
    expect(prompt[0]?.text).toContain("check clause D3");
    expect(await status(id)).toBe("in_review");
    const confirmed = await pressWith(sam, prompt, staffButton("confirm", id));
    // Said by the button itself: the group gains no message, the card changes in place.
    expect(confirmed.answer?.payload.text).toBe(
      `Case #${id} approved by S901. The customer has been told.`,
    );
    expect(confirmed.replies).toEqual([]);
    expect(await status(id)).toBe("approved");
    expect(textsTo(bot, 2003, from).at(-1)).toMatch(
      new RegExp(`заявка №${id} одобрена.*2,50\\s€.*F1`, "s"),
    );

    const done = await send(sam, `/done ${id}`);
    expect(done[0]?.text).toBe(`Case #${id} is done. The customer has been told.`);
    // The notice, then the one request for a rating, with five stars.
    expect(textsTo(bot, 2003).slice(-2)).toEqual([
      `Заявка №${id} выполнена: 2,50\u00a0€ зачислены на ваш баланс.`,
      `Как мы справились с заявкой №${id}? Оцените, пожалуйста, от 1 до 5 звёзд:`,
    ]);
    expect(
      repliesTo(bot, 2003)
        .at(-1)
        ?.buttons.map((b) => b.data),
    ).toEqual([1, 2, 3, 4, 5].map((stars) => encodeCallback({ kind: "rate", caseId: id, stars })));
    const log = await events(id);
    expect(log.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, "submitted"],
      ["submitted", "in_review"],
      ["in_review", "approved"],
      ["approved", "done"],
    ]);
    expect(log[2]?.note).toBe("checked the order log");
    expect(log[2]?.actorId).toBe(901n);
    const row = await bot.db.prisma.refundCase.findUniqueOrThrow({ where: { id } });
    expect(row.decidedAt).not.toBeNull();
    expect(row.assigneeId).toBe(901n);
  });

  it("reject with a reason: the customer reads it in their language", async () => {
    const id = await makeCase(bot.db.prisma, { customerId: 2004, language: "es" });
    const r = await send(
      bot.member(902, STAFF_GROUP),
      `/reject ${id} El pedido fue reembolsado ya.`,
    );
    expect(r[0]?.text).toBe(`Заявку №${id} отклонил(а) S902. Клиенту сообщена причина.`);
    expect(await status(id)).toBe("rejected");
    expect(textsTo(bot, 2004).at(-1)).toBe(
      `¿Qué tal gestionamos tu solicitud n.º ${id}? Valórala de 1 a 5 estrellas:`,
    );
    expect(textsTo(bot, 2004).at(-2)).toContain(
      `Tu solicitud n.º ${id} ha sido rechazada. El motivo que indica nuestro equipo:\n\nEl pedido fue reembolsado ya.`,
    );
    expect((await events(id)).at(-1)?.note).toBe("El pedido fue reembolsado ya.");
  });

  it("reject and ask as buttons take the staff member's next message", async () => {
    const id = await makeCase(bot.db.prisma, { customerId: 2005 });
    const sam = bot.member(901, STAFF_GROUP);
    const asked = await press(sam, staffButton("ask", id));
    expect(asked.replies[0]?.text).toContain(`question for the customer of case #${id}`);
    expect(await status(id)).toBe("submitted");
    // In the group, other talk is not the words: they reply to the prompt.
    await send(sam, "brb, coffee");
    expect(await status(id)).toBe("submitted");
    await answerPrompt(sam, id, "Which e-mail is on the account?");
    expect(await status(id)).toBe("needs_info");
    expect(textsTo(bot, 2005).at(-1)).toBe(
      `Our team has a question about your request #${id}:\n\nWhich e-mail is on the account?\n\nPlease answer in one message here.`,
    );

    // The customer's next message is the answer: stored, and the case goes back to review.
    const from = bot.api.calls.length;
    const thanks = await send(bot.customer(2005), "It is ann@example.com");
    expect(thanks[0]?.text).toBe(
      `Thank you — I've added your answer to request #${id}. Our team will continue with it.`,
    );
    expect(await status(id)).toBe("in_review");
    const last = (await events(id)).at(-1);
    expect([last?.fromStatus, last?.toStatus, last?.note, last?.actorId]).toEqual([
      "needs_info",
      "in_review",
      "It is ann@example.com",
      2005n,
    ]);
    expect(textsTo(bot, STAFF_GROUP, from).join("\n")).toContain("It is ann@example.com");

    const rej = await press(sam, staffButton("reject", id));
    expect(rej.replies[0]?.text).toContain(`reason for rejecting case #${id}`);
    await answerPrompt(sam, id, "The code was shown in the order table (B2).");
    expect(await status(id)).toBe("rejected");
  });

  it("release puts a case back; take next claims the oldest deadline first", async () => {
    const fresh = await TestBot.create(kind, STAFF_ENV);
    try {
      await makeStaff(fresh.db.prisma, 901);
      const now = Date.now();
      const later = await makeCase(fresh.db.prisma, {
        customerId: 3001,
        dueAt: new Date(now + 9e7),
      });
      const sooner = await makeCase(fresh.db.prisma, {
        customerId: 3002,
        dueAt: new Date(now + 1e7),
      });
      const sam = fresh.member(901, STAFF_GROUP);
      expect((await send(sam, "/next"))[0]?.text).toBe(`Case #${sooner} is yours now, S901.`);
      expect((await send(sam, "/next"))[0]?.text).toBe(`Case #${later} is yours now, S901.`);
      expect((await send(sam, "/next"))[0]?.text).toBe("No unclaimed cases left.");
      expect((await send(sam, `/release ${sooner}`))[0]?.text).toBe(
        `Case #${sooner} is back in the queue.`,
      );
      const row = await fresh.db.prisma.refundCase.findUniqueOrThrow({ where: { id: sooner } });
      expect([row.status, row.assigneeId]).toEqual(["submitted", null]);
      const pressed = await press(sam, staffButton("next", 1));
      expect(pressed.answer?.payload.text).toBe(`Case #${sooner} is yours now, S901.`);
      expect(pressed.replies.map((r) => r.text.split("\n")[0])).toEqual([
        `Case #${sooner} — refund to balance`,
      ]);
    } finally {
      await fresh.close();
    }
  });

  it("refuses: unknown case, wrong state, bad arguments, someone else's claim", async () => {
    const sam = bot.member(901, STAFF_GROUP);
    expect((await send(sam, "/claim 999999"))[0]?.text).toBe("There is no case #999999.");
    expect((await send(sam, "/approve 999999"))[0]?.text).toBe("There is no case #999999.");
    const id = await makeCase(bot.db.prisma, { customerId: 2006 });
    expect((await send(sam, `/done ${id}`))[0]?.text).toBe(
      `Case #${id} is waiting for review: that action does not apply to it now.`,
    );
    expect((await send(sam, `/release ${id}`))[0]?.text).toContain("that action does not apply");
    for (const [cmd, usage] of [
      ["/claim", "Usage: /claim <case number>"],
      ["/claim abc", "Usage: /claim <case number>"],
      ["/claim 0", "Usage: /claim <case number>"],
      ["/claim 12 extra", "Usage: /claim <case number>"],
      [`/reject ${id}`, "Usage: /reject <case number> <reason for the customer, or :saved_reply>"],
      [`/ask ${id}    `, "Usage: /ask <case number> <question for the customer, or :saved_reply>"],
      ["/queue x", "Usage: /queue [page]"],
      ["/claim 99999999999", "Usage: /claim <case number>"],
    ] as const) {
      expect((await send(sam, cmd))[0]?.text, cmd).toBe(usage);
    }
    expect(await status(id)).toBe("submitted");

    await send(sam, `/claim ${id}`);
    const ivan = bot.member(902, STAFF_GROUP, "ru");
    expect((await send(ivan, `/reject ${id} нет`))[0]?.text).toBe(
      `Заявку №${id} взял(а) S901. Попросите этого сотрудника или администратора вернуть её в очередь.`,
    );
    expect((await send(ivan, `/claim ${id}`))[0]?.text).toContain("S901");
    // An admin may act on anyone's case.
    await makeStaff(bot.db.prisma, ADMIN, "admin");
    const admin = bot.member(ADMIN, STAFF_GROUP);
    expect((await send(admin, `/release ${id}`))[0]?.text).toBe(
      `Case #${id} is back in the queue.`,
    );
  });

  it("the loser of two approvals is told who decided", async () => {
    const id = await makeCase(bot.db.prisma, { customerId: 2007 });
    const sam = bot.member(901, STAFF_GROUP);
    const ivan = bot.member(902, STAFF_GROUP, "ru");
    const p1 = await send(sam, `/approve ${id}`);
    const p2 = await send(ivan, `/approve ${id}`);
    await pressWith(sam, p1, staffButton("confirm", id));
    const lost = await pressWith(ivan, p2, staffButton("confirm", id));
    // A pop-up, not one more message in the group.
    expect(lost.replies).toEqual([]);
    expect(lost.answer?.payload.show_alert).toBe(true);
    expect(String(lost.answer?.payload.text)).toMatch(
      new RegExp(`^Заявка №${id} уже в статусе «одобрена»: это сделал\\(а\\) S901 в .+\\.$`),
    );
    expect((await events(id)).filter((e) => e.toStatus === "approved")).toHaveLength(1);
  });

  it("a customer gets the unknown-command answer for staff commands and the stale answer for staff buttons", async () => {
    const id = await makeCase(bot.db.prisma, { customerId: 2008 });
    const eve = bot.customer(2009, "en");
    for (const cmd of [
      `/approve ${id}`,
      `/claim ${id}`,
      "/queue",
      "/stats",
      "/staff add 2009",
      "/reply 1 hi",
    ]) {
      expect(await send(eve, cmd), cmd).toEqual([
        { text: "I don't know that command. Send /help to see what I can do.", buttons: [] },
      ]);
    }
    for (const action of ["approve", "confirm", "claim", "done", "next", "view"] as const) {
      const { replies, answer } = await press(eve, staffButton(action, id));
      expect(replies).toEqual([]);
      expect(answer?.payload.text).toBe("This button is no longer active.");
    }
    expect(
      (await press(eve, encodeCallback({ kind: "queue", page: 0 }))).answer?.payload.text,
    ).toBe("This button is no longer active.");
    // Also when they are in the staff group.
    const inGroup = bot.member(2009, STAFF_GROUP);
    expect((await send(inGroup, `/approve ${id}`))[0]?.text).toBe(
      "I don't know that command. Send /help to see what I can do.",
    );
    const forged = await press(inGroup, staffButton("confirm", id));
    expect(forged.answer?.payload.text).toBe("This button is no longer active.");
    expect(await status(id)).toBe("submitted");
    expect((await events(id)).length).toBe(1);
  });

  it("a forged or stale staff button is refused for staff too", async () => {
    const sam = bot.member(901, STAFF_GROUP);
    for (const data of ["1|s|approve|-1", "1|s|explode|1", "0|s|claim|1", "1|q|x"]) {
      const r = await press(sam, data);
      expect(r.answer?.payload.text, data).toBe("This button is no longer active.");
    }
  });

  it("refuses an Open or Show files press on a case that does not exist by pop-up, adding no group message", async () => {
    const sam = bot.member(901, STAFF_GROUP);
    for (const data of ["1|s|view|999999", "1|s|files|999999"]) {
      const r = await press(sam, data);
      expect(r.replies, data).toEqual([]);
      expect(r.answer?.payload, data).toMatchObject({ show_alert: true });
    }
    // Typed, the same refusal is the command's answer.
    expect((await send(sam, "/case 999999"))[0]?.text).toBe("There is no case #999999.");
  });

  it("ignores other groups and plain chatter in the staff group", async () => {
    const other = bot.member(901, -100999, "en");
    expect(await send(other, "/queue")).toEqual([]);
    const sam = bot.member(901, STAFF_GROUP);
    expect(await send(sam, "good morning everyone")).toEqual([]);
    expect((await send(sam, "/refund"))[0]?.text).toBe(
      "/refund is a customers' command: it works in a private chat with me. Your commands: /staff",
    );
  });
});
