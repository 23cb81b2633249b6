import { z } from "zod";

/**
 * The part of a Telegram Update the bot acts on, as zod schemas: an update is
 * untrusted input, and anything it does not recognise becomes `ignored`.
 */

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

/** getMe's answer: a bot always has a username. */
export const botUser = z.object({ username: z.string().min(1) });

const chat = z.object({
  id: z.number().int(),
  type: z.enum(["private", "group", "supergroup", "channel"]),
});

/** A file as Telegram describes it: the id to send it on with, the id that stays the same across bots. */
const file = z.object({
  file_id: z.string().min(1).max(256),
  file_unique_id: z.string().min(1).max(64),
  file_size: z.number().int().nonnegative().optional(),
});

/** The sizes of one photo, smallest first. */
const photo = z.array(file).min(1);
const documentFile = file.extend({ mime_type: z.string().max(255).optional() });

const message = z.object({
  message_id: z.number().int(),
  date: z.number(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  /** a photo's or a file's words */
  caption: z.string().optional(),
  /** the message this one replies to: only its id is read */
  reply_to_message: z.object({ message_id: z.number().int() }).optional(),
  sticker: z.unknown().optional(),
  photo: z.unknown().optional(),
  voice: z.unknown().optional(),
  video: z.unknown().optional(),
  document: z.unknown().optional(),
});

/** An inline keyboard as Telegram sends it back with a pressed button's message. */
const keyboard = z.object({
  inline_keyboard: z.array(
    z.array(z.object({ text: z.string(), callback_data: z.string().optional() })),
  ),
});

const update = z.object({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: user,
      message: z
        .object({
          message_id: z.number().int(),
          chat,
          text: z.string().optional(),
          reply_markup: keyboard.optional(),
        })
        .optional(),
      data: z.string().optional(),
    })
    .optional(),
  my_chat_member: z
    .object({
      chat,
      from: user,
      new_chat_member: z.object({ status: z.string() }),
    })
    .optional(),
});

export type ChatType = z.infer<typeof chat>["type"];

export interface Sender {
  id: bigint;
  firstName: string | undefined;
  username: string | undefined;
  languageCode: string | undefined;
}

interface Base {
  updateId: bigint;
  chatId: bigint;
  chatType: ChatType;
  from: Sender;
  /**
   * Where the update takes its turn: one at a time and in update_id order
   * within a lane, lanes in parallel. A private chat is one lane; in a group
   * each member is their own (staff members in the staff group act on
   * different cases, and one's work must not wait for another's).
   */
  lane: bigint;
}

function laneOf(chat: { id: number; type: ChatType }, from: { id: number }): bigint {
  return BigInt(chat.type === "group" || chat.type === "supergroup" ? from.id : chat.id);
}

/** A photo or document someone sent: what attaching it as evidence needs. */
export interface MediaFile {
  kind: "photo" | "document";
  fileId: string;
  fileUniqueId: string;
  /** a photo is always a JPEG (Telegram gives no type for it) */
  mimeType: string | null;
  size: number | null;
  /** the message that carried it, for copyMessage */
  messageId: number;
}

export type Inbound =
  | (Base & { kind: "command"; name: string; args: string })
  | (Base & {
      kind: "text";
      text: string;
      messageId: number;
      /** the message this text replies to (a prompt's reply box opens with it) */
      replyTo?: number;
    })
  | (Base & {
      kind: "media";
      media: "sticker" | "photo" | "voice" | "video" | "document" | "other";
      /** for a photo or a document */
      file: MediaFile | undefined;
      messageId: number;
      /** the words sent with it, if any */
      caption?: string;
    })
  | (Base & { kind: "edited" })
  | (Base & {
      kind: "callback";
      callbackQueryId: string;
      messageId: number;
      data: string;
      /** the pressed button's message as the reader sees it, when Telegram sent it along */
      pressed: { text: string; label: string } | undefined;
    })
  | (Base & { kind: "blocked"; blocked: boolean });

export type Ignored = { kind: "ignored"; updateId: bigint | undefined; reason: string };

/** `/name`, `/name@bot` (the bot it is meant for), then its arguments. */
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/;

function sender(u: z.infer<typeof user>): Sender {
  return {
    id: BigInt(u.id),
    firstName: u.first_name,
    username: u.username,
    languageCode: u.language_code,
  };
}

