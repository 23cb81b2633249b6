import type { UserFromGetMe } from "telegraf/types";
import { type Core, createCore, createI18nFor } from "../../src/app/core.ts";
import { type Config, parseConfig } from "../../src/config/load.ts";
import { createFaq, type Faq } from "../../src/faq/index.ts";
import type { I18n } from "../../src/i18n/index.ts";
import { createLogger, type Logger } from "../../src/logging/logger.ts";
import { Pace } from "../../src/outbox/pace.ts";
import { createTelegrafTransport, type TelegrafTransport } from "../../src/transport/telegraf.ts";
import { type Call, RecordingBotApi, type ShownMessage } from "./bot-api.ts";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./database.ts";

export const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";
export const BOT_INFO: UserFromGetMe = {
  id: 123456789,
  is_bot: true,
  first_name: "Refunds",
  username: "refund_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

export const UNLIMITED = new Pace({
  chat: { burst: 1e9, perSecond: 1e9 },
  group: { burst: 1e9, perSecond: 1e9 },
  global: { burst: 1e9, perSecond: 1e9 },
});

// The i18n resources and the FAQ index are built once per test file.
let shared: { i18n: I18n; faq: Faq } | undefined;

export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({
    BOT_TOKEN: TOKEN,
    SUPPORT_EMAIL: "refunds@example.com",
    TIME_ZONE: "Europe/Berlin",
    UNREFUNDABLE_PAYMENT_METHODS: "crypto",
    LOG_LEVEL: "silent",
    // In-process tests deliver a conversation's updates far faster than a person
    // types; flood control has tests of its own.
    FLOOD_MAX_UPDATES: "1000000",
    ...env,
  });
}

/**
 * The real bot in-process: Telegraf receives updates through handleUpdate, and
 * every Bot API call the outbox makes is recorded by a stand-in for Telegram.
 */
export class TestBot {
  readonly api = new RecordingBotApi();
  readonly core: Core;
  readonly transport: TelegrafTransport;
  #updateId = 1;
  #messageId = 1;

  readonly db: TestDatabase;
  readonly config: Config;

  private constructor(db: TestDatabase, config: Config, logger: Logger) {
    this.db = db;
    this.config = config;
    const i18n = shared?.i18n ?? createI18nFor(config);
    const faq = shared?.faq ?? createFaq(i18n);
    shared ??= { i18n, faq };
    this.core = createCore({
      config,
      db,
      api: this.api,
      logger,
      pace: UNLIMITED,
      i18n,
      faq,
      botUsername: BOT_INFO.username,
    });
    this.transport = createTelegrafTransport({
      token: TOKEN,
      apiRoot: "http://127.0.0.1:9",
      logger,
      botInfo: BOT_INFO,
      callTimeoutMs: config.botApiTimeoutMs,
    });
    this.transport.mount(this.core.inbox);
  }

  /** options.logger: where the core and the transport log (silent unless a test captures it) */
  static async create(
    kind: DatabaseKind,
    env: Record<string, string> = {},
    options: { logger?: Logger } = {},
  ): Promise<TestBot> {
    return new TestBot(
      await createTestDatabase(kind),
      testConfig(env),
      options.logger ?? createLogger("silent"),
    );
  }

  nextUpdateId(): number {
    return this.#updateId++;
  }

  /** Delivers a raw update through Telegraf and flushes the outbox. */
  async deliver(update: Record<string, unknown>): Promise<Call[]> {
    const before = this.api.calls.length;
    await this.transport.handleUpdate(update);
    await this.flush();
    return this.api.calls.slice(before);
  }

  async flush(): Promise<void> {
    while ((await this.core.sender.sendDue()) > 0) {}
  }

  customer(id: number, languageCode = "en", firstName = "Ann"): TestUser {
    return new TestUser(this, id, languageCode, firstName);
  }

  /** A person writing in a group chat (the staff group). */
  member(id: number, groupId: number, languageCode = "en", firstName = `S${id}`): TestUser {
    return new TestUser(this, id, languageCode, firstName, { id: groupId, type: "supergroup" });
  }

