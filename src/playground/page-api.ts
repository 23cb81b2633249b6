import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Logger } from "../logging/logger.ts";
import { ApiFailure } from "./errors.ts";
import {
  APP_LANGUAGES,
  BOT_USER,
  CUSTOMERS,
  findPerson,
  type Person,
  STAFF,
  STAFF_GROUP,
} from "./people.ts";
import { readBody } from "./request.ts";
import { telegramUser, type World, type WorldEvent } from "./world.ts";

/**
 * What the page calls: it plays the people's Telegram apps. It reads the
 * world, listens to its changes as server-sent events, and writes and presses
 * buttons as a chosen person with a chosen app language.
 */

export type PlaygroundStatus = "starting" | "ready" | "resetting" | "failed";

export type PageEvent = WorldEvent | { type: "status"; status: PlaygroundStatus };

const as = z.object({
  chatId: z.number().int(),
  userId: z.number().int(),
  lang: z.enum(APP_LANGUAGES),
});
const sendBody = as.extend({
  text: z.string().trim().min(1).max(4096),
  replyTo: z.number().int().optional(),
});
const pressBody = as.extend({ messageId: z.number().int(), data: z.string().min(1).max(64) });
/** A photo the page drew: a PNG, base64 (within the page's 1 MB request limit). */
const photoBody = as.extend({
  png: z.base64().max(900_000),
  width: z.number().int().min(1).max(4096),
  height: z.number().int().min(1).max(4096),
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function bodyOf<T extends z.ZodType>(req: IncomingMessage, schema: T): Promise<z.output<T>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readBody(req));
  } catch {
    throw new ApiFailure(400, "the body is not JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiFailure(400, parsed.error.issues[0]?.message ?? "bad request");
  return parsed.data;
}

/** A person may write only where their app would let them: their own chat, or the group if staff. */
function speaker(chatId: number, userId: number): Person {
  const p = findPerson(userId);
  const inGroup = chatId === STAFF_GROUP.id && STAFF.some((s) => s.id === userId);
  if (p === undefined || (chatId !== userId && !inGroup)) {
    throw new ApiFailure(403, "this person cannot write in this chat");
  }
  return p;
}

export interface PageApiOptions {
  world: World;
  logger: Logger;
  status(): PlaygroundStatus;
  /** wipes the playground's database and world, and restarts the bot */
  reset(): Promise<void>;
}

export function createPageApi(o: PageApiOptions) {
  const { world } = o;
  const streams = new Set<ServerResponse>();

  function broadcast(e: PageEvent): void {
    const frame = `data: ${JSON.stringify(e)}\n\n`;
    for (const res of streams) res.write(frame);
  }
  world.subscribe(broadcast);

  function state() {
    const chats: number[] = [...CUSTOMERS, ...STAFF].map((p) => p.id);
    chats.push(STAFF_GROUP.id);
    return {
      status: o.status(),
      bot: { name: BOT_USER.first_name, username: BOT_USER.username },
      customers: CUSTOMERS,
      staff: STAFF,
      staffGroup: STAFF_GROUP,
      languages: APP_LANGUAGES,
      messages: Object.fromEntries(chats.map((id) => [id, world.messages(id)])),
    };
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    // The browser reconnects after this pause if the stream drops (the page then reloads its state).
    res.write("retry: 1000\n\n");
    streams.add(res);
    const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
    req.on("close", () => {
      clearInterval(ping);
      streams.delete(res);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const route = `${req.method} ${url.pathname}`;
    try {
      switch (route) {
        case "GET /api/state":
          json(res, 200, state());
          return true;
        case "GET /api/events":
          events(req, res);
          return true;
        case "GET /api/menu": {
          const q = as.pick({ chatId: true, lang: true }).safeParse({
            chatId: Number(url.searchParams.get("chatId")),
            lang: url.searchParams.get("lang"),
          });
          if (!q.success) throw new ApiFailure(400, "chatId and lang are required");
          json(res, 200, world.menuFor(q.data.chatId, q.data.lang));
          return true;
        }
        case "POST /api/send": {
          const b = await bodyOf(req, sendBody);
          const from = telegramUser(speaker(b.chatId, b.userId), b.lang);
          json(res, 200, world.userSends(b.chatId, from, b.text, b.replyTo));
          return true;
        }
        case "POST /api/photo": {
          const b = await bodyOf(req, photoBody);
          const from = telegramUser(speaker(b.chatId, b.userId), b.lang);
          const png = Buffer.from(b.png, "base64");
          const size = { width: b.width, height: b.height };
          json(res, 200, world.userSendsPhoto(b.chatId, from, png, size));
          return true;
        }
        case "GET /api/file": {
          const png = world.file(url.searchParams.get("id") ?? "");
          if (png === undefined) throw new ApiFailure(404, "no such file");
          res.writeHead(200, { "content-type": "image/png", "cache-control": "no-store" });
          res.end(png);
          return true;
        }
        case "POST /api/press": {
          const b = await bodyOf(req, pressBody);
          const from = telegramUser(speaker(b.chatId, b.userId), b.lang);
          json(res, 200, { queryId: world.userPresses(b.chatId, b.messageId, from, b.data) });
          return true;
        }
        case "POST /api/reset":
          await o.reset();
          json(res, 200, { ok: true });
          return true;
        default:
          return false;
      }
    } catch (e) {
      if (e instanceof ApiFailure) {
        json(res, e.code, { error: e.description });
        return true;
      }
      o.logger.error({ err: e, route }, "playground page request failed");
      json(res, 500, { error: e instanceof Error ? e.message : String(e) });
      return true;
    }
  }

  return {
    handle,
    broadcast,
    /** ends every open event stream (shutdown) */
    close(): void {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
