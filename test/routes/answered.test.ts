import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestBot } from "../support/bot.ts";
import type { Call } from "../support/bot-api.ts";
import { databaseKinds } from "../support/database.ts";

const ANN = 6100;

/** A press on a button of a message the bot sent, as Telegram delivers it: with the message as shown. */
function pressOn(bot: TestBot, sent: Call, data: string) {
  return bot.deliver({
    update_id: bot.nextUpdateId(),
    callback_query: {
      id: `cq${bot.nextUpdateId()}`,
      from: { id: ANN, is_bot: false, first_name: "Ann", language_code: "en" },
      chat_instance: "x",
      message: {
        message_id: sent.messageId,
        date: 0,
        chat: { id: ANN, type: "private" },
        text: sent.payload.text,
        reply_markup: sent.payload.reply_markup,
      },
      data,
    },
  });
}

function keyboardOf(c: Call): { text: string; callback_data: string }[] {
  const markup = c.payload.reply_markup as {
    inline_keyboard: { text: string; callback_data: string }[][];
  };
  return markup.inline_keyboard.flat();
}

describe.each(databaseKinds)("a pressed button's message (%s)", (kind) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.create(kind);
  });
  afterAll(async () => {
    await bot.close();
  });

  it("an answered question keeps the choice and loses its keyboard; the next question follows", async () => {
    const start = await bot.deliver(bot.customer(ANN).message({ text: "/refund" }));
    const question = start.find(
      (c) => c.method === "sendMessage" && c.payload.reply_markup !== undefined,
    );
    if (question === undefined) throw new Error("no question with buttons");
    const choice = keyboardOf(question)[0];
    if (choice === undefined) throw new Error("a question without buttons");
    const calls = await pressOn(bot, question, choice.callback_data);
    expect(calls.map((c) => c.method).slice(0, 3)).toEqual([
      "answerCallbackQuery",
      "editMessageText",
      "sendMessage",
    ]);
    const edit = calls[1];
    expect(edit?.payload).toEqual({
      chat_id: String(ANN),
      message_id: question.messageId,
      text: `${String(question.payload.text)}\n\n✓ ${choice.text}`,
      reply_markup: { inline_keyboard: [] },
    });
  });

  it("a press on an outdated keyboard gets a pop-up, and that keyboard is removed", async () => {
    const calls = await bot.deliver(bot.customer(ANN).message({ text: "/refund" }));
    const question = calls.find(
      (c) => c.method === "sendMessage" && c.payload.reply_markup !== undefined,
    );
    if (question === undefined) throw new Error("no question with buttons");
    await bot.deliver(bot.customer(ANN).message({ text: "/cancel" }));
    const data = keyboardOf(question)[0]?.callback_data ?? "";
    const late = await pressOn(bot, question, data);
    expect(late[0]).toMatchObject({
      method: "answerCallbackQuery",
      payload: { text: "This button is no longer active.", show_alert: true },
    });
    expect(late[1]).toMatchObject({
      method: "editMessageReplyMarkup",
      payload: { message_id: question.messageId, reply_markup: { inline_keyboard: [] } },
    });
  });
});
