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
});
