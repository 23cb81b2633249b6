import { once } from "node:events";
import { createServer } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import {
  BOT_USER,
  CUSTOMERS,
  PLAYGROUND_TOKEN,
  STAFF,
  STAFF_GROUP,
} from "../../src/playground/people.ts";
import { type PlaygroundServer, startPlaygroundServer } from "../../src/playground/server.ts";
import { startWebhookDelivery } from "../../src/playground/webhook.ts";
import { telegramUser, World } from "../../src/playground/world.ts";

// The local Bot API against Telegram's contract, over real HTTP.
const [ann, boris] = CUSTOMERS;
const [sam] = STAFF;
let world: World;
let server: PlaygroundServer;
let root: string;

async function api(method: string, params: Record<string, unknown> = {}, token = PLAYGROUND_TOKEN) {
  const res = await fetch(`${root}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { result?: never },
  };
}

async function form(method: string, params: Record<string, string>) {
  const res = await fetch(`${root}/bot${PLAYGROUND_TOKEN}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function result<T>(r: { body: Record<string, unknown> }): T {
  expect(r.body.ok).toBe(true);
  return r.body.result as T;
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
  root = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  world.reset();
});

describe("errors, as Telegram shapes them", () => {
  it("answers getMe, with method names case-insensitive", async () => {
    expect(result(await api("getMe"))).toMatchObject({ id: BOT_USER.id, is_bot: true });
    expect(result(await api("GETME"))).toMatchObject({ username: BOT_USER.username });
  });

  it("refuses another token with 401 and an unknown method with 404", async () => {
    expect(await api("getMe", {}, "1:wrong")).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: "Unauthorized" },
    });
    expect(await api("sendSticker")).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: "Not Found: method not found" },
    });
  });

  it("answers bad parameters with 400 and Telegram's description", async () => {
    const bad = async (method: string, params: Record<string, unknown>) => {
      const r = await api(method, params);
      expect(r.status).toBe(400);
      expect(r.body.ok).toBe(false);
      expect(r.body.error_code).toBe(400);
      return r.body.description;
    };
    expect(await bad("sendMessage", { text: "hi" })).toBe("Bad Request: chat_id is empty");
    expect(await bad("sendMessage", { chat_id: ann.id })).toBe(
      "Bad Request: message text is empty",
    );
    expect(await bad("sendMessage", { chat_id: 42, text: "hi" })).toBe(
      "Bad Request: chat not found",
    );
    expect(await bad("sendMessage", { chat_id: ann.id, text: "x".repeat(4097) })).toBe(
      "Bad Request: message is too long",
    );
    expect(
      await bad("sendMessage", {
        chat_id: ann.id,
        text: "hi",
        reply_markup: { inline_keyboard: [[{ text: "b", callback_data: "x".repeat(65) }]] },
      }),
    ).toBe("Bad Request: BUTTON_DATA_INVALID");
    expect(await bad("sendChatAction", { chat_id: ann.id, action: "dancing" })).toBe(
      "Bad Request: wrong parameter action in request",
    );
    expect(await bad("answerCallbackQuery", { callback_query_id: "123" })).toMatch(
      /query is too old/,
    );
    expect(await bad("getUpdates", { offset: "soon" })).toBe(
      'Bad Request: parameter "offset" is invalid',
    );
  });

  it("reads form-encoded bodies, with nested objects as JSON text", async () => {
    const m = result<{ chat: { id: number }; reply_markup: unknown }>(
      await form("sendMessage", {
        chat_id: String(ann.id),
        text: "form",
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }),
      }),
    );
    expect(m.chat.id).toBe(ann.id);
    expect(m.reply_markup).toEqual({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] });
  });
});

