import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import type { Logger } from "../logging/logger.ts";
import { createBotApi } from "./bot-api.ts";
import { createPageApi, type PageEvent, type PlaygroundStatus } from "./page-api.ts";
import type { World } from "./world.ts";

/** The page's files: plain HTML, CSS and a script, no build step. */
const PAGE_DIR = path.join(import.meta.dirname, "page");
/**
 * The colour-emoji font the page ships (Noto Color Emoji, split by Unicode
 * range): the bot's messages use emoji, which systems without such a font
 * (Debian's Chromium, for one) draw as empty boxes. Its COLRv1 glyphs are the
 * colour format Chromium draws; browsers that cannot skip it (`tech()`).
 */
const EMOJI_DIR = path.dirname(
  createRequire(import.meta.url).resolve("@infolektuell/noto-color-emoji/index.css"),
);
type PageFile = { file: string; type: string };
const PAGE_FILES = new Map<string, PageFile>([
  ["/", { file: path.join(PAGE_DIR, "index.html"), type: "text/html; charset=utf-8" }],
  ["/app.js", { file: path.join(PAGE_DIR, "app.js"), type: "text/javascript; charset=utf-8" }],
  ["/style.css", { file: path.join(PAGE_DIR, "style.css"), type: "text/css; charset=utf-8" }],
  [
    "/emoji/index.css",
    { file: path.join(EMOJI_DIR, "index.css"), type: "text/css; charset=utf-8" },
  ],
  ...readdirSync(path.join(EMOJI_DIR, "files"))
    .filter((name) => name.endsWith(".woff2"))
    .map((name): [string, PageFile] => [
      `/emoji/files/${name}`,
      { file: path.join(EMOJI_DIR, "files", name), type: "font/woff2" },
    ]),
]);

export interface PlaygroundServer {
  readonly server: Server;
  readonly port: number;
  broadcast(e: PageEvent): void;
  close(): Promise<void>;
}

/**
 * One HTTP server on loopback for both sides: the local Bot API under
 * /bot<token>/ for the bot, and the page with its /api/ for the browser.
 */
export async function startPlaygroundServer(o: {
  world: World;
  token: string;
  logger: Logger;
  host?: string;
  port: number;
  status(): PlaygroundStatus;
  reset(): Promise<void>;
}): Promise<PlaygroundServer> {
  const botApi = createBotApi({ world: o.world, token: o.token, logger: o.logger });
  const page = createPageApi({
    world: o.world,
    logger: o.logger,
    status: o.status,
    reset: o.reset,
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    void (async () => {
      if (url.pathname.startsWith("/bot")) {
        await botApi(req, res, url);
        return;
      }
      if (url.pathname.startsWith("/api/") && (await page.handle(req, res, url))) return;
      const file = req.method === "GET" ? PAGE_FILES.get(url.pathname) : undefined;
      if (file === undefined) {
        res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
        return;
      }
      const body = await readFile(file.file);
      res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(body);
    })().catch((err: unknown) => {
      o.logger.error({ err }, "playground request failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Long polls last up to 50 s: keep Node's request timeout out of their way.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : o.port;
  return {
    server,
    port,
    broadcast: page.broadcast,
    async close() {
      page.close();
      o.world.updates.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