  newMessageId(): number {
    return this.#messageId++;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** A person in a private chat with the bot (or, made by `member`, in a group). */
export class TestUser {
  readonly bot: TestBot;
  readonly id: number;
  readonly languageCode: string;
  readonly firstName: string;
  readonly chat: { id: number; type: "private" | "supergroup" };

  constructor(
    bot: TestBot,
    id: number,
    languageCode: string,
    firstName: string,
    chat?: { id: number; type: "private" | "supergroup" },
  ) {
    this.bot = bot;
    this.id = id;
    this.languageCode = languageCode;
    this.firstName = firstName;
    this.chat = chat ?? { id, type: "private" };
  }

  get from() {
    return {
      id: this.id,
      is_bot: false,
      first_name: this.firstName,
      language_code: this.languageCode,
    };
  }

  message(fields: Record<string, unknown>, updateId = this.bot.nextUpdateId()) {
    return {
      update_id: updateId,
      message: {
        message_id: this.bot.newMessageId(),
        date: Math.floor(Date.now() / 1000),
        chat: this.chat,
        from: this.from,
        ...fields,
      },
    };
  }

  async send(text: string): Promise<Reply[]> {
    return replies(await this.bot.deliver(this.message({ text })));
  }

  /** Presses a button of a message the bot sent to this chat. */
  async press(
    data: string,
    messageId = 1,
  ): Promise<{ replies: Reply[]; answer: Call | undefined }> {
    const calls = await this.bot.deliver({
      update_id: this.bot.nextUpdateId(),
      callback_query: {
        id: `cq${this.bot.nextUpdateId()}`,
        from: this.from,
        chat_instance: "x",
        message: { message_id: messageId, date: 0, chat: this.chat },
        data,
      },
    });
    return {
      replies: replies(calls),
      answer: calls.find((c) => c.method === "answerCallbackQuery"),
    };
  }

  /**
   * Presses the button whose callback data contains `part` on a message shown
   * in this chat, as Telegram delivers it: with the message's text and
   * keyboard (whatever the bot has done to that message since).
   */
  async pressOn(m: ShownMessage, part: string): Promise<Call[]> {
    const data = m.keyboard.flat().find((b) => b.callback_data.includes(part))?.callback_data;
    if (data === undefined) throw new Error(`no button ${part} on ${JSON.stringify(m)}`);
    return this.bot.deliver({
      update_id: this.bot.nextUpdateId(),
      callback_query: {
        id: `cq${this.bot.nextUpdateId()}`,
        from: this.from,
        chat_instance: "x",
        message: {
          message_id: m.id,
          date: 0,
          chat: this.chat,
          text: m.text,
          reply_markup: { inline_keyboard: m.keyboard },
        },
        data,
      },
    });
  }
}

export interface Reply {
  text: string;
  buttons: { text: string; data: string }[];
}

export function replies(calls: Call[]): Reply[] {
  return calls.filter((c) => c.method === "sendMessage").map(asReply);
}

/** A sent or edited message's text and buttons. */
export function asReply(c: Call): Reply {
  const markup = c.payload.reply_markup as
    | { inline_keyboard?: { text: string; callback_data: string }[][] }
    | undefined;
  return {
    text: String(c.payload.text),
    buttons: (markup?.inline_keyboard ?? [])
      .flat()
      .map((b) => ({ text: b.text, data: b.callback_data })),
  };
}

/** The button whose label contains `label` in the last reply that has buttons. */
export function button(rs: Reply[], label: string | RegExp): string {
  for (const r of [...rs].reverse()) {
    const b = r.buttons.find((x) =>
      typeof label === "string" ? x.text.includes(label) : label.test(x.text),
    );
    if (b !== undefined) return b.data;
  }
  throw new Error(
    `no button ${label} in ${JSON.stringify(rs.map((r) => r.buttons.map((b) => b.text)))}`,
  );
}
