import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCase } from "../staff/helpers.ts";
import { button, TestBot } from "../support/bot.ts";
import { BotApiError } from "../support/bot-api.ts";

let bot: TestBot;
beforeAll(async () => {
  bot = await TestBot.create("pglite");
});
afterAll(async () => {
  await bot.close();
});

describe("rough input", () => {
  it.each([
    [
      4001,
      "photo",
      { photo: [{ file_id: "p", width: 1, height: 1 }] },
      "en",
      "I can't take this here.",
    ],
    [4002, "voice", { voice: { file_id: "v", duration: 3 } }, "ru", "Здесь я не могу это принять."],
    [4003, "document", { document: { file_id: "d" } }, "uk", "Тут я не можу це прийняти."],
    [
      4004,
      "location",
      { location: { latitude: 1, longitude: 2 } },
      "es",
      "Aquí no puedo aceptarlo.",
    ],
  ])(
    "answers (%i) a %s with a polite note in the user's language",
    async (id, _kind, fields, lang, expected) => {
      const u = bot.customer(id, lang);
      const calls = await bot.deliver(u.message(fields));
      expect(String(calls[0]?.payload.text)).toMatch(new RegExp(`^${expected}`));
    },
  );

  it("takes a very long text without failing, and never answers over Telegram's limit", async () => {
    const u = bot.customer(4101, "en");
    const calls = await bot.deliver(u.message({ text: "refund ".repeat(1500) }));
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(String(c.payload.text ?? "").length).toBeLessThanOrEqual(4096);
    await u.send("/refund");
    const inConversation = await bot.deliver(u.message({ text: "x".repeat(4096) }));
    expect(inConversation.length).toBeGreaterThan(0);
  });

  it("asks for a new message when one is edited during a request or while staff await the customer's answer, and ignores edits otherwise", async () => {
    const u = bot.customer(4102, "en");
    const edited = (text: string) => ({
      update_id: bot.nextUpdateId(),
      edited_message: {
        message_id: 1,
        date: 0,
        edit_date: 1,
        chat: { id: u.id, type: "private" },
        from: u.from,
        text,
      },
    });
    expect(await bot.deliver(edited("hello"))).toEqual([]);
    await u.send("/refund");
    const calls = await bot.deliver(edited("balance"));
    expect(calls.map((c) => c.payload.text)).toEqual([
      "I only read new messages: please send your corrected answer as a new message.",
    ]);
    // Staff asked for information: a corrected answer must not be lost on them either.
    await u.send("/cancel");
    expect(await bot.deliver(edited("hello again"))).toEqual([]);
    const id = await makeCase(bot.db.prisma, { customerId: u.id });
    await bot.db.prisma.refundCase.update({ where: { id }, data: { status: "needs_info" } });
    const answer = await bot.deliver(edited("TX-99812"));
    expect(answer.map((c) => c.payload.text)).toEqual([
      "I only read new messages: please send your corrected answer as a new message.",
    ]);
  });

  it("ignores messages in groups and channels it is not meant to serve", async () => {
    const calls = await bot.deliver({
      update_id: bot.nextUpdateId(),
      message: {
        message_id: 5,
        date: 0,
        chat: { id: -100555, type: "supergroup", title: "Random group" },
        from: { id: 4103, is_bot: false, first_name: "G" },
        text: "/refund",
      },
    });
    expect(calls).toEqual([]);
    expect(await bot.db.prisma.conversation.count({ where: { chatId: -100555n } })).toBe(0);
  });

  it("ignores messages from other bots and updates of kinds it does not handle", async () => {
    const u = bot.customer(4104, "en");
    expect(
      await bot.deliver(
        u.message({ text: "/start", from: { id: 1, is_bot: true, first_name: "B" } }),
      ),
    ).toEqual([]);
    expect(await bot.deliver({ update_id: bot.nextUpdateId(), poll: { id: "1" } })).toEqual([]);
  });

  it("notes a user who blocked the bot, stops writing to them, and welcomes them back", async () => {
    const u = bot.customer(4105, "en");
    const member = (status: string) => ({
      update_id: bot.nextUpdateId(),
      my_chat_member: {
        chat: { id: u.id, type: "private" },
        from: u.from,
        date: 0,
        old_chat_member: { status: "member", user: { id: 1, is_bot: true, first_name: "Bot" } },
        new_chat_member: { status, user: { id: 1, is_bot: true, first_name: "Bot" } },
      },
    });
    await bot.deliver(member("kicked"));
    expect(
      (await bot.db.prisma.user.findUniqueOrThrow({ where: { id: 4105n } })).blockedAt,
    ).not.toBeNull();

    // A message the bot had queued meets Telegram's 403: it is dropped, not retried.
    bot.api.failNext(
      new BotApiError(403, "Forbidden: bot was blocked by the user"),
      (c) => c.payload.chat_id === "4105",
    );
    await bot.deliver(u.message({ text: "/help" }));
    const out = await bot.db.prisma.outboxMessage.findFirstOrThrow({
      where: { chatId: 4105n },
      orderBy: { id: "desc" },
    });
    expect(out.status).toBe("failed");

    await bot.deliver(member("member"));
    expect(
      (await bot.db.prisma.user.findUniqueOrThrow({ where: { id: 4105n } })).blockedAt,
    ).toBeNull();
    expect(await u.send("/help")).toHaveLength(1);
  });

  it("main-menu buttons do what their commands do, in Russian too", async () => {
    const u = bot.customer(4106, "ru");
    const menu = await u.send("/start");
    expect((await u.press(button(menu, "Мои заявки"))).replies[0]?.text).toBe(
      "У вас пока нет заявок на возврат. Отправьте /refund, чтобы оформить.",
    );
    expect((await u.press(button(menu, "Язык"))).replies[0]?.text).toBe("Выберите язык:");
    expect(
      (await u.press(button(menu, "Вопросы о возвратах"))).replies[0]?.buttons.length,
    ).toBeGreaterThan(3);
    const refund = (await u.press(button(menu, "Оформить возврат"))).replies;
    expect(refund.at(-1)?.buttons.some((b) => b.data.includes('"q":"want"'))).toBe(true);
  });
});
