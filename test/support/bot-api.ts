import { type BotApi, BotApiError } from "../../src/transport/bot-api.ts";

export interface Call {
  method: string;
  payload: Record<string, unknown>;
  /** the message_id Telegram gave a sent message */
  messageId?: number;
}

/**
 * Telegram's side of the Bot API for in-process tests: records every call and
 * answers as Telegram would, or with the failure a test scripts.
 */
export class RecordingBotApi implements BotApi {
  readonly calls: Call[] = [];
  #nextMessageId = 1;
  /** a scripted failure for the next calls that match */
  readonly failures: { when: (c: Call) => boolean; error: BotApiError; times: number }[] = [];

  async call(method: string, payload: Record<string, unknown>): Promise<unknown> {
    const c = { method, payload };
    const f = this.failures.find((x) => x.times > 0 && x.when(c));
    if (f !== undefined) {
      f.times -= 1;
      throw f.error;
    }
    this.calls.push(c);
    if (method === "sendMessage") {
      const messageId = this.#nextMessageId++;
      this.calls[this.calls.length - 1] = { ...c, messageId };
      return { message_id: messageId, date: 0, chat: { id: payload.chat_id } };
    }
    return true;
  }

  failNext(error: BotApiError, when: (c: Call) => boolean = () => true, times = 1): void {
    this.failures.push({ when, error, times });
  }

  /** The texts sent to one chat, in order. */
  textsTo(chatId: bigint | number): string[] {
    return this.calls
      .filter((c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(chatId))
      .map((c) => String(c.payload.text));
  }
}

export { BotApiError };
