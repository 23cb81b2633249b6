import { randomBytes } from "node:crypto";
import { badRequest } from "./errors.ts";
import { BOT_USER, CUSTOMERS, type Person, STAFF, STAFF_GROUP } from "./people.ts";
import type { CommandScope, InlineKeyboard } from "./schemas.ts";
import { UpdateQueue } from "./updates.ts";

/**
 * What Telegram's servers hold for the playground: the chats, their messages
 * (ids counted per chat, as Telegram does), open callback queries, the command
 * menus and the bot's update queue. Both sides act on it: the bot through the
 * Bot API, the page as the people's Telegram apps. Every change is announced
 * to listeners (the page's event stream).
 */

export interface Chat {
  id: number;
  type: "private" | "supergroup";
  title?: string;
  first_name?: string;
  username?: string;
}

export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
  language_code?: string;
}

/** One size of a photo, as Telegram describes it (the playground keeps one size). */
export interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size: number;
}

export interface Message {
  message_id: number;
  date: number;
  chat: Chat;
  from: TelegramUser;
  /** "" for a photo, which has none (the bot is sent a photo without it) */
  text: string;
  photo?: PhotoSize[];
  entities?: { type: string; offset: number; length: number }[];
  reply_markup?: InlineKeyboard;
  reply_to_message?: Omit<Message, "reply_to_message">;
  edit_date?: number;
}

export interface BotCommand {
  command: string;
  description: string;
}

export type WorldEvent =
  | { type: "message"; message: Message }
  | { type: "edited"; message: Message }
  | { type: "deleted"; chatId: number; messageId: number }
  | {
      type: "answered";
      chatId: number;
      queryId: string;
      text: string | undefined;
      showAlert: boolean;
    }
  | { type: "action"; chatId: number; action: string }
  | { type: "commands" }
  | { type: "reset" };

interface OpenQuery {
  chatId: number;
  answered: boolean;
}

const now = () => Math.floor(Date.now() / 1000);

const BOT_FROM: TelegramUser = {
  id: BOT_USER.id,
  is_bot: true,
  first_name: BOT_USER.first_name,
  username: BOT_USER.username,
};

function privateChat(p: Person): Chat {
  return { id: p.id, type: "private", first_name: p.firstName, username: p.username };
}

export function telegramUser(p: Person, languageCode?: string): TelegramUser {
  return {
    id: p.id,
    is_bot: false,
    first_name: p.firstName,
    username: p.username,
    ...(languageCode === undefined ? {} : { language_code: languageCode }),
  };
}

/** The key of a command menu: its scope and language, as setMyCommands names them. */
function menuKey(scope: CommandScope, languageCode: string | undefined): string {
  const s = scope ?? { type: "default" };
  return JSON.stringify([s.type, s.chat_id ?? null, s.user_id ?? null, languageCode ?? ""]);
}

export class World {
  readonly updates = new UpdateQueue(1);
  readonly #chats = new Map<number, Chat>();
  readonly #messages = new Map<number, Message[]>();
  readonly #lastId = new Map<number, number>();
  readonly #queries = new Map<string, OpenQuery>();
  readonly #menus = new Map<string, BotCommand[]>();
  readonly #listeners = new Set<(e: WorldEvent) => void>();
  /** the photos people sent, by file_id: what Telegram's file storage would hold */
  readonly #files = new Map<string, Buffer>();
  webhook: { url: string; secret: string | undefined } | undefined;

  constructor() {
    this.#seed();
  }

