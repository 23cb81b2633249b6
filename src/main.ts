// The program's entry point: configuration, logging, database, the bot and
// its transport (long polling, or a webhook when WEBHOOK_URL is set).
import { registerCommandMenu } from "./app/commands-menu.ts";
import { createCore } from "./app/core.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import { openDatabase } from "./database/open.ts";
import { createLogger } from "./logging/logger.ts";
import { scrubCredentials, scrubString } from "./logging/redact.ts";
import { createMetrics } from "./metrics/index.ts";
import { Shutdown } from "./runtime/shutdown.ts";
import { createGrammyTransport } from "./transport/grammy.ts";
import { cachedCheck, type RequestHandler, startHttpServer } from "./transport/http-server.ts";
import { createTelegrafTransport } from "./transport/telegraf.ts";
import { createWebhookIntake } from "./transport/webhook-intake.ts";
import { botUser } from "./updates/parse.ts";

/** sysexits.h EX_CONFIG: the configuration is wrong. */
const EXIT_CONFIG = 78;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  // A token pasted into the wrong setting, or inside a webhook URL's path, is echoed masked.
  if (e instanceof ConfigError) fail(scrubCredentials(e.message), EXIT_CONFIG);
  throw e;
}

// Without a token, the playground instead: this program as a child against a local Bot
// API, and a page acting as Telegram. runPlayground never resolves (signals end it).
const token =
  config.botToken ?? (await (await import("./playground/run.ts")).runPlayground(config));

const logger = createLogger(config.logLevel);
const shutdown = new Shutdown(logger);
shutdown.listen();

const started = (async () => {
  // Which setting led to a database that cannot be opened: the operator's first question.
  const db = await openDatabase(config.database, logger).catch((e: unknown) => {
    const where =
      config.database.kind === "postgres"
        ? "DATABASE_URL"
        : `DATA_DIR (${config.database.dataDir})`;
    throw new Error(`${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  shutdown.add("database", () => db.close());

  // The outbox sends through the transport's Bot API client; the transport
  // feeds the inbox.
  const transportOptions = {
    token,
    apiRoot: config.telegramApiRoot,
    logger,
    callTimeoutMs: config.botApiTimeoutMs,
  };
  const transport =
    config.botFramework === "grammy"
      ? createGrammyTransport(transportOptions)
      : createTelegrafTransport(transportOptions);
  const metrics = createMetrics({ prisma: db.prisma });
  // Who the bot is: a group's commands for other bots are not answered. Without
  // an answer the bot still starts (polling or the webhook's registration then
  // tells whether Telegram can be reached), answering those too.
  const botUsername = await transport.api
    .call("getMe", {})
    .then((me) => botUser.parse(me).username)
    .catch((err: unknown) => {
      logger.warn({ err }, "getMe failed: commands for other bots in groups will be answered");
      return undefined;
    });
  const core = createCore({
    config,
    db,
    api: transport.api,
    logger,
    metrics,
    ...(botUsername === undefined ? {} : { botUsername }),
  });
  const { inbox, sender } = core;
  transport.mount(inbox);

  sender.start();
  shutdown.add("outbox", () => sender.stop());
  shutdown.add("inbox", () => inbox.idle());
  await registerCommandMenu(transport.api, core.i18n, config.defaultLanguage, logger);
  await core.staffMenus.registerAll();

  const routes = new Map<string, RequestHandler>();
  if (config.webhook !== undefined) {
    routes.set(
      new URL(config.webhook.url).pathname,
      createWebhookIntake({
        secret: config.webhook.secret,
        logger,
        store: (update) => inbox.accept(update, "webhook"),
      }),
    );
  }
  const server = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    logger,
    routes,
    metrics: metrics.scrape,
    health: {
      database: async () => {
        await db.prisma.$queryRaw`SELECT 1`;
      },
      telegram: cachedCheck(async () => {
        await transport.api.call("getMe", {});
      }, 30_000),
    },
  });
  shutdown.add("http", () => new Promise<void>((resolve) => server.close(() => resolve())));

  // What a crash or a restart left stored but unprocessed goes first, and the
  // webhook learns where Telegram's numbering stood.
  await inbox.start();
  // Stopping already (a signal came during the start): take no work on.
  if (shutdown.requested) return;
  // …and, from then on, the background jobs: deadlines, idle conversations,
  // retention, and the sweep for what a failed drain or another process left.
  core.scheduler.start();
  shutdown.add("background jobs", async () => {
    inbox.stop();
    await core.scheduler.stop();
  });
  if (config.webhook !== undefined) {
    // Registered once the intake listens, so Telegram's first delivery finds it.
    await transport.setWebhook(config.webhook.url, config.webhook.secret);
  } else {
    await transport.startPolling((err) => {
      // Exit for the supervisor to restart: polling will not resume by itself.
      logger.fatal({ err }, "polling stopped");
      void shutdown.run().finally(() => process.exit(1));
    });
    shutdown.add("polling", () => transport.stop());
  }
  logger.info(
    {
      database: db.kind,
      mode: config.webhook === undefined ? "polling" : "webhook",
      port: config.http.port,
    },
    "refund assistant running",
  );
})();
shutdown.during(started);
try {
  await started;
} catch (e) {
  logger.fatal({ err: e }, "cannot start");
  fail(`Cannot start: ${scrubString(e instanceof Error ? e.message : String(e))}`, 1);
}
