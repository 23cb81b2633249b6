import { type Callback, encodeCallback } from "../callbacks/data.ts";
import type { Prisma } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import type { Upload } from "../transport/bot-api.ts";

/** Telegram's limit on a message's text. */
export const MAX_MESSAGE_LENGTH = 4096;

export interface Button {
  text: string;
  callback: Callback;
}

/** What a step asks to send; written to the outbox in the step's transaction. */
export type Outgoing =
  | { kind: "message"; chatId: bigint; text: string; buttons?: Button[][] }
  | { kind: "answer"; chatId: bigint; callbackQueryId: string; text?: string }
  | { kind: "document"; chatId: bigint; filename: string; content: string; caption: string }
  /** a customer's photo or file, sent on to staff by its message (no download), caption and all */
  | { kind: "copy"; chatId: bigint; fromChatId: bigint; messageId: number };

/**
 * The first `max` UTF-16 units of a text, never half of a surrogate pair: an
 * unpaired surrogate makes the JSON that PostgreSQL stores invalid, and the
 * whole update would fail (found by fuzzing with astral-plane text).
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** Long texts are cut where Telegram would refuse them (the bot never writes such, but a customer's echo might). */
function clip(text: string): string {
  return text.length <= MAX_MESSAGE_LENGTH ? text : `${cutText(text, MAX_MESSAGE_LENGTH - 1)}…`;
}

export function toBotApiCall(o: Outgoing): { method: string; payload: Record<string, unknown> } {
  if (o.kind === "answer") {
    return {
      method: "answerCallbackQuery",
      payload: {
        callback_query_id: o.callbackQueryId,
        ...(o.text === undefined ? {} : { text: o.text }),
      },
    };
  }
  if (o.kind === "document") {
    const document: Upload = { upload: { filename: o.filename, content: o.content } };
    return {
      method: "sendDocument",
      payload: { chat_id: o.chatId.toString(), document, caption: o.caption },
    };
  }
  if (o.kind === "copy") {
    return {
      method: "copyMessage",
      payload: {
        chat_id: o.chatId.toString(),
        from_chat_id: o.fromChatId.toString(),
        message_id: o.messageId,
      },
    };
  }
  const payload: Record<string, unknown> = { chat_id: o.chatId.toString(), text: clip(o.text) };
  if (o.buttons !== undefined && o.buttons.length > 0) {
    payload.reply_markup = {
      inline_keyboard: o.buttons.map((row) =>
        row.map((b) => ({ text: b.text, callback_data: encodeCallback(b.callback) })),
      ),
    };
  }
  return { method: "sendMessage", payload };
}

export async function enqueue(tx: Tx, messages: readonly Outgoing[]): Promise<void> {
  if (messages.length === 0) return;
  await tx.outboxMessage.createMany({
    data: messages.map((m) => {
      const call = toBotApiCall(m);
      return {
        chatId: m.chatId,
        method: call.method,
        payload: call.payload as Prisma.InputJsonObject,
      };
    }),
  });
}
