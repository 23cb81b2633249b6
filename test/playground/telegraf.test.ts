import { Telegraf } from "telegraf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { BOT_USER, CUSTOMERS, PLAYGROUND_TOKEN } from "../../src/playground/people.ts";
import { type PlaygroundServer, startPlaygroundServer } from "../../src/playground/server.ts";
import { type Message, telegramUser, World } from "../../src/playground/world.ts";

// Telegraf, unchanged, long-polling the local Bot API: it cannot tell it from Telegram.
const [ann] = CUSTOMERS;
let world: World;
let server: PlaygroundServer;
let bot: Telegraf;

async function nextBotMessage(chatId: number, after: number): Promise<Message> {
  for (let i = 0; i < 500; i++) {
    const m = world.messages(chatId).find((x) => x.message_id > after && x.from.is_bot);
    if (m !== undefined) return m;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error("no reply from the bot");
}

beforeAll(async () => {
  world = new World();
  server = await startPlaygroundServer({
    world,
    token: PLAYGROUND_TOKEN,
    logger: createLogger("silent"),
    port: 0,
    status: () => "ready",
    reset: async () => world.reset(),
  });
  bot = new Telegraf(PLAYGROUND_TOKEN, {
    telegram: { apiRoot: `http://127.0.0.1:${server.port}` },
  });
  bot.command("menu", async (ctx) => {
    await ctx.telegram.setMyCommands([{ command: "menu", description: "Menu" }], {
      language_code: "en",
    });
    await ctx.sendChatAction("typing");
    await ctx.reply("Pick one", {
      reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] },
    });
  });
  bot.on("callback_query", async (ctx) => {
    await ctx.answerCbQuery("Noted");
    await ctx.editMessageText("You picked yes");
  });
  bot.on("text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
  void bot.launch();
  // launch() calls getMe and deleteWebhook, then polls.
  for (let i = 0; i < 200 && bot.botInfo === undefined; i++)
    await new Promise((r) => setTimeout(r, 10));
});

afterAll(async () => {
  bot.stop("test over");
  await server.close();
});

describe("Telegraf against the local Bot API", () => {
  it("learns who it is from getMe", () => {
    expect(bot.botInfo).toMatchObject({ id: BOT_USER.id, username: BOT_USER.username });
  });

  it("receives each message by long polling and replies to it", async () => {
    // Let the bot's poll settle into its wait, so this measures a woken long poll.
    await new Promise((r) => setTimeout(r, 100));
    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const sent = world.userSends(ann.id, telegramUser(ann, "en"), `hello ${i}`);
      const reply = await nextBotMessage(ann.id, sent.message_id);
      timings.push(performance.now() - t0);
      expect(reply.text).toBe(`echo: hello ${i}`);
    }
    timings.sort((a, b) => a - b);
    // Reported, not asserted: the median round trip through HTTP and Telegraf.
    process.stdout.write(`telegraf round trip: median ${timings[10]?.toFixed(1)} ms\n`);
  });

  it("sends a keyboard, gets the callback, answers it and edits the message", async () => {
    const answers: (string | undefined)[] = [];
    const off = world.subscribe((e) => {
      if (e.type === "answered") answers.push(e.text);
    });
    const sent = world.userSends(ann.id, telegramUser(ann, "en"), "/menu");
    const pick = await nextBotMessage(ann.id, sent.message_id);
    expect(pick.reply_markup?.inline_keyboard[0]?.[0]?.callback_data).toBe("yes");
    expect(world.menuFor(ann.id, "en")).toEqual([{ command: "menu", description: "Menu" }]);
    world.userPresses(ann.id, pick.message_id, telegramUser(ann, "en"), "yes");
    for (
      let i = 0;
      i < 500 && world.message(ann.id, pick.message_id)?.edit_date === undefined;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 2));
    }
    off();
    expect(world.message(ann.id, pick.message_id)).toMatchObject({ text: "You picked yes" });
    expect(world.message(ann.id, pick.message_id)?.reply_markup).toBeUndefined();
    expect(answers).toEqual(["Noted"]);
  });
});
