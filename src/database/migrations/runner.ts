// Applies prisma/migrations/<stamp>_<name>/migration.sql in order and keeps
// `_prisma_migrations` exactly as `prisma migrate deploy` does, so that a machine
// with Prisma's native engine agrees about the same database:
// - the same table, created with the same DDL;
// - one row per attempt: a uuid id, the sha256 (hex) of migration.sql, the name,
//   started_at; finished_at and applied_steps_count = 1 only on success; logs on
//   failure; rolled_back_at when an operator resolves a failure;
// - no migration is applied while a failed row exists (Prisma's P3009);
// - on PostgreSQL, the advisory lock 72707369 is held while migrating.
// Unlike Prisma, each migration runs in a transaction together with the update
// of its row: a failing migration leaves the schema and data unchanged and only
// its failed row behind. Migrations therefore must not manage transactions
// themselves (no BEGIN/COMMIT, no CREATE INDEX CONCURRENTLY).

import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { PGlite, Transaction as PGliteTransaction } from "@electric-sql/pglite";
import type pg from "pg";

/** A database to migrate: an embedded PGlite, or one PostgreSQL connection. */
export type MigrationTarget =
  | { kind: "pglite"; db: PGlite }
  | { kind: "postgres"; client: pg.Client };

/** Anything with info/warn taking a message (pino's logger fits). */
export type MigrationLogger = {
  info(message: string): void;
  warn(message: string): void;
};

export type ApplyMigrationsOptions = {
  /** The folder holding `<stamp>_<name>/migration.sql` and `migration_lock.toml`. */
  migrationsDir: string;
  logger?: MigrationLogger | undefined;
  /** PostgreSQL: how long to wait for another runner's advisory lock (default 60 s). */
  lockTimeoutMs?: number;
};

export type ApplyMigrationsResult = {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
  /** Applied migrations whose migration.sql no longer matches the recorded checksum. */
  checksumMismatches: string[];
  /** Migrations recorded in the database that the folder does not have. */
  missingLocally: string[];
};

export type MigrationErrorCode =
  /** A previous attempt failed and was not resolved (Prisma P3009). */
  | "FAILED_MIGRATION_PRESENT"
  /** A migration failed now; it was rolled back and recorded as failed (Prisma P3018). */
  | "MIGRATION_FAILED"
  /** Another runner held the advisory lock for too long. */
  | "LOCK_TIMEOUT"
  /** The migrations folder is unreadable or not for PostgreSQL. */
  | "INVALID_MIGRATIONS_FOLDER"
  /** resolveRolledBack: there is no failed attempt of that migration (Prisma P3011/P3012). */
  | "NOT_FAILED";

export class MigrationError extends Error {
  override readonly name = "MigrationError";
  readonly code: MigrationErrorCode;
  /** The migration concerned, when there is one. */
  readonly migration: string | undefined;

  constructor(
    code: MigrationErrorCode,
    message: string,
    migration?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.migration = migration;
  }
}

/** The key `prisma migrate` locks on PostgreSQL. */
export const ADVISORY_LOCK_KEY = 72707369;

