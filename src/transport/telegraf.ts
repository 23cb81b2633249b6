import type { IncomingMessage, ServerResponse } from "node:http";
import { Telegraf, TelegramError } from "telegraf";
import type { UserFromGetMe } from "telegraf/types";
import type { Logger } from "../logging/logger.ts";
import type { UpdateSink } from "../updates/inbox.ts";
import { type BotApi, BotApiError } from "./bot-api.ts";

/**
 * The Telegraf adapter: the only file that imports Telegraf. It hands every
 * update to the inbox and lends the core its Bot API client; polling and the
 * webhook are Telegraf's.
 */
export interface TelegrafTransportOptions {
  token: string;
  apiRoot: string;
  logger: Logger;
  /** skip getMe (tests, or a known bot) */
  botInfo?: UserFromGetMe;
}

export interface TelegrafTransport {
  readonly api: BotApi;
  /**
   * Hands every update to the inbox. awaitProcessing true: an update is
   * processed before Telegraf's handler returns (polling, in-process tests).
   * false: it is stored, then processed in the background, so a webhook
   * answers at once and Telegram's retries never double anything.
   */
  mount(sink: UpdateSink, options: { awaitProcessing: boolean }): void;
  /** feeds one raw update through Telegraf (tests drive the bot this way) */
  handleUpdate(update: unknown): Promise<void>;
  startPolling(): Promise<void>;
  /** registers the webhook with its secret; returns the request handler */
  startWebhook(
    url: string,
    secret: string,
  ): Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void>>;
  stop(): Promise<void>;
}

export function toBotApiError(e: unknown): unknown {
  if (e instanceof TelegramError)
    return new BotApiError(e.code, e.description, e.parameters?.retry_after);
  if (e instanceof Error) return new BotApiError(0, e.message);
  return e;
}

export function createTelegrafTransport(o: TelegrafTransportOptions): TelegrafTransport {
  const bot = new Telegraf(o.token, { telegram: { apiRoot: o.apiRoot }, handlerTimeout: 60_000 });
  if (o.botInfo !== undefined) bot.botInfo = o.botInfo;

  const callApi = bot.telegram.callApi.bind(bot.telegram) as unknown as (
    method: string,
    payload: Record<string, unknown>,
  ) => Promise<unknown>;
  const api: BotApi = {
    async call(method, payload) {
      try {
        return await callApi(method, payload);
      } catch (e) {
        throw toBotApiError(e);
      }
    },
  };

  let polling = false;
  return {
    api,
    mount(sink, { awaitProcessing }) {
      bot.use((ctx) => sink.accept(ctx.update, { wait: awaitProcessing }));
    },
    handleUpdate: (update) => bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]),
    async startPolling() {
      polling = true;
      // launch() resolves only when polling stops; errors surface through the logger.
      void bot.launch({ dropPendingUpdates: false }).catch((err: unknown) => {
        o.logger.fatal({ err }, "polling stopped");
      });
    },
    async startWebhook(url, secret) {
      bot.botInfo ??= await bot.telegram.getMe();
      await bot.telegram.setWebhook(url, { secret_token: secret, drop_pending_updates: false });
      const callback = bot.webhookCallback(new URL(url).pathname, { secretToken: secret });
      return (req, res) => callback(req, res);
    },
    async stop() {
      if (polling) bot.stop("shutdown");
    },
  };
}
