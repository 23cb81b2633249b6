// `npm run db:migrate`: applies pending migrations of prisma/migrations.
//   DATABASE_URL=postgresql://…  → that PostgreSQL database
//   DATABASE_URL unset           → the embedded PGlite in DATA_DIR (default ./data/, created if missing)
// `npm run db:migrate -- --resolve-rolled-back <name>` marks a failed migration
// as rolled back (like `prisma migrate resolve --rolled-back`), after fixing it.
// Both variables are read from `.env` too, as the program reads them.

import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { loadEnvFile } from "../config/load.ts";
import { lockDataFolder } from "../database/folder-lock.ts";
import {
  applyMigrations,
  MIGRATIONS_DIR,
  MigrationError,
  type MigrationLogger,
  type MigrationTarget,
  resolveRolledBack,
} from "../database/migrations/index.ts";

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
  fn: (target: MigrationTarget, where: string) => Promise<T>,
): Promise<T> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      // Not echoed: it may hold a password.
      throw new Error("DATABASE_URL must be a postgresql:// URL (its value is not shown).");
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const where = `PostgreSQL ${new URL(url).host}${new URL(url).pathname}`;
      return await fn({ kind: "postgres", client }, where);
    } finally {
      await client.end();
    }
  }
  const dataDir = path.resolve(process.env.DATA_DIR?.trim() || "./data");
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

const { resolve } = parseArgs(process.argv.slice(2));
loadEnvFile();

try {
  await withTarget(async (target, where) => {
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
