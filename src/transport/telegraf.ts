import { Telegraf, TelegramError } from "telegraf";
import type { UserFromGetMe } from "telegraf/types";
import { scrubString } from "../logging/redact.ts";
import { type BotApi, BotApiError, withUploads } from "./bot-api.ts";
import type { Transport, TransportOptions } from "./transport.ts";

/**
 * The Telegraf adapter (BOT_FRAMEWORK=telegraf, the default): the only file
 * that imports Telegraf. It hands every polled update to the inbox and lends
 * the core its Bot API client.
 */
export interface TelegrafTransportOptions extends TransportOptions {
  /** skip getMe (tests, or a known bot) */
  botInfo?: UserFromGetMe;
}

export type TelegrafTransport = Transport;

export function toBotApiError(e: unknown): unknown {
  if (e instanceof TelegramError)
    return new BotApiError(e.code, e.description, e.parameters?.retry_after);
  // Telegraf leaves the token in the URL of some messages (a reply that is not JSON).
  if (e instanceof Error) return new BotApiError(0, scrubString(e.message));
  return e;
}

export function createTelegrafTransport(o: TelegrafTransportOptions): TelegrafTransport {
  // No handler time limit: a polled update is held while the database is away,
  // and Telegraf giving up on it would confirm the batch and stop polling.
  const bot = new Telegraf(o.token, {
    telegram: { apiRoot: o.apiRoot },
    handlerTimeout: Number.POSITIVE_INFINITY,
  });
  if (o.botInfo !== undefined) bot.botInfo = o.botInfo;
  // Telegraf's own handler prints the whole update (what a customer typed) on stderr.
  bot.catch((err) => {
    o.logger.error({ err }, "an update failed in Telegraf");
    throw err;
  });

  const callApi = bot.telegram.callApi.bind(bot.telegram) as unknown as (
    method: string,
    payload: Record<string, unknown>,
    options: { signal: AbortSignal },
  ) => Promise<unknown>;
  const api: BotApi = {
    async call(method, payload) {
      try {
        const files = withUploads(payload, (u) => ({
          source: Buffer.from(u.content, "utf8"),
          filename: u.filename,
        }));
        return await callApi(method, files, { signal: AbortSignal.timeout(o.callTimeoutMs) });
      } catch (e) {
        throw toBotApiError(e);
      }
    },
  };

  let polling = false;
  return {
    api,
    mount(sink) {
      bot.use((ctx) => sink.accept(ctx.update, "polling"));
    },
    handleUpdate: (update) => bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]),
    async startPolling(onStopped) {
      polling = true;
      // launch() resolves only when polling stops. Once it has, there is nothing to stop:
      // Telegraf's stop() would throw "Bot is not running!".
      void bot.launch({ dropPendingUpdates: false }).catch((err: unknown) => {
        polling = false;
        onStopped(err);
      });
    },
    async setWebhook(url, secret) {
      await bot.telegram.setWebhook(url, { secret_token: secret, drop_pending_updates: false });
    },
    async stop() {
      if (polling) bot.stop("shutdown");
    },
  };
}
