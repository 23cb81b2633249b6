import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { button, type Reply, TestBot, type TestUser } from "../support/bot.ts";
import { TIME_ZONE } from "../support/conversations.ts";

const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(new Date());

let bot: TestBot;
beforeAll(async () => {
  bot = await TestBot.create("pglite");
});
afterAll(async () => {
  await bot.close();
});

/** The button whose callback data contains `fragment`, in the newest reply that has one. */
function data(rs: Reply[], fragment: string): string {
  for (const r of [...rs].reverse()) {
    const b = r.buttons.find((x) => x.data.includes(fragment));
    if (b !== undefined) return b.data;
  }
  throw new Error(`no button ${fragment} in ${JSON.stringify(rs)}`);
}

async function pressing(u: TestUser, rs: Reply[], ...fragments: string[]): Promise<Reply[]> {
  let current = rs;
  for (const f of fragments) current = (await u.press(data(current, f))).replies;
  return current;
}

/**
 * A one-time number's missing SMS, up to its summary, with the amount as
 * typed; `meanwhile` is what the customer does just before typing it.
 */
async function smsRequestSummary(
  u: TestUser,
  amount = "2.50 EUR",
  meanwhile = async () => {},
): Promise<Reply[]> {
  let rs = await u.send("/refund");
  rs = await pressing(
    u,
    rs,
    '"v":"balance"',
    '"v":"one_time"',
    '"v":"no_sms"',
    '"q":"code_shown","v":"no"',
  );
  rs = await pressing(u, rs, '"q":"restrictions","v":"yes"', '"q":"problem_date"');
  await u.send("ann@example.com");
  await u.send("+44 7700 900123");
  await meanwhile();
  rs = await u.send(amount);
  return pressing(u, rs, '"q":"comment","v":"skip"', '"q":"evidence","v":"skip"');
}

async function submitSmsRequest(u: TestUser): Promise<Reply[]> {
  return pressing(u, await smsRequestSummary(u), '"type":"submit"');
}

