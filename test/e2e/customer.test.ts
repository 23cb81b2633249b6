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
      // Paced as Telegram allows a chat (about a message a second), a request takes ~30 s.
    }, 120_000);

    it("completes a payout request, refusing a full card number and keeping only the last four digits", async () => {
      await payoutRequestScenario(new EmulatedCustomer(emulator, TOKEN, 5002, "en"));
    }, 120_000);

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
        `1|s|files|${c}`,
      ]);
      expect(card()?.text).toContain(`Claimed by: `);
      await staff.press(`1|s|approve|${c}`);
      await staff.press(`1|s|confirm|${c}`, 0);
      const told = await customer.replies(1);
      expect(told.map((m) => m.text).join("\n")).toContain(
        `Good news: your request #${c} is approved.`,
      );
      await until(() => card()?.text.includes("State: approved") === true);
      expect(card()?.buttons.map((b) => b.data)).toEqual([`1|s|done|${c}`, `1|s|files|${c}`]);
      // The group gained only the D3 question, which has lost its button now it is answered.
      const added = botMessages(emulator, STAFF_GROUP).slice(before);
      expect(added.map((m) => m.text.startsWith(`Before approving case #${c},`))).toEqual([true]);
      await until(() => botMessages(emulator, STAFF_GROUP).slice(before)[0]?.buttons.length === 0);
    }, 120_000);

    it("helpdesk: a note, a saved reply, done, the customer's rating and comment, /find and /stats", async () => {
      const customer = new EmulatedCustomer(emulator, TOKEN, 5004, "en");
      await balanceRequestScenario(customer);
      const c = await waitForCard();
      const group = new EmulatedCustomer(emulator, TOKEN, STAFF_MEMBER, "en", {
        chatId: STAFF_GROUP,
        type: "supergroup",
      });
      // Commands in the staff member's private chat: the group is paced to 20 messages a minute.
      const staff = new EmulatedCustomer(emulator, TOKEN, STAFF_MEMBER, "en");
      staff.seen = botMessages(emulator, STAFF_MEMBER).length;
      const text = (ms: { text: string }[]) => ms.map((m) => m.text).join("\n");
      expect(text(await staff.say(`/note ${c} paid from the ledger`))).toContain(
        `Internal note added to case #${c}.`,
      );
      expect(text(await staff.say("/replies add thanks Thank you for your patience."))).toBe(
        "Saved reply :thanks added.",
      );
      // Each press answers with a notice and edits the card: no new message but the D3 question.
      await group.press(`1|s|claim|${c}`, 0);
      await until(() => cardOf(c)?.text.includes("State: in review") === true);
      await group.press(`1|s|approve|${c}`);
      await group.press(`1|s|confirm|${c}`, 0);
      await until(() => cardOf(c)?.text.includes("State: approved") === true);
      expect(text(await staff.say(`/done ${c}`))).toContain(`Case #${c} is done.`);
      // Approved, done, and the ask for a rating with its five stars.
      const told = await customer.replies(3);
      expect(told.at(-1)?.text).toBe(
        `How did we handle request #${c}? Please rate it from 1 to 5 stars:`,
      );
      expect(told.at(-1)?.buttons.map((b) => b.data)).toEqual(
        [1, 2, 3, 4, 5].map((n) => `1|v|${c}|${n}`),
      );
      expect(text(await customer.press(`1|v|${c}|5`))).toContain(`You rated request #${c} 5 ★.`);
      // The question keeps the choice and loses its stars: it is answered.
      await until(
        () =>
          botMessages(emulator, 5004).find((m) =>
            m.text.startsWith(`How did we handle request #${c}?`),
          )?.buttons.length === 0,
      );
      expect(text(await customer.say("/comment Quick and clear."))).toContain(
        `your comment on request #${c} has reached our team`,
      );
      // Staff are told of every comment, and the card shows the rating with it.
      await until(() =>
        text(botMessages(emulator, STAFF_GROUP)).includes(
          `The customer commented on case #${c} (5 ★): “Quick and clear.”`,
        ),
      );
      await until(() => cardOf(c)?.text.includes("⭐ Customer's rating: 5 ★") === true);
      const found = await staff.say(`/find #${c}`);
      expect(found[0]?.buttons.map((b) => b.data)).toContain(`1|s|view|${c}`);
      expect(text(await staff.say("/stats"))).toContain(
        "Ratings this week: 5.0 ★ on average, 1 in all",
      );
      expect(text(await staff.say(`/case ${c}`))).toContain("paid from the ledger");
      expect(text(botMessages(emulator, 5004))).not.toContain("ledger");
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
