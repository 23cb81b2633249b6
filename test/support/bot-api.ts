import { type BotApi, BotApiError } from "../../src/transport/bot-api.ts";

export interface Call {
  method: string;
  payload: Record<string, unknown>;
  /** the message_id Telegram gave a sent message */
  messageId?: number;
}

/** An inline keyboard's rows, as Telegram shows them and sends them back with a press. */
export type Keyboard = { text: string; callback_data: string }[][];

export interface ShownMessage {
  id: number;
  text: string;
  /** a caption set by editMessageCaption */
  caption?: string;
  /** its inline keyboard, empty when it shows none */
  keyboard: Keyboard;
}

function keyboardOf(payload: Record<string, unknown>): Keyboard {
  const markup = payload.reply_markup as { inline_keyboard?: Keyboard } | undefined;
  return markup?.inline_keyboard ?? [];
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
    // Telegram gives every message the bot posts an id: a text, a copy, a file.
    if (method === "sendMessage" || method === "copyMessage" || method === "sendDocument") {
      const messageId = this.#nextMessageId++;
      this.calls[this.calls.length - 1] = { ...c, messageId };
      return { message_id: messageId, date: 0, chat: { id: payload.chat_id } };
    }
    return true;
  }

  failNext(error: BotApiError, when: (c: Call) => boolean = () => true, times = 1): void {
    this.failures.push({ when, error, times });
  }

  /**
   * One chat as its members see it now: each message the bot posted there and
   * still shows, after every edit and deletion (a copy shows what it copied).
   */
  view(chatId: bigint | number): ShownMessage[] {
    const chat = String(chatId);
    const shown = new Map<number, ShownMessage>();
    for (const c of this.calls) {
      if (String(c.payload.chat_id) !== chat) continue;
      const id = c.messageId ?? Number(c.payload.message_id);
      const m = shown.get(id);
      switch (c.method) {
        case "sendMessage":
          shown.set(id, { id, text: String(c.payload.text), keyboard: keyboardOf(c.payload) });
          break;
        case "copyMessage":
          shown.set(id, {
            id,
            text: `copy of message ${String(c.payload.message_id)} of ${String(c.payload.from_chat_id)}`,
            keyboard: [],
          });
          break;
        case "sendDocument":
          shown.set(id, { id, text: String(c.payload.caption), keyboard: [] });
          break;
        case "editMessageText":
          if (m !== undefined) {
            m.text = String(c.payload.text);
            m.keyboard = keyboardOf(c.payload);
          }
          break;
        case "editMessageReplyMarkup":
          if (m !== undefined) m.keyboard = keyboardOf(c.payload);
          break;
        case "editMessageCaption":
          if (m !== undefined) m.caption = String(c.payload.caption);
          break;
        case "deleteMessage":
          shown.delete(id);
          break;
      }
    }
    return [...shown.values()];
  }

  /**
   * The messages of one chat that still show a button someone could press,
   * oldest first; with `prefix`, a button whose callback data starts with it.
   */
  keyboards(chatId: bigint | number, prefix = ""): ShownMessage[] {
    return this.view(chatId).filter((m) =>
      m.keyboard.flat().some((b) => b.callback_data.startsWith(prefix)),
    );
  }

  /** The newest message of one chat that shows a button whose callback data contains `part`. */
  showing(chatId: bigint | number, part: string): ShownMessage {
    const m = this.keyboards(chatId).findLast((x) =>
      x.keyboard.flat().some((b) => b.callback_data.includes(part)),
    );
    if (m === undefined) throw new Error(`no button ${part} shown in ${chatId}`);
    return m;
  }

  /** The texts sent to one chat, in order. */
  textsTo(chatId: bigint | number): string[] {
    return this.calls
      .filter((c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(chatId))
      .map((c) => String(c.payload.text));
  }
}

export { BotApiError };