  #seed(): void {
    for (const p of [...CUSTOMERS, ...STAFF]) this.#chats.set(p.id, privateChat(p));
    this.#chats.set(STAFF_GROUP.id, { ...STAFF_GROUP });
  }

  subscribe(listener: (e: WorldEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(e: WorldEvent): void {
    for (const l of this.#listeners) l(e);
  }

  /** Forgets everything but the bot's identity; update ids keep counting, so none is reused. */
  reset(): void {
    this.updates.drop();
    this.#messages.clear();
    this.#lastId.clear();
    this.#queries.clear();
    this.#menus.clear();
    this.#files.clear();
    this.webhook = undefined;
    this.#chats.clear();
    this.#seed();
    this.#emit({ type: "reset" });
  }

  chat(id: number | string): Chat {
    const c = typeof id === "number" ? this.#chats.get(id) : undefined;
    if (c === undefined) throw badRequest("chat not found");
    return c;
  }

  messages(chatId: number): readonly Message[] {
    return this.#messages.get(chatId) ?? [];
  }

  message(chatId: number, messageId: number): Message | undefined {
    return this.messages(chatId).find((m) => m.message_id === messageId);
  }

  #store(chat: Chat, m: Omit<Message, "message_id" | "date" | "chat">): Message {
    const id = (this.#lastId.get(chat.id) ?? 0) + 1;
    this.#lastId.set(chat.id, id);
    const message: Message = { message_id: id, date: now(), chat, ...m };
    const list = this.#messages.get(chat.id) ?? [];
    list.push(message);
    this.#messages.set(chat.id, list);
    this.#emit({ type: "message", message });
    return message;
  }

  // --- the bot's side (Bot API methods) ---

  botSends(
    chatId: number | string,
    text: string,
    replyMarkup: InlineKeyboard | undefined,
    replyTo: number | undefined,
  ): Message {
    const chat = this.chat(chatId);
    const replied = replyTo === undefined ? undefined : this.message(chat.id, replyTo);
    if (replyTo !== undefined && replied === undefined) {
      throw badRequest("message to be replied not found");
    }
    return this.#store(chat, {
      from: BOT_FROM,
      text,
      ...(replyMarkup === undefined || replyMarkup.inline_keyboard.length === 0
        ? {}
        : { reply_markup: replyMarkup }),
      ...(replied === undefined ? {} : { reply_to_message: withoutReply(replied) }),
    });
  }

  /** copyMessage: the message again, from the bot, in another chat (the photo by its file_id). */
  botCopies(chatId: number | string, fromChatId: number | string, messageId: number) {
    const chat = this.chat(chatId);
    const source = this.message(this.chat(fromChatId).id, messageId);
    if (source === undefined) throw badRequest("message to copy not found");
    const copy = this.#store(chat, {
      from: BOT_FROM,
      text: source.text,
      ...(source.photo === undefined ? {} : { photo: source.photo }),
    });
    return { message_id: copy.message_id };
  }

  /** editMessageText / editMessageReplyMarkup: omitting the keyboard removes it, as in Telegram. */
  botEdits(
    chatId: number | string,
    messageId: number,
    change: { text?: string; replyMarkup: InlineKeyboard | undefined },
  ): Message {
    const chat = this.chat(chatId);
    const m = this.message(chat.id, messageId);
    if (m === undefined) throw badRequest("message to edit not found");
    if (m.from.id !== BOT_USER.id) throw badRequest("message can't be edited");
    const markup =
      change.replyMarkup === undefined || change.replyMarkup.inline_keyboard.length === 0
        ? undefined
        : change.replyMarkup;
    const text = change.text ?? m.text;
    if (text === m.text && JSON.stringify(markup) === JSON.stringify(m.reply_markup)) {
      throw badRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    m.text = text;
    if (markup === undefined) delete m.reply_markup;
    else m.reply_markup = markup;
    m.edit_date = now();
    this.#emit({ type: "edited", message: m });
    return m;
  }

  botDeletes(chatId: number | string, messageId: number): void {
    const chat = this.chat(chatId);
    const list = this.#messages.get(chat.id) ?? [];
    const i = list.findIndex((m) => m.message_id === messageId);
    if (i < 0) throw badRequest("message to delete not found");
    list.splice(i, 1);
    this.#emit({ type: "deleted", chatId: chat.id, messageId });
  }

  answerQuery(queryId: string, text: string | undefined, showAlert: boolean): void {
    const q = this.#queries.get(queryId);
    if (q === undefined || q.answered) {
      throw badRequest("query is too old and response timeout expired or query ID is invalid");
    }
    q.answered = true;
    this.#emit({ type: "answered", chatId: q.chatId, queryId, text, showAlert });
  }

  chatAction(chatId: number | string, action: string): void {
    this.#emit({ type: "action", chatId: this.chat(chatId).id, action });
  }

  setCommands(scope: CommandScope, languageCode: string | undefined, commands: BotCommand[]): void {
    const key = menuKey(scope, languageCode);
    if (commands.length === 0) this.#menus.delete(key);
    else this.#menus.set(key, commands);
    this.#emit({ type: "commands" });
  }

  getCommands(scope: CommandScope, languageCode: string | undefined): BotCommand[] {
    return this.#menus.get(menuKey(scope, languageCode)) ?? [];
  }

  /**
   * The menu a Telegram app shows in a chat: the most specific scope that has
   * commands, each scope tried in the user's language before the generic one.
   */
  menuFor(chatId: number, languageCode: string): BotCommand[] {
    const chat = this.chat(chatId);
    const scopes: CommandScope[] = [
      { type: "chat", chat_id: chat.id },
      chat.type === "private" ? { type: "all_private_chats" } : { type: "all_group_chats" },
      { type: "default" },
    ];
    for (const scope of scopes) {
      for (const lang of [languageCode, undefined]) {
        const menu = this.#menus.get(menuKey(scope, lang));
        if (menu !== undefined) return menu;
      }
    }
    return [];
  }

  // --- the people's side (their Telegram apps, i.e. the page) ---

  /**
   * A person writes in a chat. The message is always shown; the bot receives
   * it as Telegram's privacy mode allows: everything in a private chat, only
   * commands and replies to the bot in a group.
   */
  userSends(chatId: number, from: TelegramUser, text: string, replyTo?: number): Message {
    const chat = this.chat(chatId);
    const replied = replyTo === undefined ? undefined : this.message(chat.id, replyTo);
    const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const message = this.#store(chat, {
      from,
      text,
      ...(command === null
        ? {}
        : { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] }),
      ...(replied === undefined ? {} : { reply_to_message: withoutReply(replied) }),
    });
    const mention = command?.[1];
    const forBot =
      chat.type === "private" ||
      (command !== null && (mention === undefined || mention === `@${BOT_USER.username}`)) ||
      replied?.from.id === BOT_USER.id;
    if (forBot) this.updates.push({ message: structuredClone(message) });
    return message;
  }

  /** A person sends a photo (PNG bytes) in a private chat with the bot. */
  userSendsPhoto(
    chatId: number,
    from: TelegramUser,
    png: Buffer,
    size: { width: number; height: number },
  ): Message {
    const chat = this.chat(chatId);
    if (chat.type !== "private") throw badRequest("photos are sent in private chats only here");
    const unique = randomBytes(8).toString("hex");
    const photo: PhotoSize = {
      file_id: `AgACAgQAAxkBAAI${unique}`,
      file_unique_id: unique,
      ...size,
      file_size: png.length,
    };
    this.#files.set(photo.file_id, png);
    const message = this.#store(chat, { from, text: "", photo: [photo] });
    const { text: _none, ...update } = message;
    this.updates.push({ message: structuredClone(update) });
    return message;
  }

  /** A photo's bytes by its file_id. */
  file(fileId: string): Buffer | undefined {
    return this.#files.get(fileId);
  }

  /** A person presses an inline button: a callback_query update, to be answered by the bot. */
  userPresses(chatId: number, messageId: number, from: TelegramUser, data: string): string {
    const chat = this.chat(chatId);
    const message = this.message(chat.id, messageId);
    const pressed = message?.reply_markup?.inline_keyboard
      .flat()
      .some((b) => b.callback_data === data);
    if (message === undefined || pressed !== true) throw badRequest("no such button");
    const id = BigInt(`0x${randomBytes(7).toString("hex")}`).toString();
    this.#queries.set(id, { chatId: chat.id, answered: false });
    this.updates.push({
      callback_query: {
        id,
        from,
        message: structuredClone(message),
        chat_instance: String(chat.id * 7919),
        data,
      },
    });
    return id;
  }
}

function withoutReply(m: Message): Omit<Message, "reply_to_message"> {
  const { reply_to_message: _, ...rest } = m;
  return rest;
}
