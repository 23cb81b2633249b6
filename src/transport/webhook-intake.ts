import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Logger } from "../logging/logger.ts";

/**
 * The webhook's door, owned here rather than by a bot framework, because what
 * Telegram is told decides whether an update can be lost: 200 only once the
 * update is stored (Telegram then forgets it), 503 when it could not be (Telegram
 * retries), 4xx for what no retry can fix. The body is read whole as bytes under a
 * cap and decoded once, so a character split across TCP chunks stays whole.
 */
export interface WebhookIntakeOptions {
  /** Telegram's secret token, compared in constant time */
  secret: string;
  /** larger bodies get 413 (default WEBHOOK_MAX_BYTES: Telegram's own updates are far smaller) */
  maxBytes?: number;
  /** stores the update; resolves once it is committed, throws when it could not be */
  store: (update: WebhookUpdate) => Promise<void>;
  logger: Logger;
}

/** What the door checks before storing: the rest is the inbox's to parse. */
const webhookUpdate = z.looseObject({ update_id: z.number().int().nonnegative() });
export type WebhookUpdate = z.infer<typeof webhookUpdate>;

/** How long, and how much of, a refused body is read after the answer before the connection is closed. */
const REFUSED_DRAIN_MS = 2_000;
const REFUSED_DRAIN_BYTES = 16 * 1024 * 1024;

/** The default cap on a webhook body: a megabyte. */
export const WEBHOOK_MAX_BYTES = 1024 * 1024;

const SECRET_HEADER = "x-telegram-bot-api-secret-token";

type Body = { ok: true; bytes: Buffer } | { ok: false; reason: "too_large" | "aborted" };

/** Reads the body up to `max` bytes; past it stops reading at once (too_large). */
function readBody(req: IncomingMessage, max: number): Promise<Body> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max)
    return Promise.resolve({ ok: false, reason: "too_large" });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.pause();
      resolve({ ok: false, reason: "too_large" });
    };
    req.on("data", onData);
    req.on("end", () => resolve({ ok: true, bytes: Buffer.concat(chunks) }));
    req.on("error", () => resolve({ ok: false, reason: "aborted" }));
    req.on("close", () => resolve({ ok: false, reason: "aborted" }));
  });
}

function secretMatches(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Parses the whole body; undefined when it is not a UTF-8 JSON update. */
function parseBody(bytes: Buffer): WebhookUpdate | undefined {
  try {
    const parsed = webhookUpdate.safeParse(JSON.parse(decoder.decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function createWebhookIntake(o: WebhookIntakeOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    /**
     * Answers `status`. A refused body may still be arriving: Telegram's (the secret matched) is
     * read and dropped after the answer, up to a time and size limit, because closing a socket
     * with unread bytes resets it, and the reset can reach the sender before the answer (it
     * would see no 413 and send the body again). A stranger's connection is closed at once.
     */
    const answer = (status: number, from: "telegram" | "stranger" = "telegram") => {
      if (status >= 400 && !req.readableEnded && from === "stranger") {
        res.setHeader("connection", "close");
        res.on("finish", () => req.destroy());
      } else if (status >= 400 && !req.readableEnded) {
        let dropped = 0;
        const stop = setTimeout(() => req.destroy(), REFUSED_DRAIN_MS);
        stop.unref();
        req.on("data", (chunk: Buffer) => {
          dropped += chunk.length;
          if (dropped > REFUSED_DRAIN_BYTES) req.destroy();
        });
        req.on("close", () => clearTimeout(stop));
        req.resume();
      }
      res.writeHead(status).end();
    };
    if (!secretMatches(req.headers[SECRET_HEADER], o.secret)) {
      o.logger.warn("webhook request without the secret token refused");
      answer(403, "stranger");
      return;
    }
    const maxBytes = o.maxBytes ?? WEBHOOK_MAX_BYTES;
    const body = await readBody(req, maxBytes);
    if (!body.ok) {
      o.logger.warn({ reason: body.reason, maxBytes }, "webhook body refused");
      answer(body.reason === "too_large" ? 413 : 400);
      return;
    }
    const update = parseBody(body.bytes);
    if (update === undefined) {
      // Its content may be anything a customer typed: only its size is logged.
      o.logger.warn({ bytes: body.bytes.length }, "webhook body is not a Telegram update");
      answer(400);
      return;
    }
    try {
      await o.store(update);
    } catch (err) {
      o.logger.error(
        { err, updateId: update.update_id },
        "storing a webhook update failed; Telegram will retry",
      );
      answer(503);
      return;
    }
    answer(200);
  };
}