describe("messages", () => {
  it("counts message ids per chat, shared by the person and the bot", async () => {
    const ids = async (chatId: number) =>
      result<{ message_id: number }>(await api("sendMessage", { chat_id: chatId, text: "x" }))
        .message_id;
    expect(await ids(ann.id)).toBe(1);
    expect(await ids(ann.id)).toBe(2);
    expect(await ids(boris.id)).toBe(1);
    expect(world.userSends(ann.id, telegramUser(ann, "en"), "hello").message_id).toBe(3);
    expect(await ids(STAFF_GROUP.id)).toBe(1);
    const m = result<{ chat: unknown; date: number }>(
      await api("sendMessage", { chat_id: STAFF_GROUP.id, text: "y" }),
    );
    expect(m.chat).toEqual({ ...STAFF_GROUP });
    // Seconds, as Telegram counts them.
    expect(Math.abs(m.date - Date.now() / 1000)).toBeLessThan(5);
  });

  it("edits text and keyboard, refuses a no-op edit, and deletes", async () => {
    const keyboard = { inline_keyboard: [[{ text: "A", callback_data: "a" }]] };
    const sent = result<{ message_id: number }>(
      await api("sendMessage", { chat_id: ann.id, text: "one", reply_markup: keyboard }),
    );
    const target = { chat_id: ann.id, message_id: sent.message_id };
    // Editing the text without a keyboard removes the keyboard, as Telegram does.
    const edited = result<Record<string, unknown>>(
      await api("editMessageText", { ...target, text: "two" }),
    );
    expect(edited).toMatchObject({ text: "two", message_id: sent.message_id });
    expect(edited.reply_markup).toBeUndefined();
    expect(typeof edited.edit_date).toBe("number");
    const again = await api("editMessageText", { ...target, text: "two" });
    expect(again.status).toBe(400);
    expect(again.body.description).toMatch(/^Bad Request: message is not modified/);
    expect(
      result(await api("editMessageReplyMarkup", { ...target, reply_markup: keyboard })),
    ).toMatchObject({ reply_markup: keyboard });
    expect(
      (await api("editMessageText", { chat_id: ann.id, message_id: 99, text: "z" })).body
        .description,
    ).toBe("Bad Request: message to edit not found");
    expect(result(await api("deleteMessage", target))).toBe(true);
    expect((await api("deleteMessage", target)).body.description).toBe(
      "Bad Request: message to delete not found",
    );
  });

  it("answers a callback query once", async () => {
    const sent = result<{ message_id: number }>(
      await api("sendMessage", {
        chat_id: ann.id,
        text: "pick",
        reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
      }),
    );
    const queryId = world.userPresses(ann.id, sent.message_id, telegramUser(ann, "en"), "a");
    const [u] = result<{ callback_query: Record<string, unknown> }[]>(await api("getUpdates"));
    expect(u?.callback_query).toMatchObject({
      id: queryId,
      data: "a",
      message: { message_id: sent.message_id },
    });
    expect(
      result(await api("answerCallbackQuery", { callback_query_id: queryId, text: "ok" })),
    ).toBe(true);
    expect((await api("answerCallbackQuery", { callback_query_id: queryId })).status).toBe(400);
  });
});

describe("photos", () => {
  it("delivers a customer's photo without text, and copyMessage sends it on with its file", async () => {
    const png = Buffer.from("not really a png");
    const sent = world.userSendsPhoto(ann.id, telegramUser(ann, "en"), png, {
      width: 36,
      height: 22,
    });
    const [u] = result<{ message: Record<string, unknown> }[]>(await api("getUpdates"));
    expect(u?.message.text).toBeUndefined();
    expect(u?.message.photo).toEqual([
      expect.objectContaining({ width: 36, height: 22, file_size: png.length }),
    ]);
    const copy = result<{ message_id: number }>(
      await api("copyMessage", {
        chat_id: STAFF_GROUP.id,
        from_chat_id: ann.id,
        message_id: sent.message_id,
      }),
    );
    const copied = world.message(STAFF_GROUP.id, copy.message_id);
    expect(copied?.from.is_bot).toBe(true);
    const fileId = copied?.photo?.[0]?.file_id ?? "";
    expect(world.file(fileId)).toEqual(png);
    expect(
      (await api("copyMessage", { chat_id: STAFF_GROUP.id, from_chat_id: ann.id, message_id: 999 }))
        .status,
    ).toBe(400);
  });
});

