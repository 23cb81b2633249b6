import { rm } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config/load.ts";
import { createLogger, type Logger } from "../logging/logger.ts";
import { Shutdown } from "../runtime/shutdown.ts";
import { BotChild } from "./bot-process.ts";
import type { PlaygroundStatus } from "./page-api.ts";
import { PLAYGROUND_TOKEN, STAFF, STAFF_GROUP } from "./people.ts";
import { type PlaygroundServer, startPlaygroundServer } from "./server.ts";
import { startWebhookDelivery } from "./webhook.ts";
import { World } from "./world.ts";

/** The page's port when free; another free port otherwise. */
export const DEFAULT_PORT = 8090;
/** The playground's own database folder: never the real DATA_DIR. */
export const PLAYGROUND_DIR = "data/playground";
/** The bot's first getUpdates shows that it runs; a cold start migrates the database first. */
const READY_TIMEOUT_MS = 60_000;

export interface PlaygroundOptions {
  config: Config;
  logger: Logger;
  /** where the bot's embedded database lives; wiped by a reset */
  dataDir: string;
  port: number;
  /** the bot's LOG_LEVEL (its log goes to stderr) */
  botLogLevel: string;
}

export interface Playground {
  readonly url: string;
  readonly world: World;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function listen(o: Parameters<typeof startPlaygroundServer>[0]): Promise<PlaygroundServer> {
  try {
    return await startPlaygroundServer(o);
  } catch (e) {
    if (o.port === 0 || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    return startPlaygroundServer({ ...o, port: 0 });
  }
}

/**
 * Starts the local Bot API and the page, then the real bot against them, and
 * resolves once the bot polls. A reset stops the bot, wipes its folder and the
 * world, and starts it again.
 */
export async function startPlayground(o: PlaygroundOptions): Promise<Playground> {
  const world = new World();
  let status: PlaygroundStatus = "starting";
  let bot: BotChild | undefined;
  let resetting: Promise<void> | undefined;

  const server = await listen({
    world,
    token: PLAYGROUND_TOKEN,
    logger: o.logger,
    port: o.port,
    status: () => status,
    reset: () => {
      resetting ??= reset().finally(() => {
        resetting = undefined;
      });
      return resetting;
    },
  });
  const setStatus = (s: PlaygroundStatus) => {
    status = s;
    server.broadcast({ type: "status", status: s });
  };
  const url = `http://127.0.0.1:${server.port}`;
  const webhook = startWebhookDelivery(world, o.logger);

  bot = new BotChild({
    BOT_TOKEN: PLAYGROUND_TOKEN,
    TELEGRAM_API_ROOT: url,
    // Blank means unset, and the real environment wins over .env: the bot gets the
    // embedded database in the playground's folder whatever .env says.
    DATABASE_URL: "",
    DATA_DIR: o.dataDir,
    WEBHOOK_URL: "",
    WEBHOOK_SECRET: "",
    ADMIN_IDS: STAFF.map((s) => s.id).join(","),
    STAFF_CHAT_ID: String(STAFF_GROUP.id),
    HTTP_HOST: "127.0.0.1",
    SUPPORT_EMAIL: o.config.supportEmail,
    LOG_LEVEL: o.botLogLevel,
  });
  bot.onCrash = (code) => {
    o.logger.error({ code }, "the playground's bot stopped");
    setStatus("failed");
  };

  async function startBot(b: BotChild): Promise<void> {
    const polled = new Promise<void>((resolve) => {
      world.updates.onPoll = () => {
        world.updates.onPoll = undefined;
        resolve();
      };
    });
    await b.start();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the bot did not start polling:\n${b.recent.join("\n")}`)),
        READY_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([polled, b.exited(), late]);
    } finally {
      clearTimeout(timer);
    }
    setStatus("ready");
  }

  async function reset(): Promise<void> {
    if (bot === undefined) return;
    setStatus("resetting");
    await bot.stop();
    await rm(o.dataDir, { recursive: true, force: true });
    world.reset();
    await startBot(bot);
  }

  try {
    await startBot(bot);
  } catch (e) {
    await bot.stop();
    await webhook.stop();
    await server.close();
    throw e;
  }

  return {
    url,
    world,
    reset: () => {
      resetting ??= reset().finally(() => {
        resetting = undefined;
      });
      return resetting;
    },
    async stop() {
      const b = bot;
      bot = undefined;
      await b?.stop();
      await webhook.stop();
      await server.close();
    },
  };
}

/**
 * `npm run playground`, and `npm start` without a token: runs the playground
 * until SIGINT or SIGTERM. Never resolves; the shutdown exits the process.
 */
export async function runPlayground(config: Config): Promise<never> {
  const logger = createLogger(config.logLevel);
  const shutdown = new Shutdown(logger);
  shutdown.listen();
  const dataDir = path.resolve(PLAYGROUND_DIR);
  process.stdout.write(
    "Starting the playground: the real bot against a local stand-in for Telegram (nothing reaches Telegram or your data).\n",
  );
  let playground: Playground;
  try {
    playground = await startPlayground({
      config,
      logger,
      dataDir,
      port: DEFAULT_PORT,
      botLogLevel: process.env.LOG_LEVEL ?? "warn",
    });
  } catch (e) {
    process.stderr.write(
      `Cannot start the playground: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    process.exit(1);
  }
  shutdown.add("playground", () => playground.stop());
  process.stdout.write(
    `Playground running: open ${playground.url} (the bot's database: ${dataDir})\n`,
  );
  return new Promise<never>(() => {});
}