/** `_prisma_migrations` as Prisma's schema engine creates it on PostgreSQL. */
export const MIGRATIONS_TABLE_DDL = `CREATE TABLE "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

const RESOLVE_HINT = "https://pris.ly/d/migrate-resolve";

/** A migration found in the folder. */
export type LocalMigration = {
  name: string;
  sql: string;
  /** sha256 of migration.sql, lowercase hex: what Prisma stores. */
  checksum: string;
};

type MigrationRow = {
  id: string;
  checksum: string;
  finished_at: Date | string | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | string | null;
  started_at: Date | string;
  applied_steps_count: number;
};

/** The few operations the runner needs, the same on PGlite and PostgreSQL. */
type Session = {
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Run `fn` in a transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(fn: (tx: TxSession) => Promise<T>): Promise<T>;
};

type TxSession = {
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  exec(script: string): Promise<void>;
};

const MIGRATION_DIR = /^\d{14}_[A-Za-z0-9_-]+$/;

export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** Reads `<dir>/<stamp>_<name>/migration.sql` in name order and checks the lock file. */
export async function readMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  let names: string[];
  try {
    names = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && MIGRATION_DIR.test(d.name))
      .map((d) => d.name)
      .sort();
  } catch (e) {
    throw new MigrationError(
      "INVALID_MIGRATIONS_FOLDER",
      `Cannot read the migrations folder ${migrationsDir}: ${(e as Error).message}`,
      undefined,
      { cause: e },
    );
  }
  await checkLockFile(migrationsDir);
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, "migration.sql");
      let sql: string;
      try {
        sql = await readFile(file, "utf8");
      } catch (e) {
        throw new MigrationError(
          "INVALID_MIGRATIONS_FOLDER",
          `Migration ${name} has no readable migration.sql (${file}): ${(e as Error).message}`,
          name,
          { cause: e },
        );
      }
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

async function checkLockFile(migrationsDir: string): Promise<void> {
  let lock: string;
  try {
    lock = await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8");
  } catch {
    return; // Prisma tolerates a missing lock file when applying.
  }
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(lock)?.[1];
  if (provider !== undefined && provider !== "postgresql") {
    throw new MigrationError(
      "INVALID_MIGRATIONS_FOLDER",
      `The migrations in ${migrationsDir} were written for provider "${provider}" (migration_lock.toml), not "postgresql".`,
    );
  }
}

function pgliteSession(db: PGlite): Session {
  const txSession = (tx: PGliteTransaction): TxSession => ({
    async query<R>(sql: string, params?: unknown[]) {
      return (await tx.query<R>(sql, params)).rows;
    },
    async exec(script: string) {
      await tx.exec(script);
    },
  });
  return {
    async query<R>(sql: string, params?: unknown[]) {
      return (await db.query<R>(sql, params)).rows;
    },
    transaction<T>(fn: (tx: TxSession) => Promise<T>) {
      // PGlite's own transaction holds its connection lock for the whole migration.
      return db.transaction((tx) => fn(txSession(tx)));
    },
  };
}

function postgresSession(client: pg.Client): Session {
  const query = async <R>(sql: string, params?: unknown[]): Promise<R[]> =>
    (await client.query(sql, params)).rows as R[];
  return {
    query,
    async transaction<T>(fn: (tx: TxSession) => Promise<T>) {
      await client.query("BEGIN");
      try {
        const result = await fn({
          query,
          async exec(script: string) {
            // No parameters: the simple query protocol runs every statement.
            await client.query(script);
          },
        });
        await client.query("COMMIT");
        return result;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        throw e;
      }
    },
  };
}

function sessionOf(target: MigrationTarget): Session {
  return target.kind === "pglite" ? pgliteSession(target.db) : postgresSession(target.client);
}

async function withAdvisoryLock<T>(
  target: MigrationTarget,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  // PGlite is one connection in one process (the data folder is locked): no lock needed.
  if (target.kind !== "postgres") return fn();
  const { client } = target;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock($1) AS locked",
      [ADVISORY_LOCK_KEY],
    );
    if (rows[0]?.locked) break;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        "LOCK_TIMEOUT",
        `Timed out after ${timeoutMs} ms waiting for the migration advisory lock ` +
          `(pg_advisory_lock(${ADVISORY_LOCK_KEY})): another process is migrating this database.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await fn();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
  }
}

async function ensureMigrationsTable(session: Session): Promise<void> {
  const rows = await session.query<{ exists: boolean }>(
    "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists",
  );
  if (!rows[0]?.exists) await session.query(MIGRATIONS_TABLE_DDL);
}

async function loadRows(session: Session): Promise<MigrationRow[]> {
  return session.query<MigrationRow>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM "_prisma_migrations" ORDER BY started_at ASC`,
  );
}

function isFailed(row: MigrationRow): boolean {
  return row.finished_at === null && row.rolled_back_at === null;
}

function isApplied(row: MigrationRow): boolean {
  return row.finished_at !== null && row.rolled_back_at === null;
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** Prisma accepts a checksum of the file with either line ending. */
function checksumMatches(row: MigrationRow, local: LocalMigration): boolean {
  if (row.checksum === local.checksum) return true;
  const lf = local.sql.replace(/\r\n/g, "\n");
  const crlf = lf.replace(/\n/g, "\r\n");
  return row.checksum === checksumOf(lf) || row.checksum === checksumOf(crlf);
}

function failedMigrationMessage(failed: MigrationRow[]): string {
  const lines = failed.map(
    (row) => `The \`${row.migration_name}\` migration started at ${iso(row.started_at)} failed.`,
  );
  const names = failed.map((row) => row.migration_name);
  return [
    "Migrations found failed migrations in the target database; new migrations will not be applied (P3009).",
    ...lines,
    "This program runs each migration in a transaction, so a migration that failed here was rolled back",
    "and left the database as it was (one applied by `prisma migrate deploy` may be partly applied).",
    "To resolve: fix the migration's SQL (or the data it trips on), then mark the failed attempt as rolled back",
    ...names.map((name) => `  npm run db:migrate -- --resolve-rolled-back ${name}`),
    `(the same as \`prisma migrate resolve --rolled-back ${names[0] ?? "<name>"}\`), and start again.`,
    `Read more: ${RESOLVE_HINT}`,
  ].join("\n");
}

type DbErrorLike = {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
  position?: unknown;
};

function describeDbError(error: unknown): { code: string | undefined; text: string } {
  const e = (typeof error === "object" && error !== null ? error : {}) as DbErrorLike;
  const code = typeof e.code === "string" ? e.code : undefined;
  const parts = [`ERROR: ${typeof e.message === "string" ? e.message : String(error)}`];
  if (typeof e.detail === "string" && e.detail) parts.push(`DETAIL: ${e.detail}`);
  if (typeof e.hint === "string" && e.hint) parts.push(`HINT: ${e.hint}`);
  if (typeof e.position === "string" || typeof e.position === "number")
    parts.push(`POSITION: ${e.position}`);
  return { code, text: parts.join("\n") };
}