describe("the refund conversation in the chat", () => {
  it("queues an eligible request as a case citing its clauses, with its F1 deadline and audit entry", async () => {
    const u = bot.customer(2001, "en");
    const done = await submitSmsRequest(u);
    expect(done.at(-1)?.text).toMatch(
      /^Your request #\d+ has been sent \(clause A4\)\. Refunds to the balance are made within 1–5 business days \(clause F1\), by \w+/,
    );
    const c = await bot.db.prisma.refundCase.findFirstOrThrow({
      where: { customerId: 2001n },
      include: { events: true },
    });
    expect(c).toMatchObject({
      kind: "balance",
      status: "submitted",
      service: "one_time",
      currency: "EUR",
    });
    expect(c.clauses).toEqual(expect.arrayContaining(["A4", "E1", "F1"]));
    expect(c.amount.toString()).toBe("2.5");
    expect(c.dueAt.getTime()).toBeGreaterThan(c.submittedAt.getTime() + 5 * 86_400_000);
    expect(c.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([[null, "submitted"]]);
    expect(await bot.db.prisma.conversation.count({ where: { chatId: 2001n } })).toBe(0);
  });

  it("writes the summary's money and days as the reader writes them", async () => {
    const u = bot.customer(2021, "es");
    const rs = await smsRequestSummary(u, "1.200,50 €");
    const summary = rs.at(-1)?.text ?? "";
    const money = new Intl.NumberFormat("es", { style: "currency", currency: "EUR" }).format(
      1200.5,
    );
    expect(summary).toContain(money);
    expect(summary).toMatch(/ de [a-z]+ de \d{4}/);
    expect(summary).not.toMatch(/\d{4}-\d{2}-\d{2}|1200\.50/);
  });

  it("reads an amount typed after /language in the language the chat is now in", async () => {
    const u = bot.customer(2024, "en");
    const rs = await smsRequestSummary(u, "1.500 EUR", async () => {
      await u.send("/language");
      await u.press(encodeCallback({ kind: "language", language: "es" }));
    });
    // In English "1.500 EUR" is refused (euros have two decimals); in Spanish it is 1500 €.
    const money = new Intl.NumberFormat("es", { style: "currency", currency: "EUR" }).format(1500);
    expect(rs.at(-1)?.text).toContain(money);
  });

  it("answers a second tap on an answered question's keyboard as a stale button, not as the choice", async () => {
    const u = bot.customer(2022, "en");
    const rs = await u.send("/refund");
    const question = rs.at(-1);
    const sent = bot.api.calls.findLast(
      (c) => c.method === "sendMessage" && c.payload.chat_id === "2022",
    );
    const tap = (fragment: string) => {
      const callback = data(rs, fragment);
      return bot.deliver({
        update_id: bot.nextUpdateId(),
        callback_query: {
          id: `cq${bot.nextUpdateId()}`,
          from: u.from,
          chat_instance: "x",
          // As Telegram sends it: the pressed message with its text and keyboard.
          message: {
            message_id: sent?.messageId ?? 0,
            date: 0,
            chat: u.chat,
            text: question?.text,
            reply_markup: sent?.payload.reply_markup,
          },
          data: callback,
        },
      });
    };
    await tap('"v":"balance"');
    const second = await tap('"v":"payout"');
    const answer = second.find((c) => c.method === "answerCallbackQuery");
    expect(answer?.payload).toMatchObject({
      text: "This button is no longer active.",
      show_alert: true,
    });
    expect(second.filter((c) => c.method === "editMessageText")).toEqual([]);
    expect(second.some((c) => c.method === "editMessageReplyMarkup")).toBe(true);
    const row = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 2022n } });
    expect(JSON.stringify(row.snapshot)).toContain('"want":"balance"');
  });

  it("records a refusal with its clause, explains it, and queues nothing", async () => {
    const u = bot.customer(2002, "en");
    let rs = await u.send("/refund");
    rs = await pressing(
      u,
      rs,
      '"v":"balance"',
      '"v":"one_time"',
      '"v":"no_sms"',
      '"q":"code_shown","v":"yes"',
    );
    expect(rs.map((r) => r.text).join("\n")).toMatch(/B2/);
    expect(rs.map((r) => r.text).join("\n")).toContain("refunds@example.com");
    const d = await bot.db.prisma.decision.findFirstOrThrow({ where: { userId: 2002n } });
    expect(d).toMatchObject({ outcome: "not_eligible", clauses: ["B2"] });
    expect(await bot.db.prisma.refundCase.count({ where: { customerId: 2002n } })).toBe(0);
  });

  it("records a refusal on a failed condition with the clause whose condition failed (A2), and says it", async () => {
    const u = bot.customer(2099, "en");
    let rs = await u.send("/refund");
    rs = await pressing(
      u,
      rs,
      '"v":"payout"',
      '"v":"rented"',
      '"v":"blocked"',
      '"q":"own_activity","v":"yes"',
    );
    expect(rs.map((r) => r.text).join("\n")).toMatch(/clause A2/);
    const d = await bot.db.prisma.decision.findFirstOrThrow({ where: { userId: 2099n } });
    expect(d).toMatchObject({ outcome: "not_eligible", clauses: ["A2"] });
  });

  it("speaks the customer's language all the way", async () => {
    const u = bot.customer(2003, "ru");
    const rs = await u.send("/refund");
    expect(rs.at(-1)?.text).toMatch(/[а-я]/);
    expect(rs.at(-1)?.buttons[0]?.text).toMatch(/[а-я]/i);
  });

  it("starts at the right place from an FAQ answer's button", async () => {
    const u = bot.customer(2004, "en");
    const answer = await u.send("I never received the SMS code on my one-time number");
    const rs = (await u.press(button(answer, "Start a refund request"))).replies;
    // Service and what happened are known: it asks only what is left.
    expect(rs.at(-1)?.buttons.some((b) => b.data.includes('"q":"want"'))).toBe(true);
    const next = await pressing(u, rs, '"v":"balance"');
    expect(next.at(-1)?.buttons.some((b) => b.data.includes('"q":"code_shown"'))).toBe(true);
  });

  it("starts a blocked number's request knowing the number was blocked", async () => {
    const u = bot.customer(2011, "en");
    const answer = await u.send(
      "the mobile operator blocked my rented number, I did nothing wrong",
    );
    const rs = (await u.press(button(answer, "Start a refund request"))).replies;
    const next = await pressing(u, rs, '"v":"balance"');
    const asked = next.at(-1)?.buttons.map((b) => b.data) ?? [];
    expect(asked.some((d) => d.includes('"q":"what"'))).toBe(false);
    expect(asked.some((d) => d.includes('"q":"own_activity"'))).toBe(true);
  });

  it("starts with where the money goes when the question said it", async () => {
    const u = bot.customer(2012, "en");
    const answer = await u.send("My rented number has been dead for two days. Refund to my card?");
    const rs = (await u.press(button(answer, "Start a refund request"))).replies;
    const asked = rs.at(-1)?.buttons.map((b) => b.data) ?? [];
    expect(asked.some((d) => d.includes('"q":"want"'))).toBe(false);
    const c = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 2012n } });
    expect(
      (c.snapshot as { snapshot: { context: { answers: object } } }).snapshot.context.answers,
    ).toMatchObject({ want: "payout", service: "rented", what: "not_working" });
  });

  it("proposes the day a story named, in the customer's language, and takes it only when pressed", async () => {
    const u = bot.customer(2013, "ru");
    const answer = await u.send(
      "Арендованный номер не работает уже два дня, звонки не проходят. Верните деньги на баланс",
    );
    const rs = (await u.press(data(answer, "1|b|number_down|balance|"))).replies;
    const twoDaysBack = new Date(`${today()}T12:00:00Z`);
    twoDaysBack.setUTCDate(twoDaysBack.getUTCDate() - 2);
    const day = twoDaysBack.toISOString().slice(0, 10);
    // Written as a Russian reader writes a day.
    const shown = new Intl.DateTimeFormat("ru", {
      year: "numeric",
      month: "long",
      day: "numeric",
      timeZone: "UTC",
    }).format(twoDaysBack);
    expect(shown).toMatch(/^\d{1,2} [а-я]+ \d{4} г\.$/);
    const proposal = rs.at(-1)?.buttons[0];
    expect(proposal?.text).toBe(`${shown}, в тот же день`);
    expect(rs.at(-1)?.text).toContain(`Вы написали, что номер не работает с ${shown}.`);
    // A time typed is read in the service's zone, which the question names.
    expect(rs.at(-1)?.text).toMatch(/Время указывайте по часовому поясу GMT[+-]\d+\.$/);
    const answers = async () =>
      (
        (await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 2013n } }))
          .snapshot as { snapshot: { context: { answers: Record<string, string> } } }
      ).snapshot.context.answers;
    // Proposed, not taken: the question is still open until the customer presses it.
    expect((await answers()).reported).toBeUndefined();
    await u.press(proposal?.data ?? "");
    expect((await answers()).reported).toBe(day);
  });

  it("goes on in the language of the answer it was started from", async () => {
    const u = bot.customer(2023, "en");
    const answer = await u.send("Арендованный номер не работает, верните деньги на баланс");
    const begin = data(answer, "1|b|number_down");
    expect(begin.endsWith("|ru")).toBe(true);
    const rs = (await u.press(begin)).replies;
    expect(rs[0]?.text).toBe("Готово — теперь я буду говорить по-русски.");
    expect(rs.at(-1)?.text).toMatch(/[а-я]{4,}/);
    expect(rs.at(-1)?.text).not.toMatch(/\b(the|when|number)\b/i);
    const user = await bot.db.prisma.user.findUniqueOrThrow({ where: { id: 2023n } });
    expect(user.language).toBe("ru");
    // The next question too.
    const next = await pressing(u, rs, '"q":"reported"');
    expect(next.at(-1)?.text ?? "").toMatch(/[а-я]{4,}/);
  });

  it("an answer in the chat's own language names none, so an old button does not undo /language", async () => {
    const u = bot.customer(2025, "en");
    const answer = await u.send("My rented number stopped working, please refund it to my balance");
    const begin = data(answer, "1|b|number_down");
    expect(begin).toBe("1|b|number_down|balance");
    await u.press(button(await u.send("/language"), "Русский"));
    const rs = (await u.press(begin)).replies;
    expect(rs.at(-1)?.text).toMatch(/[а-я]{4,}/);
    const user = await bot.db.prisma.user.findUniqueOrThrow({ where: { id: 2025n } });
    expect(user.language).toBe("ru");
  });

  it("proposes no day when the story names none", async () => {
    const u = bot.customer(2014, "en");
    const answer = await u.send("My rented number stopped working, please refund it to my balance");
    const rs = (await u.press(data(answer, "1|b|number_down|balance"))).replies;
    expect(rs.at(-1)?.buttons.some((b) => b.text.includes("the same day"))).toBe(false);
    expect(rs.at(-1)?.text).not.toContain("You wrote");
    expect(rs.at(-1)?.buttons.some((b) => b.data.includes('"q":"reported"'))).toBe(true);
  });

  it("/cancel stops the request at any point, and nothing is queued", async () => {
    const u = bot.customer(2005, "en");
    const rs = await u.send("/refund");
    await pressing(u, rs, '"v":"balance"');
    const cancelled = await u.send("/cancel");
    expect(cancelled.length).toBeGreaterThan(0);
    expect(await bot.db.prisma.conversation.count({ where: { chatId: 2005n } })).toBe(0);
    expect((await u.send("/cancel"))[0]?.text).toBe("There's nothing to cancel right now.");
  });

  it("answers a button of an earlier question politely and changes nothing", async () => {
    const u = bot.customer(2006, "en");
    const first = await u.send("/refund");
    await pressing(u, first, '"v":"balance"');
    const before = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 2006n } });
    const { answer } = await u.press(data(first, '"v":"payout"'));
    expect(answer).toBeDefined();
    const after = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 2006n } });
    expect(
      (after.snapshot as { snapshot: { context: { answers: object } } }).snapshot.context.answers,
    ).toEqual(
      (before.snapshot as { snapshot: { context: { answers: object } } }).snapshot.context.answers,
    );
  });

  it("restarts with an apology when the stored conversation is from an incompatible version", async () => {
    const u = bot.customer(2007, "en");
    await u.send("/refund");
    await bot.db.prisma.conversation.update({
      where: { chatId: 2007n },
      data: { snapshot: { garbage: true } },
    });
    const rs = await u.send("hello");
    expect(rs[0]?.text).toMatch(/^Sorry/);
    expect(rs.at(-1)?.buttons.some((b) => b.data.includes('"q":"want"'))).toBe(true);
  });

  it("lets a customer withdraw their own case, and tells another customer nothing about it", async () => {
    const owner = bot.customer(2008, "en");
    await submitSmsRequest(owner);
    const c = await bot.db.prisma.refundCase.findFirstOrThrow({ where: { customerId: 2008n } });
    const status = await owner.send("/status");
    expect(status[0]?.text).toContain(`#${c.id}`);
    const stranger = bot.customer(2009, "en");
    const forged = await stranger.press(encodeCallback({ kind: "withdraw", caseId: c.id }));
    expect(forged.answer?.payload.text).toBe("This button is no longer active.");
    expect(forged.replies).toEqual([]);
    expect((await stranger.send("/status"))[0]?.text).toBe(
      "You have no refund requests yet. Send /refund to start one.",
    );
    const from = bot.api.calls.length;
    const { replies } = await owner.press(button(status, `Withdraw #${c.id}`), 77);
    expect(replies[0]?.text).toBe(
      `Request #${c.id} is withdrawn. Nothing more will happen with it.`,
    );
    // The /status list the button sat on is out of date now: its buttons go.
    expect(
      bot.api.calls
        .slice(from)
        .filter((x) => String(x.payload.chat_id) === "2008" && x.method.startsWith("editMessage"))
        .map((x) => x.payload.message_id),
    ).toEqual([77]);
    // A press on an older copy of the list: the pop-up says why, and that copy loses its buttons.
    const again = await owner.press(button(status, `Withdraw #${c.id}`), 76);
    expect(again.answer?.payload).toMatchObject({
      text: `Request #${c.id} can no longer be withdrawn: it has already been decided.`,
      show_alert: true,
    });
    expect(again.replies).toEqual([]);
    const unbuttoned = bot.api.calls.at(-1);
    expect([unbuttoned?.method, unbuttoned?.payload.message_id]).toEqual([
      "editMessageReplyMarkup",
      76,
    ]);
    const events = await bot.db.prisma.caseEvent.findMany({
      where: { caseId: c.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.toStatus)).toEqual(["submitted", "withdrawn"]);
  });

  it("keeps one chat's burst in order when Telegraf hands over updates concurrently", async () => {
    const u = bot.customer(2010, "en");
    const updates = ["/refund", "/cancel", "/status", "/help"].map((text) => u.message({ text }));
    const before = bot.api.calls.length;
    await Promise.all(updates.map((x) => bot.transport.handleUpdate(x)));
    await bot.flush();
    const texts = bot.api.calls.slice(before).map((c) => String(c.payload.text));
    expect(texts.at(-1)).toContain("What I can do:");
    expect(texts.at(-2)).toBe("You have no refund requests yet. Send /refund to start one.");
    expect(await bot.db.prisma.conversation.count({ where: { chatId: 2010n } })).toBe(0);
  });
});
