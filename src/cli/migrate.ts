// `npm run db:migrate`: applies pending migrations of prisma/migrations.
//   DATABASE_URL=postgresql://…  → that PostgreSQL database
//   DATABASE_URL unset           → the embedded PGlite in DATA_DIR (default ./data/, created if missing)
// `npm run db:migrate -- --resolve-rolled-back <name>` marks a failed migration
// as rolled back (like `prisma migrate resolve --rolled-back`), after fixing it.
// The settings are read and checked as the program reads them (`.env` included): a
// configuration the program would refuse is refused here too, naming the setting.

import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { ConfigError, type DatabaseConfig, loadConfig } from "../config/load.ts";
import { lockDataFolder } from "../database/folder-lock.ts";
import {
  applyMigrations,
  MIGRATIONS_DIR,
  MigrationError,
  type MigrationLogger,
  type MigrationTarget,
  resolveRolledBack,
} from "../database/migrations/index.ts";
import { scrubCredentials } from "../logging/redact.ts";

/** sysexits.h EX_CONFIG, as the program uses it. */
const EXIT_CONFIG = 78;

const USAGE = "Usage: npm run db:migrate [-- --resolve-rolled-back <migration_name>]\n";

function parseArgs(argv: string[]): { resolve: string | undefined } {
  if (argv.length === 0) return { resolve: undefined };
  if (argv[0] === "--resolve-rolled-back" && argv.length === 2 && argv[1])
    return { resolve: argv[1] };
  if (argv.length === 1 && argv[0]?.startsWith("--resolve-rolled-back=")) {
    const name = argv[0].slice("--resolve-rolled-back=".length);
    if (name) return { resolve: name };
  }
  process.stderr.write(USAGE);
  process.exit(2);
}

const logger: MigrationLogger = {
  info: (message) => process.stdout.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
};

async function withTarget<T>(
  database: DatabaseConfig,
  fn: (target: MigrationTarget, where: string) => Promise<T>,
): Promise<T> {
  if (database.kind === "postgres") {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const url = new URL(database.url);
      return await fn({ kind: "postgres", client }, `PostgreSQL ${url.host}${url.pathname}`);
    } finally {
      await client.end();
    }
  }
  const { dataDir } = database;
  const release = lockDataFolder(dataDir);
  try {
    const db = await PGlite.create(dataDir);
    try {
      return await fn({ kind: "pglite", db }, `embedded PGlite in ${dataDir}`);
    } finally {
      await db.close();
    }
  } finally {
    release();
  }
}

/** The database as the program would open it: the same settings, checked the same way. */
function databaseOf(): DatabaseConfig {
  try {
    return loadConfig().database;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${scrubCredentials(e.message)}\n`);
    process.exit(EXIT_CONFIG);
  }
}

const { resolve } = parseArgs(process.argv.slice(2));
const database = databaseOf();

try {
  await withTarget(database, async (target, where) => {
    if (resolve) {
      await resolveRolledBack(target, resolve);
      process.stdout.write(
        `Marked ${resolve} as rolled back in ${where}; the next run applies it again.\n`,
      );
      return;
    }
    const started = performance.now();
    const { applied } = await applyMigrations(target, { migrationsDir: MIGRATIONS_DIR, logger });
    const ms = Math.round(performance.now() - started);
    process.stdout.write(
      applied.length === 0
        ? `${where}: already up to date.\n`
        : `${where}: applied ${applied.length} migration(s) in ${ms} ms: ${applied.join(", ")}\n`,
    );
  });
} catch (e) {
  if (e instanceof MigrationError) {
    process.stderr.write(`${e.message}\n`);
  } else {
    process.stderr.write(`db:migrate failed: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  process.exit(1);
}
