import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BotProcess,
  botMessages,
  type Emulator,
  freePort,
  startEmulator,
  startSecretRelay,
} from "../support/emulator.ts";
import {
  balanceRequestScenario,
  EmulatedCustomer,
  payoutRequestScenario,
} from "../support/scenario.ts";

// The real program (`node src/main.ts`) in webhook mode against the
// telegram-test-api emulator, over HTTP, on its own embedded database, once
// with each bot framework an operator can choose (BOT_FRAMEWORK).
const TOKEN = "987654321:AAFakeTokenForTheEmulatorOnly_abcdefg";
const SECRET = "e2e-secret-token-0123456789";
const STAFF_GROUP = -1001234567;
const STAFF_MEMBER = 7001;

describe.each(["telegraf", "grammy"] as const)("on %s", (framework) => {
  let emulator: Emulator;
  let relay: Awaited<ReturnType<typeof startSecretRelay>>;
  let bot: BotProcess;
  let botPort = 0;
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), `e2e-${framework}-`)), "data");

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
        ADMIN_IDS: String(STAFF_MEMBER),
        STAFF_CHAT_ID: String(STAFF_GROUP),
        LOG_LEVEL: "info",
        BOT_FRAMEWORK: framework,
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

    it("completes a refund request to the balance, surviving a restart of the bot mid-way", async () => {
      const c = new EmulatedCustomer(emulator, TOKEN, 5001, "en");
      await balanceRequestScenario(c, async () => {
        expect(await bot.stop()).toBe(0);
        await startBot();
      });
    });

    it("completes a payout request, refusing a full card number and keeping only the last four digits", async () => {
      await payoutRequestScenario(new EmulatedCustomer(emulator, TOKEN, 5002, "en"));
    });

    it("a case is posted to the staff group with the customer's photo, claimed and approved there, and the customer is told", async () => {
      const customer = new EmulatedCustomer(emulator, TOKEN, 5003, "en");
      await balanceRequestScenario(customer, undefined, "AgACAgQAAxkBAAIBe2e3photo");
      const c = await waitForCard();
      // The photo follows its card into the group, copied from the customer's message.
      const after = botMessages(emulator, STAFF_GROUP);
      const at = after.findIndex((m) => m.buttons.some((b) => b.data === `1|s|claim|${c}`));
      expect(after[at]?.text).toContain("📎 Files: 1");
      await until(() =>
        botMessages(emulator, STAFF_GROUP)
          .slice(at + 1)
          .some((m) => m.text.startsWith("copy of 5003/")),
      );
      const staff = new EmulatedCustomer(emulator, TOKEN, STAFF_MEMBER, "en", {
        chatId: STAFF_GROUP,
        type: "supergroup",
      });
      const card = () => cardOf(c);
      const before = botMessages(emulator, STAFF_GROUP).length;
      // A press answers with a notice and edits the card in place: no new message in the group.
      await staff.press(`1|s|claim|${c}`, 0);
      await until(() => card()?.text.includes("State: in review") === true);
      expect(card()?.buttons.map((b) => b.data)).toEqual([
        `1|s|approve|${c}`,
        `1|s|reject|${c}`,
        `1|s|ask|${c}`,
        `1|s|release|${c}`,
      ]);
      expect(card()?.text).toContain(`Claimed by: `);
      await staff.press(`1|s|approve|${c}`);
      await staff.press(`1|s|confirm|${c}`, 0);
      const told = await customer.replies(1);
      expect(told.map((m) => m.text).join("\n")).toContain(
        `Good news: your request #${c} is approved.`,
      );
      await until(() => card()?.text.includes("State: approved") === true);
      expect(card()?.buttons.map((b) => b.data)).toEqual([`1|s|done|${c}`]);
      // The group gained only the D3 question, which has lost its button now it is answered.
      const added = botMessages(emulator, STAFF_GROUP).slice(before);
      expect(added.map((m) => m.text.startsWith(`Before approving case #${c},`))).toEqual([true]);
      await until(() => botMessages(emulator, STAFF_GROUP).slice(before)[0]?.buttons.length === 0);
    }, 120_000);

    /** The case's card in the staff group, as it stands now (edits included). */
    function cardOf(caseId: number) {
      return botMessages(emulator, STAFF_GROUP).find((m) =>
        m.text.includes(`Case #${caseId} — refund`),
      );
    }

    async function until(done: () => boolean): Promise<void> {
      for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(done()).toBe(true);
    }

    /** The number of the newest case card in the staff group. */
    async function waitForCard(): Promise<number> {
      for (let i = 0; i < 200; i++) {
        const card = botMessages(emulator, STAFF_GROUP)
          .reverse()
          .flatMap((m) => m.buttons)
          .find((b) => b.data.startsWith("1|s|claim|"));
        if (card !== undefined) return Number(card.data.split("|")[3]);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("no case card in the staff group");
    }
  });
});
