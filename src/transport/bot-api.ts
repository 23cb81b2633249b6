/**
 * The one thing the core needs from a bot framework to talk to Telegram: call a
 * Bot API method. Each transport adapter (Telegraf, grammY) implements it and
 * maps its framework's errors to BotApiError.
 */
export interface BotApi {
  call(method: string, payload: Record<string, unknown>): Promise<unknown>;
}

/**
 * A file the bot uploads (sendDocument's `document`): kept in the outbox as
 * JSON, turned by each adapter into its framework's upload.
 */
export interface Upload {
  upload: { filename: string; content: string };
}

export function isUpload(value: unknown): value is Upload {
  const u = (value as Partial<Upload> | null)?.upload;
  return typeof u?.filename === "string" && typeof u.content === "string";
}

/** A payload with its uploads in the framework's own form. */
export function withUploads(
  payload: Record<string, unknown>,
  toFile: (u: Upload["upload"]) => unknown,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, isUpload(v) ? toFile(v.upload) : v]),
  );
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

  /**
   * Telegram, or the way to it, failed rather than the request: no answer in
   * time (0), a server error (5xx), the bot's token refused (401, until the
   * operator mends it). Retrying the same request later can succeed.
   */
  get transient(): boolean {
    return this.code === 0 || this.code === 401 || this.code >= 500;
  }

  /** Retrying the same request cannot succeed (a bad request, for instance). */
  get permanent(): boolean {
    return this.code === 400 || this.code === 403 || this.code === 404;
  }
}
