import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IdleConversations } from "../../src/conversation/expiry.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { photo, toEvidence } from "../staff/helpers.ts";
import { TestBot } from "../support/bot.ts";
import { databaseKinds } from "../support/database.ts";

describe.each(databaseKinds)("idle conversations on %s", (kind) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.create(kind, { CONVERSATION_IDLE_MINUTES: "60" });
  });
  afterAll(async () => {
    await bot.close();
  });

  // A second instance stands for a second process.
  function idle(): IdleConversations {
    return new IdleConversations({
      prisma: bot.db.prisma,
      i18n: bot.core.i18n,
      defaultLanguage: "en",
      timeZone: "UTC",
      idleMinutes: bot.config.conversationIdleMinutes,
      logger: createLogger("silent"),
    });
  }

  it("reminds once halfway, expires at the end, in the customer's language, even from two processes", async () => {
    const u = bot.customer(3001, "es");
    await u.send("/refund");
    const started = (
      await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 3001n } })
    ).lastActivityAt;
    const at = (minutes: number) => new Date(started.getTime() + minutes * 60_000);

    expect(await idle().tick(at(20))).toEqual({ reminded: 0, expired: 0 });
    const both = await Promise.all([idle().tick(at(31)), idle().tick(at(31))]);
    expect(both.reduce((n, r) => n + r.reminded, 0)).toBe(1);
    expect(await idle().tick(at(45))).toEqual({ reminded: 0, expired: 0 });
    expect(await idle().tick(at(61))).toEqual({ reminded: 0, expired: 1 });
    await bot.flush();
    const texts = bot.api.textsTo(3001).slice(-2);
    expect(texts[0]).toMatch(/^¿Sigues ahí\?/);
    expect(texts[1]).toMatch(/^He cerrado tu solicitud/);
    expect(await bot.db.prisma.conversation.count({ where: { chatId: 3001n } })).toBe(0);
  });

  it("an expired request's photos and files go with it", async () => {
    const u = bot.customer(3003, "en");
    await u.send("/refund");
    await bot.db.prisma.attachment.create({
      data: {
        customerId: 3003n,
        chatId: 3003n,
        kind: "photo",
        fileId: "draft-photo",
        fileUniqueId: "u-draft",
        messageId: 7,
      },
    });
    const c = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 3003n } });
    await idle().tick(new Date(c.lastActivityAt.getTime() + 61 * 60_000));
    expect(await bot.db.prisma.conversation.count({ where: { chatId: 3003n } })).toBe(0);
    expect(await bot.db.prisma.attachment.count({ where: { chatId: 3003n } })).toBe(0);
  });

  it("an expired request's question and files' message keep no button", async () => {
    const u = bot.customer(3005, "en");
    await toEvidence(u);
    await bot.deliver(u.message(photo("ph-idle")));
    // The refund conversation's buttons (callback kind `r`).
    const refundKeyboards = () => bot.api.keyboards(3005, "1|r|");
    expect(refundKeyboards()).toHaveLength(2);
    const c = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 3005n } });
    expect(await idle().tick(new Date(c.lastActivityAt.getTime() + 61 * 60_000))).toEqual({
      reminded: 0,
      expired: 1,
    });
    await bot.flush();
    expect(bot.api.textsTo(3005).at(-1)).toMatch(/^I closed your unfinished refund request/);
    expect(refundKeyboards()).toEqual([]);
  });

  it("leaves a request whose customer's words wait in the store, unprocessed, for them", async () => {
    const u = bot.customer(3004, "en");
    await u.send("/refund");
    const c = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 3004n } });
    const late = new Date(c.lastActivityAt.getTime() + 61 * 60_000);
    await bot.db.prisma.inboundUpdate.create({
      data: { updateId: 990_001n, lane: 3004n, payload: u.message({ text: "ann@example.com" }) },
    });
    expect(await idle().tick(late)).toEqual({ reminded: 0, expired: 0 });
    await bot.db.prisma.inboundUpdate.update({
      where: { updateId: 990_001n },
      data: { processedAt: new Date() },
    });
    expect(await idle().tick(late)).toEqual({ reminded: 0, expired: 1 });
  });

  it("starts the clock again when the customer answers", async () => {
    const u = bot.customer(3002, "en");
    await u.send("/refund");
    const ago = new Date(Date.now() - 31 * 60_000);
    await bot.db.prisma.conversation.update({
      where: { chatId: 3002n },
      data: { lastActivityAt: ago },
    });
    expect(await idle().tick(new Date())).toEqual({ reminded: 1, expired: 0 });
    await u.send("/refund");
    const after = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 3002n } });
    expect(after.remindedAt).toBeNull();
    expect(await idle().tick(new Date(Date.now() + 29 * 60_000))).toEqual({
      reminded: 0,
      expired: 0,
    });
  });
});
