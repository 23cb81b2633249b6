import { z } from "zod";

/**
 * The parameters of each Bot API method the playground implements, as zod
 * schemas. Telegram takes the same parameter as a JSON value or as a form
 * string ("123", "true", a JSON-encoded keyboard), so every schema accepts both.
 */

const integer = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d{1,17}$/)
    .transform(Number),
]);

const boolean = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1"),
]);

/** A value that may arrive as JSON text (form bodies) or as the value itself (JSON bodies). */
const json = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }, schema);

/** A chat id: a number, a numeric string, or @username (which no playground chat has). */
const chatId = z.union([integer, z.string().regex(/^@[A-Za-z0-9_]{4,32}$/)]);

const inlineButton = z
  .object({
    text: z.string().min(1),
    callback_data: z
      .string()
      .refine((d) => Buffer.byteLength(d) >= 1 && Buffer.byteLength(d) <= 64)
      .optional(),
    url: z.string().optional(),
  })
  .refine((b) => b.callback_data !== undefined || b.url !== undefined);

export const replyMarkup = json(
  z.object({ inline_keyboard: z.array(z.array(inlineButton).max(8)).max(100) }),
);
export type InlineKeyboard = z.output<typeof replyMarkup>;

const parseMode = z.enum(["HTML", "Markdown", "MarkdownV2"]);

const messageEntity = z.object({
  type: z.string(),
  offset: z.number().int().nonnegative(),
  length: z.number().int().positive(),
  url: z.string().optional(),
});

const scope = json(
  z.object({
    type: z.enum([
      "default",
      "all_private_chats",
      "all_group_chats",
      "all_chat_administrators",
      "chat",
      "chat_administrators",
      "chat_member",
    ]),
    chat_id: chatId.optional(),
    user_id: integer.optional(),
  }),
).optional();
export type CommandScope = z.output<typeof scope>;

const languageCode = z
  .string()
  .regex(/^([a-z]{2})?$/)
  .optional();

const command = z.object({
  command: z.string().regex(/^[a-z0-9_]{1,32}$/),
  description: z.string().min(1).max(256),
});

const text = z.string().refine((t) => t.trim() !== "");

export const methods = {
  getMe: z.object({}),
  logOut: z.object({}),
  close: z.object({}),
  getUpdates: z.object({
    offset: integer.optional(),
    limit: integer.optional(),
    timeout: integer.optional(),
    allowed_updates: json(z.array(z.string())).optional(),
  }),
  setWebhook: z.object({
    url: z.string(),
    secret_token: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/)
      .optional(),
    drop_pending_updates: boolean.optional(),
    allowed_updates: json(z.array(z.string())).optional(),
    max_connections: integer.optional(),
  }),
  deleteWebhook: z.object({ drop_pending_updates: boolean.optional() }),
  getWebhookInfo: z.object({}),
  getChat: z.object({ chat_id: chatId }),
  sendMessage: z.object({
    chat_id: chatId,
    text,
    parse_mode: parseMode.optional(),
    entities: json(z.array(messageEntity)).optional(),
    reply_markup: replyMarkup.optional(),
    disable_notification: boolean.optional(),
    protect_content: boolean.optional(),
    reply_to_message_id: integer.optional(),
    reply_parameters: json(z.object({ message_id: integer })).optional(),
  }),
  copyMessage: z.object({
    chat_id: chatId,
    from_chat_id: chatId,
    message_id: integer,
    caption: z.string().max(1024).optional(),
    disable_notification: boolean.optional(),
    protect_content: boolean.optional(),
    reply_markup: replyMarkup.optional(),
  }),
  editMessageText: z.object({
    chat_id: chatId.optional(),
    message_id: integer.optional(),
    inline_message_id: z.string().optional(),
    text,
    parse_mode: parseMode.optional(),
    entities: json(z.array(messageEntity)).optional(),
    reply_markup: replyMarkup.optional(),
  }),
  editMessageReplyMarkup: z.object({
    chat_id: chatId.optional(),
    message_id: integer.optional(),
    inline_message_id: z.string().optional(),
    reply_markup: replyMarkup.optional(),
  }),
  deleteMessage: z.object({ chat_id: chatId, message_id: integer }),
  answerCallbackQuery: z.object({
    callback_query_id: z.string().min(1),
    text: z.string().max(200).optional(),
    show_alert: boolean.optional(),
    url: z.string().optional(),
    cache_time: integer.optional(),
  }),
  setMyCommands: z.object({
    commands: json(z.array(command).max(100)),
    scope,
    language_code: languageCode,
  }),
  getMyCommands: z.object({ scope, language_code: languageCode }),
  deleteMyCommands: z.object({ scope, language_code: languageCode }),
  sendChatAction: z.object({
    chat_id: chatId,
    action: z.enum([
      "typing",
      "upload_photo",
      "record_video",
      "upload_video",
      "record_voice",
      "upload_voice",
      "upload_document",
      "choose_sticker",
      "find_location",
      "record_video_note",
      "upload_video_note",
    ]),
  }),
} as const;

export type MethodName = keyof typeof methods;
export type Params<M extends MethodName> = z.output<(typeof methods)[M]>;

/**
 * Telegram's words for a bad parameter, where they are known; otherwise a
 * description naming the parameter.
 */
const DESCRIPTIONS: Record<string, { missing: string; invalid: string }> = {
  chat_id: { missing: "chat_id is empty", invalid: "chat not found" },
  text: { missing: "message text is empty", invalid: "message text is empty" },
  message_id: {
    missing: "message identifier is not specified",
    invalid: "message identifier is not specified",
  },
  reply_markup: {
    missing: "can't parse reply keyboard markup JSON object",
    invalid: "can't parse reply keyboard markup JSON object",
  },
  callback_query_id: {
    missing: "query is too old and response timeout expired or query ID is invalid",
    invalid: "query is too old and response timeout expired or query ID is invalid",
  },
  commands: { missing: 'parameter "commands" is required', invalid: "BOT_COMMAND_INVALID" },
  action: {
    missing: "wrong parameter action in request",
    invalid: "wrong parameter action in request",
  },
  parse_mode: { missing: "unsupported parse_mode", invalid: "unsupported parse_mode" },
  url: { missing: 'parameter "url" is required', invalid: "bad webhook: invalid URL" },
};

export function describeIssue(issue: z.core.$ZodIssue, params: Record<string, unknown>): string {
  const field = String(issue.path[0] ?? "parameters");
  if (issue.path.includes("callback_data")) return "BUTTON_DATA_INVALID";
  const missing = params[field] === undefined || params[field] === "";
  const known = DESCRIPTIONS[field];
  if (known !== undefined) return missing ? known.missing : known.invalid;
  return missing ? `parameter "${field}" is required` : `parameter "${field}" is invalid`;
}
