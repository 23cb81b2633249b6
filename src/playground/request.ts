import type { IncomingMessage } from "node:http";
import { badRequest } from "./errors.ts";

/** Telegram refuses bodies over this size for text methods; we never need more. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) throw badRequest("request entity too large");
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A Bot API request's parameters, as Telegram reads them: the query string,
 * then a JSON or form-encoded body over it. Form values stay strings (nested
 * objects arrive as JSON text); the method schemas accept both forms.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (req.method !== "POST") return params;
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const body = await readBody(req);
  if (body.trim() === "") return params;
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw badRequest("can't parse JSON request body");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw badRequest("request body must be a JSON object");
    }
    return { ...params, ...(parsed as Record<string, unknown>) };
  }
  if (type === "application/x-www-form-urlencoded" || type === "") {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body)) };
  }
  // multipart/form-data carries files; the bot sends none, so the playground does not read it.
  throw badRequest(`unsupported content type ${type} (the playground reads JSON and forms)`);
}
