import { expect } from "vitest";
import { type BotMessage, botMessages, type Emulator } from "./emulator.ts";

/** A customer in the Bot API emulator: sends messages, presses buttons, waits for replies. */
export class EmulatedCustomer {
  readonly emulator: Emulator;
  readonly id: number;
  readonly lang: string;
  readonly client: ReturnType<Emulator["getClient"]>;
  seen = 0;

  /** The chat this person writes in: their private chat, unless a group is given. */
  readonly chatId: number;

  constructor(
    emulator: Emulator,
    token: string,
    id: number,
    lang: string,
    chat: { chatId: number; type: "group" | "supergroup" } | undefined = undefined,
  ) {
    this.emulator = emulator;
    this.id = id;
    this.lang = lang;
    this.chatId = chat?.chatId ?? id;
    this.client = emulator.getClient(token, {
      userId: id,
      chatId: this.chatId,
      firstName: `C${id}`,
      type: chat?.type ?? "private",
    });
  }

  get from() {
    return { id: this.id, first_name: `C${this.id}`, is_bot: false, language_code: this.lang };
  }

  /** Waits until the bot has sent `count` new messages to this chat, and returns them. */
  async replies(count = 1, timeoutMs = 10_000): Promise<BotMessage[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const all = botMessages(this.emulator, this.chatId);
      if (all.length >= this.seen + count) {
        const fresh = all.slice(this.seen);
        this.seen += fresh.length;
        return fresh;
      }
      if (Date.now() > until) throw new Error(`no reply; last: ${JSON.stringify(all.slice(-2))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends a photo (Telegram's sizes of it, smallest first) as this person. */
  async sendPhoto(fileId: string, count = 1): Promise<BotMessage[]> {
    const { text: _none, ...message } = this.client.makeMessage("", { from: this.from });
    const size = (id: string, side: number, bytes: number) => ({
      file_id: id,
      file_unique_id: `${id}-u`,
      width: side,
      height: side,
      file_size: bytes,
    });
    await this.client.sendMessage({
      ...message,
      photo: [size(`${fileId}-s`, 90, 1_200), size(fileId, 1280, 120_000)],
    } as unknown as Parameters<typeof this.client.sendMessage>[0]);
    return this.replies(count);
  }

  async say(text: string, count = 1): Promise<BotMessage[]> {
    const from = this.from;
    if (text.startsWith("/"))
      await this.client.sendCommand(this.client.makeCommand(text, { from }));
    else await this.client.sendMessage(this.client.makeMessage(text, { from }));
    return this.replies(count);
  }

  /**
   * Presses the button whose callback data contains `fragment`, on the newest
   * message that has one (waiting for it to arrive), then waits for `count` replies.
   */
  async press(fragment: string, count = 1, timeoutMs = 10_000): Promise<BotMessage[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const messages = botMessages(this.emulator, this.chatId).reverse();
      const m = messages.find((x) => x.buttons.some((b) => b.data.includes(fragment)));
      const b = m?.buttons.find((x) => x.data.includes(fragment));
      if (m !== undefined && b !== undefined) {
        this.seen = botMessages(this.emulator, this.chatId).length;
        await this.client.sendCallback(
          this.client.makeCallbackQuery(b.data, {
            from: this.from,
            message: { message_id: m.messageId },
          }),
        );
        return this.replies(count);
      }
      if (Date.now() > until) throw new Error(`no button ${fragment}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * A refund to the balance for an SMS that never came (A4), start to finish.
 * `midway` runs between two answers (a restart of the bot, say); `photo`, a
 * file id, is sent as evidence.
 */
export async function balanceRequestScenario(
  c: EmulatedCustomer,
  midway?: () => Promise<void>,
  photo?: string,
): Promise<void> {
  expect((await c.say("/start", 2))[0]?.text).toBe(`Hello, C${c.id}! I'm the refund assistant.`);
  await c.say("/refund", 2);
  await c.press('"v":"balance"');
  await c.press('"v":"one_time"');
  await c.press('"v":"no_sms"');
  await c.press('"q":"code_shown","v":"no"');
  await midway?.();
  await c.press('"q":"restrictions","v":"yes"');
  await c.press('"q":"problem_date"');
  await c.say("ann@example.com");
  await c.say("+44 7700 900123");
  await c.say("2.50 EUR");
  await c.press('"q":"comment","v":"skip"');
  if (photo !== undefined) {
    expect((await c.sendPhoto(photo))[0]?.text).toMatch(/^Got it: file 1 of 5\./);
  }
  // Done after a photo, Skip without: either is the evidence question's button.
  const summary = await c.press('"q":"evidence"');
  // Typed "2.50 EUR", shown the reader's way.
  expect(summary.at(-1)?.text).toContain("Amount: €2.50");
  expect(summary.at(-1)?.text).toContain(photo === undefined ? "Files: —" : "Files: 1 file");
  const done = await c.press('"type":"submit"');
  expect(done.map((m) => m.text).join("\n")).toMatch(
    /^Your request #\d+ has been sent \(clause A4\)\. .*within 1–5 business days \(clause F1\), by /,
  );
  expect((await c.say("/status"))[0]?.text).toMatch(
    /#\d+ — one-time SMS number, €2\.50: waiting for review/,
  );
}

/** A payout for a rented number that stopped working with no replacement (C2), refusing a full card number. */
export async function payoutRequestScenario(c: EmulatedCustomer): Promise<void> {
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
  // A full card number is deleted from the chat and goes nowhere; the question stays asked.
  const refused = await c.say("4111 1111 1111 1111", 1);
  expect(refused[0]?.text).toContain("I've deleted your message: it held a full card number");
  await c.say("1111");
  await c.press('"q":"comment","v":"skip"');
  const summary = await c.press('"q":"evidence","v":"skip"');
  expect(summary.at(-1)?.text).not.toContain("4111 1111");
  // What is kept of the card is its last four digits.
  expect(summary.at(-1)?.text).toContain("card ending in 1111");
  const done = await c.press('"type":"submit"');
  expect(done.map((m) => m.text).join("\n")).toMatch(
    /^Your request #\d+ has been sent \(clause C2\)\. .*within 2 working days \(clause F2\), by /,
  );
  expect((await c.say("/status"))[0]?.text).toMatch(
    /#\d+ — rented number, \$12\.00: waiting for review/,
  );
}
