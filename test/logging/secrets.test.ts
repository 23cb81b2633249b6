import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { ADMIN, pressWith, STAFF_ENV, STAFF_GROUP, send } from "../staff/helpers.ts";
import { TestBot, TOKEN } from "../support/bot.ts";
import { BotApiError } from "../support/bot-api.ts";
import { BotProcess, freePort, startEmulator, startSecretRelay } from "../support/emulator.ts";

// Secrets stay secret: every log line of a whole run, at level trace, is
// captured and searched for what must never be logged.
const WEBHOOK_SECRET = "Wh-secret_9f8e7d6c5b4a39281706";
const TYPED_CARD = "4000 0566 5566 5556";
const IBAN = "DE89 3704 0044 0532 0130 00";
const PAYPAL = "hidden.payee@paypal-example.org";
const ACCOUNT = "customer.login.73@example.net";
const PHONE = "+44 7700 900777";

/** What no log line may contain, in every spelling the bot might write it. */
const FORBIDDEN = [
  TOKEN,
  TOKEN.split(":")[1] ?? TOKEN,
  WEBHOOK_SECRET,
  TYPED_CARD,
  TYPED_CARD.replaceAll(" ", ""),
  IBAN,
  IBAN.replaceAll(" ", ""),
  PAYPAL,
  ACCOUNT,
  PHONE,
  PHONE.replaceAll(" ", ""),
];

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

function leaks(lines: string[]): { secret: string; line: string }[] {
  return lines.flatMap((line) =>
    FORBIDDEN.filter((s) => line.includes(s)).map((secret) => ({ secret, line })),
  );
}

describe("no secret reaches the logs", () => {
  const log = capture();
  let bot: TestBot;

  beforeAll(async () => {
    bot = await TestBot.create(
      "pglite",
      {
        ...STAFF_ENV,
        WEBHOOK_URL: "https://bot.example.com/telegram",
        WEBHOOK_SECRET,
        LOG_LEVEL: "trace",
      },
      { logger: createLogger("trace", log.stream) },
    );
  });
  afterAll(async () => {
    await bot?.close();
  });

  /** A payout request up to the summary; `details` answers the method's question. */
  async function payoutRequest(id: number, method: string, details: string[]): Promise<number> {
    const u = bot.customer(id);
    let rs = await send(u, "/refund");
    const step = async (part: string) => {
      rs = (await pressWith(u, rs, part)).replies;
    };
    await step('"v":"payout"');
    await step('"v":"rented"');
    await step('"v":"not_working"');
    await step('"q":"replacement","v":"no"');
    await step('"q":"paid_date"');
    rs = await send(u, ACCOUNT);
    rs = await send(u, PHONE);
    rs = await send(u, "12.00 USD");
    await step(`"v":"${method}"`);
    for (const d of details) rs = await send(u, d);
    await step('"q":"comment","v":"skip"');
    await step('"q":"evidence","v":"skip"');
    await step('"type":"submit"');
    const m = /#(\d+)/.exec(rs.map((r) => r.text).join("\n"));
    if (m?.[1] === undefined) throw new Error(`no case number in ${JSON.stringify(rs)}`);
    return Number(m[1]);
  }

  it("a whole run with payouts, staff review, a 429, a 403 and a failing handler", async () => {
    // A card (the full number typed first, refused), a bank transfer, PayPal.
    const card = await payoutRequest(8001, "card", [TYPED_CARD, "5556"]);
    const bank = await payoutRequest(8002, "bank", [IBAN]);

    // A handler that fails: the database refuses the case row (its error
    // carries the row, payout details included) three times, then the update is
    // set aside and the customer told.
    await bot.db.prisma.$executeRawUnsafe(
      `ALTER TABLE "RefundCase" ADD CONSTRAINT fuzz_refuse CHECK ("amount" < 0) NOT VALID`,
    );
    await expect(payoutRequest(8003, "paypal", [PAYPAL])).rejects.toThrow(/no case number/);
    await bot.db.prisma.$executeRawUnsafe(`ALTER TABLE "RefundCase" DROP CONSTRAINT fuzz_refuse`);
    const paypal = await payoutRequest(8004, "paypal", [PAYPAL]);

    // Staff review in the group and in a private chat, where the holder sees the full details.
    const staff = bot.member(ADMIN, STAFF_GROUP);
    const admin = bot.customer(ADMIN);
    for (const n of [card, bank, paypal]) {
      await staff.press(`1|s|claim|${n}`);
      await staff.press(`1|s|approve|${n}`);
      await staff.press(`1|s|confirm|${n}`);
      await admin.send(`/case ${n}`);
    }
    expect(bot.api.textsTo(ADMIN).join("\n")).toContain(IBAN.replaceAll(" ", ""));

    // Telegram says 429 to the next message, then 403 (blocked) to another chat's.
    bot.api.failNext(new BotApiError(429, "Too Many Requests: retry after 1", 1));
    await admin.send(`/done ${card}`);
    bot.api.failNext(
      new BotApiError(403, "Forbidden: bot was blocked by the user"),
      (c) => String(c.payload.chat_id) === "8002",
    );
    await admin.send(`/done ${bank}`);
    // Telegram unreachable, the error naming the URL with the token in it.
    bot.api.failNext(
      new BotApiError(0, `request to https://api.telegram.org/bot${TOKEN}/sendMessage failed`),
    );
    await admin.send(`/done ${paypal}`);
    await bot.flush();

    const text = log.lines.join("\n");
    expect(text).toContain("rate limited by Telegram");
    expect(text).toContain("chat unreachable");
    expect(text).toContain("processing an update failed");
    expect(log.lines.length).toBeGreaterThan(10);
    expect(leaks(log.lines)).toEqual([]);
  });
});

describe("the entry point's own logging", () => {
  it("starts, refuses a forged webhook request, serves /metrics and stops at level trace without logging the token or the secret", async () => {
    const emulator = await startEmulator();
    let botPort = 0;
    const relay = await startSecretRelay(() => botPort, WEBHOOK_SECRET);
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "secrets-")), "data");
    botPort = await freePort();
    const bot = await BotProcess.start(
      {
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: emulator.config.apiURL,
        WEBHOOK_URL: `http://127.0.0.1:${relay.port}/telegram`,
        WEBHOOK_SECRET,
        HTTP_PORT: String(botPort),
        DATA_DIR: dataDir,
        SUPPORT_EMAIL: "refunds@example.com",
        LOG_LEVEL: "trace",
      },
      path.dirname(dataDir),
    );
    try {
      const forged = await fetch(`http://127.0.0.1:${botPort}/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong" },
        body: JSON.stringify({ update_id: 1 }),
      });
      expect(forged.status).toBe(403);
      const scraped = await fetch(`http://127.0.0.1:${botPort}/metrics`);
      expect(scraped.status).toBe(200);
      const metrics = await scraped.text();
      expect(metrics).toContain("refund_outbox_pending 0");
      expect(FORBIDDEN.filter((s) => metrics.includes(s))).toEqual([]);
    } finally {
      expect(await bot.stop()).toBe(0);
      relay.server.close();
      await emulator.stop();
    }
    expect(bot.output.some((l) => l.includes("refund assistant running"))).toBe(true);
    expect(leaks(bot.output)).toEqual([]);
  }, 60_000);
});
