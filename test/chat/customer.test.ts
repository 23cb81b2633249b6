import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { makeCase } from "../staff/helpers.ts";
import { button, TestBot } from "../support/bot.ts";

// One database for the file; each test uses its own customer ids.
let bot: TestBot;
beforeAll(async () => {
  bot = await TestBot.create("pglite");
});
afterAll(async () => {
  await bot.close();
});

describe("customer chat", () => {
  it("/start greets in the user's Telegram language and shows the main menu", async () => {
    const en = await bot.customer(1001, "en-GB", "Ann").send("/start");
    expect(en[0]?.text).toBe("Hello, Ann! I'm the refund assistant.");
    expect(en[1]?.buttons.map((b) => b.text)).toEqual([
      "Ask for a refund",
      "Refund policy questions",
      "My requests",
      "Language",
      "Talk to a person",
    ]);
    const ru = await bot.customer(1002, "ru", "Иван").send("/start");
    expect(ru[0]?.text).toBe("Здравствуйте, Иван! Я помощник по возвратам.");
  });

  it("falls back to the default language for an unsupported Telegram language", async () => {
    const r = await bot.customer(1003, "fr").send("/help");
    expect(r[0]?.text).toContain("What I can do:");
    expect(r[0]?.text).toContain("refunds@example.com");
  });

  it("/language changes the language, and it is kept", async () => {
    const u = bot.customer(1004, "en");
    const menu = await u.send("/language");
    expect(menu[0]?.buttons.map((b) => b.text)).toEqual([
      "English",
      "Español",
      "Русский",
      "Українська",
    ]);
    const { replies, answer } = await u.press(button(menu, "Українська"));
    expect(answer?.payload.text).toBeUndefined();
    expect(replies[0]?.text).toBe("Готово — тепер я розмовлятиму українською.");
    expect((await u.send("/help"))[0]?.text).toContain("Що я вмію:");
    const stored = await bot.db.prisma.user.findUniqueOrThrow({ where: { id: 1004n } });
    expect(stored.language).toBe("uk");
  });

  it("answers an unknown command, a sticker and an edited message politely", async () => {
    const u = bot.customer(1005, "es");
    expect((await u.send("/teleport"))[0]?.text).toBe(
      "No conozco ese comando. Envía /help para ver lo que puedo hacer.",
    );
    const sticker = await bot.deliver(u.message({ sticker: { file_id: "x" } }));
    expect(sticker.map((c) => c.payload.text)).toEqual([
      "Aquí no puedo aceptarlo. Escribe tu respuesta o usa los botones; acepto fotos y archivos mientras haces una solicitud o cuando nuestro equipo te pide algo.",
    ]);
  });

  it("answers a forged, stale or foreign button without changing anything", async () => {
    const u = bot.customer(1006, "en");
    for (const data of [
      "garbage",
      "0|m|status",
      encodeCallback({ kind: "staff", action: "approve", caseId: 1 }),
    ]) {
      const { replies, answer } = await u.press(data);
      expect(replies).toEqual([]);
      expect(answer?.payload.text).toBe("This button is no longer active.");
    }
    expect(await bot.db.prisma.refundCase.count()).toBe(0);
  });

  it("answers a free-text policy question from the FAQ, in the question's language", async () => {
    const u = bot.customer(1007, "en");
    const r = await u.send("Сгорают ли деньги на балансе?");
    expect(r[0]?.text).toMatch(/баланс/i);
    const outside = await u.send("what's the weather in Paris tomorrow");
    expect(outside[0]?.text).toContain("I can help with refunds");
    expect(outside[0]?.buttons.map((b) => b.text)).toEqual(["Talk to a person"]);
  });

  it("answers a greeting, thanks or a call for help with a short reply and the main menu", async () => {
    const u = bot.customer(1011, "en");
    for (const [text, reply] of [
      ["hi", "Hi! I'm the refund assistant."],
      ["привет", "Здравствуйте! Я помощник по возвратам."],
      ["дякую!", "Будь ласка!"],
      ["¿qué puedes hacer?", "Respondo preguntas sobre reembolsos"],
    ] as const) {
      const r = await u.send(text);
      expect(r[0]?.text, text).toContain(reply);
      expect(r[0]?.buttons.length, text).toBe(5);
    }
  });

  it("answers Russian typed in Latin letters in Russian, and asks for the hand-off in the question's language", async () => {
    const u = bot.customer(1012, "en");
    const translit = await u.send("a dengi na balanse sgorayut?");
    expect(translit[0]?.text).toMatch(/баланс/i);
    const uk = (await import("../../locales/uk/bot.json", { with: { type: "json" } })).default;
    const human = await u.send("Хочу поговорити з живою людиною");
    expect(human[0]?.text).toBe(uk.human.prompt);
    const sent = await u.send("Чому мені не повернули гроші за номер?");
    expect(sent[0]?.text).toBe(uk.human.sent.replace("{{email}}", "refunds@example.com"));
  });

  it("/faq lists topics, a topic lists questions, a question shows its answer", async () => {
    const u = bot.customer(1008, "en");
    const topics = await u.send("/faq");
    expect(topics[0]?.buttons.length).toBeGreaterThanOrEqual(5);
    const { replies: questions } = await u.press(button(topics, "One-time SMS"));
    const { replies: answer } = await u.press(questions[0]?.buttons[0]?.data ?? "");
    expect(answer[0]?.text).toMatch(/\(?(clause|clauses) [A-F]/i);
  });

  it("/status with no requests says how to start one; /cancel with nothing running says so", async () => {
    const u = bot.customer(1009, "en");
    expect((await u.send("/status"))[0]?.text).toBe(
      "You have no refund requests yet. Send /refund to start one.",
    );
    expect((await u.send("/cancel"))[0]?.text).toBe("There's nothing to cancel right now.");
  });

  it("/status gives the deadline of every request whose deadline runs, and Withdraw only before a decision", async () => {
    const u = bot.customer(1013, "en");
    const waiting = await makeCase(bot.db.prisma, { customerId: 1013 });
    const approved = await makeCase(bot.db.prisma, { customerId: 1013 });
    const done = await makeCase(bot.db.prisma, { customerId: 1013 });
    // A payout's deadline is for the decision: once approved, it has none left.
    const payout = await makeCase(bot.db.prisma, { customerId: 1013, kind: "payout" });
    await bot.db.prisma.refundCase.updateMany({
      where: { id: { in: [approved, payout] } },
      data: { status: "approved" },
    });
    await bot.db.prisma.refundCase.update({ where: { id: done }, data: { status: "done" } });
    const status = (await u.send("/status"))[0];
    const item = (id: number) =>
      status?.text.split("\n\n").find((l) => l.startsWith(`#${id} `)) ?? "";
    expect(item(waiting)).toMatch(/We'll handle it by /);
    expect(item(approved)).toMatch(/We'll handle it by /);
    expect(item(done)).not.toMatch(/We'll handle it by /);
    expect(item(payout)).not.toMatch(/We'll handle it by /);
    expect(status?.buttons.map((b) => b.text)).toEqual([`Withdraw #${waiting}`]);
  });

  it("points a question about a request already sent to /status, in the question's language", async () => {
    const u = bot.customer(1014, "en");
    const ru = (await import("../../locales/ru/faq.json", { with: { type: "json" } })).default;
    const answer = (await u.send("Хочу узнать, что с моей заявкой: её ещё не отклонили?"))[0];
    expect(answer?.text).toBe(
      ru.entries.my_request.answer.replace("{{email}}", "refunds@example.com"),
    );
    expect(answer?.text).toContain("/status");
  });

  it("records the update once when Telegram delivers it twice", async () => {
    const u = bot.customer(1010, "en");
    const update = u.message({ text: "/help" });
    const first = await bot.deliver(update);
    const second = await bot.deliver(update);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
  });
});