function fromMessage(
  updateId: bigint,
  m: z.infer<typeof message>,
  bot: string | undefined,
): Inbound | Ignored {
  if (m.from === undefined || m.from.is_bot === true) {
    return { kind: "ignored", updateId, reason: "message without a human sender" };
  }
  const base = {
    updateId,
    chatId: BigInt(m.chat.id),
    chatType: m.chat.type,
    from: sender(m.from),
    lane: laneOf(m.chat, m.from),
  };
  if (m.text !== undefined) {
    const c = COMMAND.exec(m.text);
    if (c?.[1] !== undefined) {
      // In a group another bot's command is not ours (a bot that sees every
      // message, as a group's admin does, gets them all); in a private chat there is no other bot.
      const to = c[2];
      if (m.chat.type !== "private" && isElsewhere(to, bot))
        return { kind: "ignored", updateId, reason: "command for another bot" };
      return { ...base, kind: "command", name: c[1].toLowerCase(), args: (c[3] ?? "").trim() };
    }
    const replyTo = m.reply_to_message?.message_id;
    return {
      ...base,
      kind: "text",
      text: m.text,
      messageId: m.message_id,
      ...(replyTo === undefined ? {} : { replyTo }),
    };
  }
  const media = (["sticker", "photo", "voice", "video", "document"] as const).find(
    (k) => m[k] !== undefined,
  );
  return {
    ...base,
    kind: "media",
    media: media ?? "other",
    file: fileOf(m),
    messageId: m.message_id,
    ...(m.caption === undefined ? {} : { caption: m.caption }),
  };
}

/** A photo's or a document's file; media whose file is not as expected is still media, without one. */
function fileOf(m: z.infer<typeof message>): MediaFile | undefined {
  const base = { messageId: m.message_id };
  const p = photo.safeParse(m.photo);
  // The largest size of a photo is the one staff should see.
  const largest = p.success ? p.data.at(-1) : undefined;
  if (largest !== undefined) {
    return {
      ...base,
      kind: "photo",
      fileId: largest.file_id,
      fileUniqueId: largest.file_unique_id,
      mimeType: "image/jpeg",
      size: largest.file_size ?? null,
    };
  }
  const d = documentFile.safeParse(m.document);
  if (!d.success) return undefined;
  return {
    ...base,
    kind: "document",
    fileId: d.data.file_id,
    fileUniqueId: d.data.file_unique_id,
    mimeType: d.data.mime_type ?? null,
    size: d.data.file_size ?? null,
  };
}

function pressedOf(
  m: { text?: string | undefined; reply_markup?: z.infer<typeof keyboard> | undefined },
  data: string,
): { text: string; label: string } | undefined {
  const label = m.reply_markup?.inline_keyboard.flat().find((b) => b.callback_data === data)?.text;
  return m.text === undefined || label === undefined ? undefined : { text: m.text, label };
}

/** `to` names a bot, and not this one (`bot`: its username, when known). */
function isElsewhere(to: string | undefined, bot: string | undefined): boolean {
  return to !== undefined && bot !== undefined && to.toLowerCase() !== bot.toLowerCase();
}

/**
 * Turns a raw Telegram Update into what the bot acts on, or says why it is
 * ignored. `bot`: the bot's username (getMe), to know commands meant for others.
 */
export function parseUpdate(raw: unknown, bot?: string): Inbound | Ignored {
  const parsed = update.safeParse(raw);
  if (!parsed.success) {
    const id = z.object({ update_id: z.number().int() }).safeParse(raw);
    return {
      kind: "ignored",
      updateId: id.success ? BigInt(id.data.update_id) : undefined,
      reason: "unrecognised update",
    };
  }
  const u = parsed.data;
  const updateId = BigInt(u.update_id);
  if (u.message !== undefined) return fromMessage(updateId, u.message, bot);
  if (u.edited_message !== undefined) {
    const m = fromMessage(updateId, u.edited_message, bot);
    return m.kind === "ignored" ? m : { ...m, kind: "edited" };
  }
  const q = u.callback_query;
  if (q !== undefined) {
    if (q.message === undefined || q.data === undefined) {
      return { kind: "ignored", updateId, reason: "callback without a message or data" };
    }
    return {
      kind: "callback",
      updateId,
      chatId: BigInt(q.message.chat.id),
      chatType: q.message.chat.type,
      from: sender(q.from),
      lane: laneOf(q.message.chat, q.from),
      callbackQueryId: q.id,
      messageId: q.message.message_id,
      data: q.data,
      pressed: pressedOf(q.message, q.data),
    };
  }
  const member = u.my_chat_member;
  if (member !== undefined && member.chat.type === "private") {
    return {
      kind: "blocked",
      updateId,
      chatId: BigInt(member.chat.id),
      chatType: member.chat.type,
      from: sender(member.from),
      lane: laneOf(member.chat, member.from),
      blocked: member.new_chat_member.status === "kicked",
    };
  }
  return { kind: "ignored", updateId, reason: "update kind not handled" };
}
