import { Bot, GrammyError, HttpError } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "../logging/logger.ts";
import type { UpdateSink } from "../updates/inbox.ts";
import { type BotApi, BotApiError } from "./bot-api.ts";

/**
 * The grammY adapter: proof that the core depends on no bot framework. It
 * mounts the same inbox and lends the core grammY's Bot API client; nothing
 * else changes.
 */
export interface GrammyTransportOptions {
  token: string;
  apiRoot: string;
  logger: Logger;
  botInfo?: UserFromGetMe;
  /** how long one Bot API call may take before it is abandoned */
  callTimeoutMs: number;
}

export interface GrammyTransport {
  readonly api: BotApi;
  /** Hands every update to the inbox, processed before the handler returns. */
  mount(sink: UpdateSink): void;
  /** registers the webhook with its secret (requests are taken by src/transport/webhook-intake.ts) */
  setWebhook(url: string, secret: string): Promise<void>;
  handleUpdate(update: unknown): Promise<void>;
  startPolling(): Promise<void>;
  stop(): Promise<void>;
}

function toBotApiError(e: unknown): unknown {
  if (e instanceof GrammyError)
    return new BotApiError(e.error_code, e.description, e.parameters.retry_after);
  if (e instanceof HttpError) return new BotApiError(0, e.message);
  return e;
}

export function createGrammyTransport(o: GrammyTransportOptions): GrammyTransport {
  const bot = new Bot(o.token, {
    client: { apiRoot: o.apiRoot },
    ...(o.botInfo === undefined ? {} : { botInfo: o.botInfo }),
  });
  bot.catch((e) => o.logger.error({ err: e.error }, "update failed"));

  const raw = bot.api.raw as unknown as Record<
    string,
    (payload: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>
  >;
  const api: BotApi = {
    async call(method, payload) {
      const fn = raw[method];
      if (fn === undefined) throw new BotApiError(404, `unknown method ${method}`);
      try {
        return await fn(payload, AbortSignal.timeout(o.callTimeoutMs));
      } catch (e) {
        throw toBotApiError(e);
      }
    },
  };

  return {
    api,
    mount(sink) {
      bot.use((ctx) => sink.accept(ctx.update, { wait: true }));
    },
    async setWebhook(url, secret) {
      await bot.api.setWebhook(url, { secret_token: secret, drop_pending_updates: false });
    },
    handleUpdate: (update) => bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]),
    async startPolling() {
      void bot.start({ drop_pending_updates: false }).catch((err: unknown) => {
        o.logger.fatal({ err }, "polling stopped");
      });
    },
    stop: () => bot.stop(),
  };
}
