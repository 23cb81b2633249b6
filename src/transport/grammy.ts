import { Bot, GrammyError, HttpError, InputFile } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { scrubString } from "../logging/redact.ts";
import { type BotApi, BotApiError, withUploads } from "./bot-api.ts";
import type { Transport, TransportOptions } from "./transport.ts";

/**
 * The grammY adapter (BOT_FRAMEWORK=grammy): the same core on another
 * framework, and the only file that imports grammY. It hands every polled
 * update to the inbox and lends the core grammY's Bot API client.
 */
export interface GrammyTransportOptions extends TransportOptions {
  botInfo?: UserFromGetMe;
}

/** The parameterless Bot API methods the program calls. */
const PARAMETERLESS = new Set(["getMe", "getWebhookInfo"]);

function toBotApiError(e: unknown): unknown {
  if (e instanceof GrammyError)
    return new BotApiError(e.error_code, e.description, e.parameters.retry_after);
  if (e instanceof HttpError) return new BotApiError(0, scrubString(e.message));
  return e;
}

export function createGrammyTransport(o: GrammyTransportOptions): Transport {
  const bot = new Bot(o.token, {
    client: { apiRoot: o.apiRoot },
    ...(o.botInfo === undefined ? {} : { botInfo: o.botInfo }),
  });
  bot.catch((e) => o.logger.error({ err: e.error }, "update failed"));

  const raw = bot.api.raw as unknown as Record<
    string,
    (...args: [Record<string, unknown>, AbortSignal] | [AbortSignal]) => Promise<unknown>
  >;
  const api: BotApi = {
    async call(method, payload) {
      const fn = raw[method];
      if (fn === undefined) throw new BotApiError(404, `unknown method ${method}`);
      const signal = AbortSignal.timeout(o.callTimeoutMs);
      try {
        // grammY's raw methods without parameters take the signal first.
        const files = withUploads(
          payload,
          (u) => new InputFile(Buffer.from(u.content, "utf8"), u.filename),
        );
        return await (PARAMETERLESS.has(method) ? fn(signal) : fn(files, signal));
      } catch (e) {
        throw toBotApiError(e);
      }
    },
  };

  return {
    api,
    mount(sink) {
      bot.use((ctx) => sink.accept(ctx.update, "polling"));
    },
    async setWebhook(url, secret) {
      await bot.api.setWebhook(url, { secret_token: secret, drop_pending_updates: false });
    },
    handleUpdate: (update) => bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]),
    async startPolling(onStopped) {
      void bot.start({ drop_pending_updates: false }).catch(onStopped);
    },
    stop: () => bot.stop(),
  };
}
