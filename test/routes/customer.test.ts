import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestBot } from "../support/bot.ts";
import { databaseKinds } from "../support/database.ts";

describe.each(databaseKinds)("customer commands (%s)", (kind) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.create(kind);
  });
  afterAll(async () => {
    await bot.close();
  });

  const first = async (id: number, text: string) =>
    (await bot.customer(id, "en").send(text)).map((r) => r.text);

  it("deep links open the chat at what they name: a request, the status, an FAQ answer", async () => {
    expect((await first(6201, "/start refund"))[0]).toMatch(/^Let's sort out your refund\./);
    expect(await first(6202, "/start status")).toEqual([
      "You have no refund requests yet. Send /refund to start one.",
    ]);
    expect((await first(6203, "/start faq_time_limit"))[0]).toMatch(
      /^Refunds cover at most one month/,
    );
    // Anything else is a plain start.
    for (const payload of ["/start faq_nope", "/start something", "/start"])
      expect((await first(6204, payload))[0], payload).toBe(
        "Hello, Ann! I'm the refund assistant.",
      );
  });

  it("/settings shows the language and offers to change it", async () => {
    const r = await bot.customer(6205, "es").send("/settings");
    expect(r[0]?.text).toBe("Tus ajustes:\nIdioma: Español");
    expect(r[0]?.buttons.map((b) => [b.text, b.data])).toEqual([
      ["Cambiar el idioma", "1|m|language"],
    ]);
  });

  it("a message holding a full card number is deleted, explained, and goes nowhere", async () => {
    const ann = bot.customer(6206, "en");
    const from = bot.api.calls.length;
    const update = ann.message({ text: "my card 4111 1111 1111 1111 was charged twice" });
    await bot.deliver(update);
    const calls = bot.api.calls.slice(from);
    expect(calls.map((c) => c.method)).toEqual(["deleteMessage", "sendMessage"]);
    expect(calls[0]?.payload).toEqual({
      chat_id: "6206",
      message_id: update.message.message_id,
    });
    expect(String(calls[1]?.payload.text)).toMatch(
      /^I've deleted your message: it held a full card number/,
    );
    // During a request the question stays where it was; nothing was taken as an answer.
    await ann.send("/refund");
    const during = bot.api.calls.length;
    await ann.send("4111111111111111");
    expect(bot.api.calls.slice(during).map((c) => c.method)).toEqual([
      "deleteMessage",
      "sendMessage",
    ]);
  });
});
