/**
 * The one thing the core needs from a bot framework to talk to Telegram: call a
 * Bot API method. Each transport adapter (Telegraf, grammY) implements it and
 * maps its framework's errors to BotApiError.
 */
export interface BotApi {
  call(method: string, payload: Record<string, unknown>): Promise<unknown>;
}

/** A Bot API error answer (`ok: false`), or a failure to reach the API (code 0). */
export class BotApiError extends Error {
  readonly code: number;
  readonly description: string;
  /** seconds to wait, from a 429's `parameters.retry_after` */
  readonly retryAfter: number | undefined;

  constructor(code: number, description: string, retryAfter?: number) {
    super(`Bot API error ${code}: ${description}`);
    this.name = "BotApiError";
    this.code = code;
    this.description = description;
    this.retryAfter = retryAfter;
  }

  /** The chat is gone for us: blocked by the user, deactivated, or kicked from. */
  get chatUnreachable(): boolean {
    return this.code === 403;
  }

  /** Retrying the same request cannot succeed (a bad request, for instance). */
  get permanent(): boolean {
    return this.code === 400 || this.code === 403 || this.code === 404;
  }
}
