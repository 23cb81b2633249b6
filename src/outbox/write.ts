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

/**
 * The message a change acts on: one whose Telegram id is known (the message
 * a pressed button sits on), or one the bot sent under a name ("card:12"),
 * found when the change leaves, after everything queued before it in the chat.
 */
export type Target = { messageId: number } | { ref: string };

/** A prompt that opens the reader's reply to it, with a hint in the input field. */
export interface ForceReply {
  placeholder: string;
}

/** What a step asks to send; written to the outbox in the step's transaction. */
export type Outgoing =
  | {
      kind: "message";
      chatId: bigint;
      text: string;
      buttons?: Button[][];
      /** names the message, so later changes can find it */
      ref?: string;
      forceReply?: ForceReply;
      /** the customer whose data it tells staff (src/privacy/erasure.ts finds it by this) */
      about?: bigint;
    }
  | {
      kind: "answer";
      chatId: bigint;
      callbackQueryId: string;
      text?: string;
      /** a pop-up the reader dismisses, instead of a passing notice */
      alert?: true;
    }
  | {
      kind: "document";
      chatId: bigint;
      filename: string;
      content: string;
      caption: string;
      about?: bigint;
    }
  /** the message's text and buttons replaced (no buttons: its keyboard removed) */
  | {
      kind: "edit";
      chatId: bigint;
      target: Target;
      text: string;
      buttons?: Button[][];
      about?: bigint;
    }
  /** a photo's or file's caption replaced */
  | { kind: "caption"; chatId: bigint; target: Target; caption: string }
  /** only the keyboard removed, the text kept */
  | { kind: "unbutton"; chatId: bigint; target: Target }
  | { kind: "delete"; chatId: bigint; target: Target }
  /** a customer's photo or file, sent on to staff by its message (no download), caption and all */
  | { kind: "copy"; chatId: bigint; fromChatId: bigint; messageId: number; about?: bigint };

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

function keyboard(buttons: Button[][] | undefined): Record<string, unknown> {
  return {
    inline_keyboard: (buttons ?? []).map((row) =>
      row.map((b) => ({ text: b.text, callback_data: encodeCallback(b.callback) })),
    ),
  };
}

/** A call and the outbox row's name for its message (a change takes its target's name). */
export interface BotApiCall {
  method: string;
  payload: Record<string, unknown>;
  ref: string | null;
}

export function toBotApiCall(o: Outgoing): BotApiCall {
  const chat_id = o.chatId.toString();
  switch (o.kind) {
    case "answer":
      return {
        method: "answerCallbackQuery",
        payload: {
          callback_query_id: o.callbackQueryId,
          ...(o.text === undefined ? {} : { text: o.text }),
          ...(o.alert === undefined ? {} : { show_alert: true }),
        },
        ref: null,
      };
    case "document": {
      const document: Upload = { upload: { filename: o.filename, content: o.content } };
      return {
        method: "sendDocument",
        payload: { chat_id, document, caption: o.caption },
        ref: null,
      };
    }
    case "message": {
      const payload: Record<string, unknown> = { chat_id, text: clip(o.text) };
      if (o.buttons !== undefined && o.buttons.length > 0)
        payload.reply_markup = keyboard(o.buttons);
      else if (o.forceReply !== undefined)
        payload.reply_markup = {
          force_reply: true,
          input_field_placeholder: cutText(o.forceReply.placeholder, 64),
        };
      return { method: "sendMessage", payload, ref: o.ref ?? null };
    }
    case "edit":
      return {
        method: "editMessageText",
        payload: {
          chat_id,
          ...at(o.target),
          text: clip(o.text),
          reply_markup: keyboard(o.buttons),
        },
        ref: refOf(o.target),
      };
    case "caption":
      return {
        method: "editMessageCaption",
        payload: { chat_id, ...at(o.target), caption: o.caption },
        ref: refOf(o.target),
      };
    case "unbutton":
      return {
        method: "editMessageReplyMarkup",
        payload: { chat_id, ...at(o.target), reply_markup: keyboard([]) },
        ref: refOf(o.target),
      };
    case "delete":
      return {
        method: "deleteMessage",
        payload: { chat_id, ...at(o.target) },
        ref: refOf(o.target),
      };
    case "copy":
      return {
        method: "copyMessage",
        payload: { chat_id, from_chat_id: o.fromChatId.toString(), message_id: o.messageId },
        ref: null,
      };
  }
}

/** A known message id goes in the call now; a named message's is filled in when it leaves. */
function at(target: Target): Record<string, unknown> {
  return "messageId" in target ? { message_id: target.messageId } : {};
}

function refOf(target: Target): string | null {
  return "ref" in target ? target.ref : null;
}

/** The customer a message tells staff about, if any (the outbox's aboutUserId). */
export function aboutOf(o: Outgoing): bigint | null {
  return "about" in o ? (o.about ?? null) : null;
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
        ref: call.ref,
        aboutUserId: aboutOf(m),
      };
    }),
  });
}