/** The failure text Prisma writes to `logs` and prints (P3018). */
function failureLogs(name: string, error: unknown): string {
  const { code, text } = describeDbError(error);
  return [
    `Migration name: ${name}`,
    "",
    ...(code ? [`Database error code: ${code}`, ""] : []),
    "Database error:",
    text,
  ].join("\n");
}

/**
 * Applies every pending migration of `migrationsDir` to `target`, in order, each
 * in its own transaction. Throws MigrationError when a failed attempt is on
 * record (nothing is applied) or when a migration fails (it is rolled back and
 * recorded as failed; the migrations before it stay applied).
 */
export async function applyMigrations(
  target: MigrationTarget,
  options: ApplyMigrationsOptions,
): Promise<ApplyMigrationsResult> {
  const { migrationsDir, logger } = options;
  const local = await readMigrations(migrationsDir);
  const session = sessionOf(target);

  return withAdvisoryLock(target, options.lockTimeoutMs ?? 60_000, async () => {
    await ensureMigrationsTable(session);
    const rows = await loadRows(session);

    const failed = rows.filter(isFailed);
    if (failed.length > 0) {
      throw new MigrationError(
        "FAILED_MIGRATION_PRESENT",
        failedMigrationMessage(failed),
        failed[0]?.migration_name,
      );
    }

    const appliedRows = new Map<string, MigrationRow>();
    for (const row of rows) if (isApplied(row)) appliedRows.set(row.migration_name, row);

    const localNames = new Set(local.map((m) => m.name));
    const missingLocally = [...appliedRows.keys()].filter((name) => !localNames.has(name));
    for (const name of missingLocally) {
      logger?.warn(`Migration ${name} is recorded as applied but is not in ${migrationsDir}.`);
    }

    const checksumMismatches: string[] = [];
    const pending: LocalMigration[] = [];
    for (const migration of local) {
      const row = appliedRows.get(migration.name);
      if (!row) {
        pending.push(migration);
      } else if (!checksumMatches(row, migration)) {
        checksumMismatches.push(migration.name);
        logger?.warn(
          `Migration ${migration.name} was modified after it was applied: its checksum ` +
            `${migration.checksum} differs from the recorded ${row.checksum}. ` +
            "Applied migrations must not be edited; write a new migration instead.",
        );
      }
    }

    const applied: string[] = [];
    for (const migration of pending) {
      await applyOne(session, migration, logger);
      applied.push(migration.name);
    }
    if (applied.length === 0) logger?.info("Database schema is up to date: no pending migrations.");
    return { applied, checksumMismatches, missingLocally };
  });
}

async function applyOne(
  session: Session,
  migration: LocalMigration,
  logger?: MigrationLogger,
): Promise<void> {
  const id = randomUUID();
  logger?.info(`Applying migration ${migration.name}`);
  // The attempt is on record before the script runs: a crash mid-way leaves a
  // failed row (finished_at null), as it does with Prisma.
  await session.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, started_at, finished_at, migration_name, applied_steps_count, logs)
     VALUES ($1, $2, now(), NULL, $3, 0, NULL)`,
    [id, migration.checksum, migration.name],
  );
  try {
    await session.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query(
        `UPDATE "_prisma_migrations"
            SET finished_at = now(), applied_steps_count = applied_steps_count + 1
          WHERE id = $1`,
        [id],
      );
    });
  } catch (error) {
    const logs = failureLogs(migration.name, error);
    await session.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, logs]);
    throw new MigrationError(
      "MIGRATION_FAILED",
      [
        "A migration failed to apply and was rolled back; new migrations cannot be applied until this is resolved (P3018).",
        "",
        logs,
        "",
        "Fix the migration, then run",
        `  npm run db:migrate -- --resolve-rolled-back ${migration.name}`,
        `and start again. Read more: ${RESOLVE_HINT}`,
      ].join("\n"),
      migration.name,
      { cause: error },
    );
  }
}

/**
 * Marks the failed attempts of migration `name` as rolled back, like
 * `prisma migrate resolve --rolled-back <name>`; the next run applies it again.
 */
export async function resolveRolledBack(target: MigrationTarget, name: string): Promise<void> {
  const session = sessionOf(target);
  await withAdvisoryLock(target, 60_000, async () => {
    await ensureMigrationsTable(session);
    const rows = (await loadRows(session)).filter((row) => row.migration_name === name);
    if (rows.length === 0) {
      throw new MigrationError(
        "NOT_FAILED",
        `Migration ${name} cannot be rolled back because it was never applied to the database (P3011).`,
        name,
      );
    }
    const failed = rows.filter(isFailed);
    if (failed.length === 0) {
      throw new MigrationError(
        "NOT_FAILED",
        `Migration ${name} cannot be rolled back because it is not in a failed state (P3012).`,
        name,
      );
    }
    await session.query(
      `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = ANY($1::text[])`,
      [failed.map((row) => row.id)],
    );
  });
}
