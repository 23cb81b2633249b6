import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logging/logger.ts";
import { ApiFailure, badRequest } from "./errors.ts";
import { BOT_USER } from "./people.ts";
import { readParams } from "./request.ts";
import { describeIssue, type MethodName, methods, type Params } from "./schemas.ts";
import { Conflict } from "./updates.ts";
import type { World } from "./world.ts";

/**
 * The local Bot API: `/bot<token>/<method>` over HTTP, answered as Telegram
 * answers (`{ ok, result }` or `{ ok: false, error_code, description }` with
 * the same HTTP status), on the playground's world.
 */

/** Telegram holds a long poll for at most 50 seconds. */
const MAX_POLL_SECONDS = 50;

/** `gone` aborts when the client hangs up (Telegraf stopping mid-poll). */
type Handler<M extends MethodName> = (
  p: Params<M>,
  gone: AbortSignal,
) => unknown | Promise<unknown>;

/** Method names are case-insensitive in the Bot API. */
const BY_LOWER = new Map(Object.keys(methods).map((m) => [m.toLowerCase(), m as MethodName]));

export function createBotApi(o: { world: World; token: string; logger: Logger }) {
  const { world } = o;

  function editTarget(p: {
    chat_id?: number | string | undefined;
    message_id?: number | undefined;
    inline_message_id?: string | undefined;
  }): { chatId: number | string; messageId: number } {
    if (p.inline_message_id !== undefined) throw badRequest("MESSAGE_ID_INVALID");
    if (p.chat_id === undefined) throw badRequest("chat_id is empty");
    if (p.message_id === undefined) throw badRequest("message identifier is not specified");
    return { chatId: p.chat_id, messageId: p.message_id };
  }

  const handlers: { [M in MethodName]: Handler<M> } = {
    getMe: () => BOT_USER,
    logOut: () => true,
    close: () => true,
    async getUpdates(p, gone) {
      if (world.webhook !== undefined) {
        throw new ApiFailure(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        );
      }
      // The client hanging up ends the wait; the updates stay queued until confirmed.
      try {
        return await world.updates.take({
          offset: p.offset,
          limit: p.limit,
          timeout: Math.min(p.timeout ?? 0, MAX_POLL_SECONDS),
          signal: gone,
        });
      } catch (e) {
        if (e instanceof Conflict) {
          throw new ApiFailure(
            409,
            "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
          );
        }
        throw e;
      }
    },
    setWebhook(p) {
      if (p.url === "") {
        world.webhook = undefined;
        return true;
      }
      let url: URL;
      try {
        url = new URL(p.url);
      } catch {
        throw badRequest("bad webhook: invalid URL");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw badRequest("bad webhook: an HTTP or HTTPS URL must be provided");
      }
      if (p.drop_pending_updates === true) world.updates.drop();
      world.webhook = { url: url.toString(), secret: p.secret_token };
      return true;
    },
    deleteWebhook(p) {
      if (p.drop_pending_updates === true) world.updates.drop();
      world.webhook = undefined;
      return true;
    },
    getWebhookInfo: () => ({
      url: world.webhook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: world.updates.pendingCount,
    }),
    getChat: (p) => world.chat(p.chat_id),
    sendMessage(p) {
      if (p.text.length > 4096) throw badRequest("message is too long");
      const replyTo = p.reply_parameters?.message_id ?? p.reply_to_message_id;
      return world.botSends(p.chat_id, p.text, p.reply_markup, replyTo);
    },
    copyMessage: (p) => world.botCopies(p.chat_id, p.from_chat_id, p.message_id),
    editMessageText(p) {
      if (p.text.length > 4096) throw badRequest("MESSAGE_TOO_LONG");
      const t = editTarget(p);
      return world.botEdits(t.chatId, t.messageId, { text: p.text, replyMarkup: p.reply_markup });
    },
    editMessageReplyMarkup(p) {
      const t = editTarget(p);
      return world.botEdits(t.chatId, t.messageId, { replyMarkup: p.reply_markup });
    },
    deleteMessage(p) {
      world.botDeletes(p.chat_id, p.message_id);
      return true;
    },
    answerCallbackQuery(p) {
      world.answerQuery(p.callback_query_id, p.text, p.show_alert === true);
      return true;
    },
    setMyCommands(p) {
      world.setCommands(p.scope, p.language_code || undefined, p.commands);
      return true;
    },
    getMyCommands: (p) => world.getCommands(p.scope, p.language_code || undefined),
    deleteMyCommands(p) {
      world.setCommands(p.scope, p.language_code || undefined, []);
      return true;
    },
    sendChatAction(p) {
      world.chatAction(p.chat_id, p.action);
      return true;
    },
  };

  async function call(method: MethodName, raw: Record<string, unknown>, gone: AbortSignal) {
    const parsed = methods[method].safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badRequest(issue === undefined ? "invalid parameters" : describeIssue(issue, raw));
    }
    const handler = handlers[method] as Handler<typeof method>;
    return handler(parsed.data as Params<typeof method>, gone);
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  /** Answers one request whose path starts with /bot. */
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const match = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    try {
      if (match === null) throw new ApiFailure(404, "Not Found");
      if (match[1] !== o.token) throw new ApiFailure(401, "Unauthorized");
      const method = BY_LOWER.get((match[2] ?? "").toLowerCase());
      if (method === undefined) throw new ApiFailure(404, "Not Found: method not found");
      const params = await readParams(req, url);
      const gone = new AbortController();
      res.once("close", () => gone.abort());
      send(res, 200, { ok: true, result: await call(method, params, gone.signal) });
    } catch (e) {
      if (e instanceof ApiFailure) {
        send(res, e.code, e.toJSON());
        return;
      }
      o.logger.error(
        { err: e, path: url.pathname.replace(o.token, "<token>") },
        "local Bot API failed",
      );
      send(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
    }
  };
}
