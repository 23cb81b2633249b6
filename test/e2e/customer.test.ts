import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BotMessage,
  BotProcess,
  botMessages,
  type Emulator,
  freePort,
  startEmulator,
  startSecretRelay,
} from "../support/emulator.ts";

// The real program (`node src/main.ts`) in webhook mode against the
// telegram-test-api emulator, over HTTP, on its own embedded database.
const TOKEN = "987654321:AAFakeTokenForTheEmulatorOnly_abcdefg";
const SECRET = "e2e-secret-token-0123456789";

let emulator: Emulator;
let relay: Awaited<ReturnType<typeof startSecretRelay>>;
let bot: BotProcess;
let botPort = 0;
const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "e2e-")), "data");

async function startBot(): Promise<void> {
  botPort = await freePort();
  bot = await BotProcess.start(
    {
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.config.apiURL,
      WEBHOOK_URL: `http://127.0.0.1:${relay.port}/telegram`,
      WEBHOOK_SECRET: SECRET,
      HTTP_PORT: String(botPort),
      DATA_DIR: dataDir,
      SUPPORT_EMAIL: "refunds@example.com",
      UNREFUNDABLE_PAYMENT_METHODS: "crypto",
      LOG_LEVEL: "info",
    },
    path.dirname(dataDir),
  );
}

beforeAll(async () => {
  emulator = await startEmulator();
  relay = await startSecretRelay(() => botPort, SECRET);
  await startBot();
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  relay?.server.close();
  await emulator?.stop();
});

class Customer {
  readonly client;
  seen = 0;
  constructor(
    readonly id: number,
    readonly lang: string,
  ) {
    this.client = emulator.getClient(TOKEN, {
      userId: id,
      chatId: id,
      firstName: `C${id}`,
      type: "private",
    });
  }

  /** Waits until the bot has sent `count` new messages to this chat, and returns them. */
  async replies(count = 1, timeoutMs = 10_000): Promise<BotMessage[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const all = botMessages(emulator, this.id);
      if (all.length >= this.seen + count) {
        // Let any message the same step sent arrive too.
        await new Promise((r) => setTimeout(r, 150));
        const fresh = botMessages(emulator, this.id).slice(this.seen);
        this.seen += fresh.length;
        return fresh;
      }
      if (Date.now() > until) throw new Error(`no reply; last: ${JSON.stringify(all.slice(-2))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async say(text: string, count = 1): Promise<BotMessage[]> {
    const from = {
      id: this.id,
      first_name: `C${this.id}`,
      is_bot: false,
      language_code: this.lang,
    };
    const message = text.startsWith("/")
      ? this.client.makeCommand(text, { from })
      : this.client.makeMessage(text, { from });
    await (text.startsWith("/")
      ? this.client.sendCommand(message)
      : this.client.sendMessage(message));
    return this.replies(count);
  }

  /** Presses the button whose callback data contains `fragment` on the newest message that has one. */
  async press(fragment: string, count = 1): Promise<BotMessage[]> {
    const messages = botMessages(emulator, this.id).reverse();
    const m = messages.find((x) => x.buttons.some((b) => b.data.includes(fragment)));
    const b = m?.buttons.find((x) => x.data.includes(fragment));
    if (m === undefined || b === undefined) throw new Error(`no button ${fragment}`);
    const from = {
      id: this.id,
      first_name: `C${this.id}`,
      is_bot: false,
      language_code: this.lang,
    };
    await this.client.sendCallback(
      this.client.makeCallbackQuery(b.data, { from, message: { message_id: m.messageId } }),
    );
    return this.replies(count);
  }
}

describe("a customer against the Bot API emulator (webhook mode)", () => {
  it("refuses webhook requests without the secret token", async () => {
    const res = await fetch(`http://127.0.0.1:${botPort}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ update_id: 1, message: { text: "/start" } }),
    });
    expect(res.status).toBe(403);
  });

  it("reports health", async () => {
    const res = await fetch(`http://127.0.0.1:${botPort}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: true,
      checks: { database: { ok: true }, telegram: { ok: true } },
    });
  });

  it("completes a refund request to the balance, survives a restart mid-way, and /status shows it", async () => {
    const c = new Customer(5001, "en");
    expect((await c.say("/start", 2))[0]?.text).toBe("Hello, C5001! I'm the refund assistant.");
    await c.say("/refund", 2);
    await c.press('"v":"balance"');
    await c.press('"v":"one_time"');
    await c.press('"v":"no_sms"');
    await c.press('"q":"code_shown","v":"no"');

    // The bot is stopped and started again in the middle of the conversation.
    expect(await bot.stop()).toBe(0);
    await startBot();

    await c.press('"q":"restrictions","v":"yes"');
    await c.press('"q":"problem_date"');
    await c.say("ann@example.com");
    await c.say("+44 7700 900123");
    await c.say("2.50 EUR");
    const summary = await c.press('"v":"skip"');
    expect(summary.at(-1)?.text).toContain("2.50");
    const done = await c.press('"type":"submit"', 2);
    expect(done.map((m) => m.text).join("\n")).toMatch(
      /request #1 is in\..*5 business days \(clause F1\)/s,
    );
    const status = await c.say("/status");
    expect(status[0]?.text).toMatch(/#1 — one-time SMS number, 2\.50 EUR: waiting for review/);
  });

  it("completes a payout request, refusing a full card number and keeping only the last four digits", async () => {
    const c = new Customer(5002, "en");
    await c.say("/refund", 2);
    await c.press('"v":"payout"');
    await c.press('"v":"rented"');
    await c.press('"v":"not_working"');
    await c.press('"q":"replacement","v":"no"');
    await c.press('"q":"paid_date"');
    await c.say("bob@example.com");
    await c.say("+44 7700 900456");
    await c.say("12.00 USD");
    await c.press('"v":"card"');
    const refused = await c.say("4111 1111 1111 1111", 2);
    expect(refused[0]?.text).toContain("never store card numbers");
    await c.say("1111");
    const summary = await c.press('"v":"skip"');
    expect(summary.at(-1)?.text).not.toContain("4111 1111");
    const done = await c.press('"type":"submit"', 2);
    expect(done.map((m) => m.text).join("\n")).toMatch(
      /request #2 is in\..*2 working days \(clause F2\)/s,
    );
    expect((await c.say("/status"))[0]?.text).toMatch(
      /#2 — rented number, 12\.00 USD: waiting for review/,
    );
  });
});