describe("getUpdates", () => {
  it("keeps updates until a later offset confirms them, and honours limit", async () => {
    for (const t of ["a", "b", "c"]) world.userSends(ann.id, telegramUser(ann, "en"), t);
    const all = result<{ update_id: number; message: { text: string } }[]>(await api("getUpdates"));
    expect(all.map((u) => u.message.text)).toEqual(["a", "b", "c"]);
    // Not confirmed yet: the same updates again.
    expect(result<unknown[]>(await api("getUpdates"))).toHaveLength(3);
    const first = all[0]?.update_id ?? 0;
    const two = result<{ update_id: number }[]>(
      await api("getUpdates", { offset: first + 1, limit: 1 }),
    );
    expect(two.map((u) => u.update_id)).toEqual([first + 1]);
    expect(result<unknown[]>(await api("getUpdates", { offset: -1 }))).toHaveLength(1);
    expect(result<unknown[]>(await api("getUpdates", { offset: first + 3 }))).toEqual([]);
  });

  it("holds the request until an update arrives (long polling), and answers [] at the timeout", async () => {
    let answered = false;
    const polled = api("getUpdates", { timeout: 10 }).finally(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    // Nothing to give yet: the request is held, not answered empty.
    expect(answered).toBe(false);
    world.userSends(ann.id, telegramUser(ann, "en"), "now");
    const got = result<{ message: { text: string } }[]>(await polled);
    expect(got.map((u) => u.message.text)).toEqual(["now"]);

    let timedOut = false;
    const offset = (got[0] as unknown as { update_id: number }).update_id + 1;
    const empty = api("getUpdates", { offset, timeout: 1 }).finally(() => {
      timedOut = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(timedOut).toBe(false);
    expect(result(await empty)).toEqual([]);
  });

  it("ends a waiting poll with 409 when another one starts, and refuses polling while a webhook is set", async () => {
    const first = api("getUpdates", { timeout: 5 });
    await new Promise((r) => setTimeout(r, 100));
    const second = api("getUpdates", { timeout: 1 });
    expect(await first).toMatchObject({ status: 409, body: { error_code: 409 } });
    expect(result(await second)).toEqual([]);

    expect(result(await api("setWebhook", { url: "http://127.0.0.1:1/hook" }))).toBe(true);
    expect(result(await api("getWebhookInfo"))).toMatchObject({ url: "http://127.0.0.1:1/hook" });
    const r = await api("getUpdates");
    expect(r.status).toBe(409);
    expect(r.body.description).toMatch(/webhook is active/);
    expect(result(await api("deleteWebhook", { drop_pending_updates: true }))).toBe(true);
    expect(result(await api("getUpdates"))).toEqual([]);
  });

  it("delivers only commands and replies to the bot from a group (privacy mode)", async () => {
    const from = telegramUser(sam, "en");
    const prompt = result<{ message_id: number }>(
      await api("sendMessage", { chat_id: STAFF_GROUP.id, text: "Why?" }),
    );
    world.userSends(STAFF_GROUP.id, from, "chatting among staff");
    world.userSends(STAFF_GROUP.id, from, "/queue");
    world.userSends(STAFF_GROUP.id, from, "/queue@other_bot");
    world.userSends(STAFF_GROUP.id, from, "a reason", prompt.message_id);
    const got = result<
      { message: { text: string; entities?: unknown; reply_to_message?: unknown } }[]
    >(await api("getUpdates"));
    expect(got.map((u) => u.message.text)).toEqual(["/queue", "a reason"]);
    expect(got[0]?.message.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    expect(got[1]?.message.reply_to_message).toMatchObject({ message_id: prompt.message_id });
  });
});

describe("command menus", () => {
  it("keeps one menu per scope and language, and resolves the one an app shows", async () => {
    const en = [{ command: "start", description: "Start" }];
    const ru = [{ command: "start", description: "Начать" }];
    expect(result(await api("setMyCommands", { commands: en }))).toBe(true);
    expect(
      result(await form("setMyCommands", { commands: JSON.stringify(ru), language_code: "ru" })),
    ).toBe(true);
    expect(result(await api("getMyCommands", { language_code: "ru" }))).toEqual(ru);
    expect(result(await api("getMyCommands"))).toEqual(en);
    expect(result(await api("getMyCommands", { language_code: "uk" }))).toEqual([]);
    expect(world.menuFor(ann.id, "ru")).toEqual(ru);
    expect(world.menuFor(ann.id, "uk")).toEqual(en);
    const bad = await api("setMyCommands", {
      commands: [{ command: "Bad Command", description: "x" }],
    });
    expect(bad.body.description).toBe("Bad Request: BOT_COMMAND_INVALID");
  });
});

describe("webhook delivery", () => {
  it("POSTs each update in order with the secret token until the bot answers 2xx", async () => {
    const seen: { secret: unknown; text: string }[] = [];
    let failOnce = true;
    const hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += String(c);
      });
      req.on("end", () => {
        if (failOnce) {
          failOnce = false;
          res.writeHead(500).end();
          return;
        }
        const u = JSON.parse(body) as { message: { text: string } };
        seen.push({ secret: req.headers["x-telegram-bot-api-secret-token"], text: u.message.text });
        res.writeHead(200).end();
      });
    });
    hook.listen(0, "127.0.0.1");
    await once(hook, "listening");
    const port = (hook.address() as { port: number }).port;
    const delivery = startWebhookDelivery(world, createLogger("silent"), 50);
    try {
      await api("setWebhook", { url: `http://127.0.0.1:${port}/hook`, secret_token: "s3cret" });
      world.userSends(ann.id, telegramUser(ann, "en"), "one");
      world.userSends(ann.id, telegramUser(ann, "en"), "two");
      // The hook records an update before its 200 reaches the delivery, which confirms it then.
      for (let i = 0; i < 100 && (seen.length < 2 || world.updates.pendingCount > 0); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([
        { secret: "s3cret", text: "one" },
        { secret: "s3cret", text: "two" },
      ]);
      expect(world.updates.pendingCount).toBe(0);
    } finally {
      await delivery.stop();
      hook.close();
    }
  });
});
