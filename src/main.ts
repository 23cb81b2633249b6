// The program's entry point: configuration, logging, database, then the bot.
import { ConfigError, loadConfig } from "./config/load.ts";
import { openDatabase } from "./database/open.ts";
import { createLogger } from "./logging/logger.ts";
import { Shutdown } from "./runtime/shutdown.ts";

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
  if (e instanceof ConfigError) fail(e.message, EXIT_CONFIG);
  throw e;
}

if (config.botToken === undefined) {
  fail(
    "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram and put its token in BOT_TOKEN " +
      "(in the environment or in .env; see .env.example for every setting).",
    EXIT_CONFIG,
  );
}

const logger = createLogger(config.logLevel);
const shutdown = new Shutdown(logger);
shutdown.listen();

try {
  const db = await openDatabase(config.database, logger);
  shutdown.add("database", () => db.close());
  logger.info({ database: db.kind }, "database ready");
} catch (e) {
  fail(`Cannot start: ${e instanceof Error ? e.message : String(e)}`, 1);
}
