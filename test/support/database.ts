import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type DriverQuery, postgresDriver } from "../../src/database/driver.ts";
import {
  connectPglite,
  connectPostgres,
  type Database,
  type QueryObserver,
} from "../../src/database/open.ts";

/**
 * Databases for integration tests: the embedded one always, PostgreSQL as
 * well when TEST_DATABASE_URL is set. Each test gets a database of its own.
 */
export type DatabaseKind = "pglite" | "postgres";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export const databaseKinds: readonly DatabaseKind[] =
  TEST_DATABASE_URL === undefined ? ["pglite"] : ["pglite", "postgres"];

export interface TestDatabase extends Database {
  /** Set for PostgreSQL: the URL of this test's own database (for a second process). */
  readonly url: string | undefined;
}

// initdb in PGlite takes seconds; a migrated data folder dumped once per worker
// loads in a fraction of that.
let template: Promise<Blob> | undefined;

function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const seed = new PGlite();
    const migrated = await connectPglite(seed);
    const blob = await seed.dumpDataDir("none");
    await migrated.close();
    return blob;
  })();
  return template;
}

/** A new URL on the same server, with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestDatabase(
  kind: DatabaseKind,
  observer?: QueryObserver,
): Promise<TestDatabase> {
  if (kind === "pglite") {
    const db = await connectPglite(
      new PGlite({ loadDataDir: await pgliteTemplate() }),
      undefined,
      observer,
    );
    return { ...db, url: undefined };
  }
  if (TEST_DATABASE_URL === undefined) throw new Error("TEST_DATABASE_URL is not set");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(TEST_DATABASE_URL, name);
  const db = await connectPostgres(url, { observer });
  return {
    ...db,
    url,
    async close() {
      await db.close();
      const drop = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

/**
 * The driver over one session, whose prepared statements and their plans
 * `pg_prepared_statements` shows: a pool of one connection on PostgreSQL,
 * the database's own driver on PGlite (it has only one session).
 */
export function oneSession(db: TestDatabase): { driver: DriverQuery; close(): Promise<void> } {
  if (db.url === undefined) return { driver: db.driver, close: async () => {} };
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  return { driver: postgresDriver(pool), close: () => pool.end() };
}

/** How often `pg_prepared_statements` says each statement of the session that matches `like` was planned. */
export async function plansOf(
  driver: DriverQuery,
  like: string,
): Promise<{ generic: number; custom: number }[]> {
  const rows = await driver(
    `SELECT generic_plans::int AS generic, custom_plans::int AS custom
       FROM pg_prepared_statements WHERE statement LIKE $1 ORDER BY name`,
    [like],
  );
  return rows.map((r) => ({ generic: Number(r.generic), custom: Number(r.custom) }));
}
