import type { Logger } from "../logging/logger.ts";
import type { UpdateSink } from "../updates/inbox.ts";
import type { BotApi } from "./bot-api.ts";

/**
 * What the program needs of a bot framework (BOT_FRAMEWORK): a Bot API client
 * for the outbox, long polling into the inbox, and the webhook's registration.
 * The webhook's requests themselves are taken by webhook-intake.ts, whichever
 * framework runs.
 */
export interface Transport {
  readonly api: BotApi;
  /**
   * Hands every update to the inbox, processed before the framework's handler
   * returns: polling confirms a batch only after it (and in-process tests see
   * the result).
   */
  mount(sink: UpdateSink): void;
  /** feeds one raw update through the framework (tests drive the bot this way) */
  handleUpdate(update: unknown): Promise<void>;
  /**
   * Starts long polling; `onStopped` is told if polling ends by itself (a
   * revoked token, another instance polling): the program cannot go on.
   */
  startPolling(onStopped: (err: unknown) => void): Promise<void>;
  /** registers the webhook with its secret */
  setWebhook(url: string, secret: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TransportOptions {
  token: string;
  apiRoot: string;
  logger: Logger;
  /** how long one Bot API call may take before it is abandoned */
  callTimeoutMs: number;
}
