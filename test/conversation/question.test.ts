import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photo, toEvidence } from "../staff/helpers.ts";
import { TestBot, type TestUser } from "../support/bot.ts";
import type { ShownMessage } from "../support/bot-api.ts";

/** The chat's messages that still show the refund conversation's buttons (callback kind `r`). */
function refundKeyboards(u: TestUser): ShownMessage[] {
  return u.bot.api.keyboards(u.chat.id, "1|r|");
}

describe("the conversation's keyboards: only what can still be answered", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.create("pglite");
  });
  afterAll(async () => {
    await bot.close();
  });

  /** At the evidence question with one photo sent: the question (Skip) and the files' message (Done). */
  async function withAFile(u: TestUser): Promise<ShownMessage> {
    await toEvidence(u);
    const question = u.bot.api.showing(u.chat.id, '"q":"evidence"');
    await bot.deliver(u.message(photo(`ph-${u.id}`)));
    expect(refundKeyboards(u).map((m) => m.text)).toEqual([
      question.text,
      "Got it: file 1 of 5. Send more, or tap Done.",
    ]);
    return question;
  }

  it("Skip on the evidence question takes the Done off the files' message too", async () => {
    const u = bot.customer(7001);
    const question = await withAFile(u);
    // The question's own button answers it as Done does: with the files sent.
    await u.pressOn(question, '"q":"evidence","v":"skip"');
    expect(refundKeyboards(u).map((m) => m.text)).toEqual([
      expect.stringMatching(/^Here is your request/),
    ]);
  });

  it("Done on the files' message takes the keyboard off the evidence question", async () => {
    const u = bot.customer(7005);
    await withAFile(u);
    await u.pressOn(u.bot.api.showing(u.chat.id, '"q":"evidence"'), '"q":"evidence","v":"done"');
    expect(refundKeyboards(u).map((m) => m.text)).toEqual([
      expect.stringMatching(/^Here is your request/),
    ]);
  });

  it("/cancel at the evidence question leaves no button of the request", async () => {
    const u = bot.customer(7002);
    await withAFile(u);
    await u.send("/cancel");
    expect(refundKeyboards(u)).toEqual([]);
  });

  it("a new request started by a button takes the keyboards off the request it replaces", async () => {
    const u = bot.customer(7003);
    await u.send("/start");
    const menu = u.bot.api.showing(u.chat.id, "1|m|refund");
    await withAFile(u);
    await u.pressOn(menu, "1|m|refund");
    expect(refundKeyboards(u).map((m) => m.text)).toEqual([
      expect.stringMatching(/^What would you like/),
    ]);
  });

  it("a replayed press of an answered question leaves one live copy of the question now open", async () => {
    const u = bot.customer(7004);
    await u.send("/refund");
    const first = u.bot.api.showing(u.chat.id, '"v":"balance"');
    await u.pressOn(first, '"v":"balance"');
    const open = u.bot.api.showing(u.chat.id, '"q":"service"');
    // The same press again, as a second tap that raced the keyboard's removal arrives.
    const again = await u.pressOn(first, '"v":"balance"');
    expect(again[0]?.payload).toMatchObject({
      text: "This button is no longer active.",
      show_alert: true,
    });
    const live = refundKeyboards(u);
    expect(live.map((m) => m.text)).toEqual([open.text]);
    expect(live[0]?.id).not.toBe(open.id);
  });
});
