import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseConfig } from "../config/load.ts";
import type { Logger } from "../logging/logger.ts";
import { type DriverQuery, pgliteDriver, postgresDriver } from "./driver.ts";
import { lockDataFolder } from "./folder-lock.ts";
import { type Prisma, PrismaClient } from "./generated/client.ts";
import { applyMigrations, MIGRATIONS_DIR } from "./migrations/index.ts";

export type { PrismaClient } from "./generated/client.ts";

/** The transaction every effect of an update is written in. */
export type Tx = Prisma.TransactionClient;

/** An open, migrated database, the Prisma client over it, and its driver. */
export interface Database {
  readonly kind: "pglite" | "postgres";
  readonly prisma: PrismaClient;
  readonly driver: DriverQuery;
  close(): Promise<void>;
}

/** Observes every statement sent to the database (benchmarks count round trips with it). */
export interface QueryObserver {
  onQuery(sql: string): void;
}

/** Connections each process keeps to PostgreSQL. */
export const POOL_CONNECTIONS = 10;

/** What pg rejects a statement with when `query_timeout` passed. */
const READ_TIMEOUT = "Query read timeout";

/** What pg and its pool say when the server did not answer within the timeout. */
const UNANSWERED = new Set([
  READ_TIMEOUT,
  "timeout exceeded when trying to connect",
  "Connection terminated due to connection timeout",
]);

/**
 * Whether `err` says the database did not answer in time: an outage, as a
 * refused connection is, and not a fault of what was being done.
 */
export function unanswered(err: unknown): boolean {
  return err instanceof Error && UNANSWERED.has(err.message);
}

/**
 * Closes a connection whose statement timed out on our side: the server may
 * still be running it, inside a transaction, and the pool would hand the
 * connection to the next caller as it is (Prisma gives a transaction's
 * connection back as sound after a ROLLBACK that could not be sent), who
 * would then write into that transaction. Closed, it is never handed out
 * again, and the server rolls its transaction back.
 */
function closeIfTimedOut(client: pg.PoolClient, err: unknown): void {
  if (err instanceof Error && err.message === READ_TIMEOUT) void client.end().catch(() => {});
}

/**
 * Puts itself between a pooled connection and its statements, whether called
 * with a callback (pg's pool) or for a promise (Prisma's adapter): tells the
 * observer of each, and closes the connection when one timed out.
 */
function watchStatements(client: pg.PoolClient, observer: QueryObserver | undefined): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const q = args[0];
    observer?.onQuery(typeof q === "string" ? q : String((q as { text?: unknown }).text));
    const done = args.at(-1);
    if (typeof done !== "function") {
      const result = query(...args);
      if (result instanceof Promise) result.catch((err: unknown) => closeIfTimedOut(client, err));
      return result;
    }
    args[args.length - 1] = (err: unknown, result: unknown) => {
      closeIfTimedOut(client, err);
      (done as (err: unknown, result: unknown) => void)(err, result);
    };
    return query(...args);
  };
}

/** Opens the configured database, applies pending migrations, and returns it. */
export async function openDatabase(config: DatabaseConfig, logger?: Logger): Promise<Database> {
  if (config.kind === "postgres")
    return connectPostgres(config.url, { logger, timeoutMs: config.timeoutMs });
  const release = lockDataFolder(config.dataDir);
  try {
    const db = await connectPglite(new PGlite(config.dataDir), logger);
    return {
      ...db,
      async close() {
        await db.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/** Migrates an embedded PGlite instance and puts Prisma over it; closes it on close(). */
export async function connectPglite(
  pglite: PGlite,
  logger?: Logger,
  observer?: QueryObserver,
): Promise<Database> {
  try {
    await pglite.waitReady;
    await applyMigrations(
      { kind: "pglite", db: pglite },
      { migrationsDir: MIGRATIONS_DIR, logger },
    );
  } catch (e) {
    await pglite.close();
    throw e;
  }
  if (observer !== undefined) {
    const query = pglite.query.bind(pglite);
    const exec = pglite.exec.bind(pglite);
    pglite.query = ((...args: Parameters<typeof query>) => {
      observer.onQuery(args[0]);
      return query(...args);
    }) as typeof pglite.query;
    pglite.exec = ((...args: Parameters<typeof exec>) => {
      observer.onQuery(args[0]);
      return exec(...args);
    }) as typeof pglite.exec;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    prisma,
    driver: pgliteDriver(pglite, observer?.onQuery),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/**
 * Migrates a PostgreSQL database (one connection) and puts Prisma over a pool.
 * `timeoutMs` bounds how long a connection attempt, or a statement, may go
 * unanswered: a server that vanished without closing its connections (a host
 * restarted behind a network fault) would otherwise hold the updates waiting
 * on them, and the places they took, for good.
 */
export async function connectPostgres(
  url: string,
  o: { logger?: Logger | undefined; observer?: QueryObserver | undefined; timeoutMs?: number } = {},
): Promise<Database> {
  const { logger, observer, timeoutMs } = o;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  await client.connect();
  try {
    await applyMigrations({ kind: "postgres", client }, { migrationsDir: MIGRATIONS_DIR, logger });
  } finally {
    await client.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_CONNECTIONS,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  // An idle connection that the server closes (restart, failover) must not
  // crash the process; the pool replaces it on next use.
  pool.on("error", (err) => logger?.warn({ err }, "idle database connection lost"));
  pool.on("connect", (client) => watchStatements(client, observer));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    driver: postgresDriver(pool),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
