import { afterEach, describe, expect, it } from "vitest";
import { makeCase, makeStaff, STAFF_ENV } from "../staff/helpers.ts";
import { TestBot } from "../support/bot.ts";

// Every press is answered, or its button spins until Telegram gives up on it:
// the ones nothing acts on too.
describe("presses nothing acts on", () => {
  let bot: TestBot;
  afterEach(async () => {
    await bot.close();
  });

  it("a press in a group the bot does not work in gets a pop-up in the presser's language, and no row is kept for them", async () => {
    bot = await TestBot.create("pglite", STAFF_ENV);
    await makeStaff(bot.db.prisma, 901);
    const id = await makeCase(bot.db.prisma, { customerId: 5001 });
    // A card left in the group that was the staff group before STAFF_CHAT_ID moved.
    const stranger = bot.member(7301, -100777, "ru");
    const { answer, replies } = await stranger.press(`1|s|claim|${id}`);
    expect(answer?.payload).toMatchObject({
      text: "Эта кнопка больше не действует.",
      show_alert: true,
    });
    expect(replies).toEqual([]);
    expect(await bot.db.prisma.user.findUnique({ where: { id: 7301n } })).toBeNull();
    expect((await bot.db.prisma.refundCase.findUniqueOrThrow({ where: { id } })).status).toBe(
      "submitted",
    );
  });

  it("a customer's presses past the flood limit are answered, bare; the warning comes once", async () => {
    bot = await TestBot.create("pglite", { FLOOD_MAX_UPDATES: "2" });
    const ann = bot.customer(7101);
    const presses = [];
    for (let i = 0; i < 5; i++) presses.push(await ann.press("1|m|faq"));
    expect(presses.map((p) => p.answer !== undefined)).toEqual([true, true, true, true, true]);
    const past = presses.slice(2);
    expect(past.map((p) => p.answer?.payload.text)).toEqual([undefined, undefined, undefined]);
    expect(past.flatMap((p) => p.replies.map((r) => r.text))).toEqual([
      "You're sending messages faster than I can read them. Please wait a few seconds; I'll ignore new messages until then.",
    ]);
  });
});
