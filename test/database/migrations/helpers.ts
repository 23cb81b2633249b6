// Test helpers for the migration suites: temporary migrations folders, fresh
// databases (in-memory PGlite; on PostgreSQL a database `t_<random>` of its own,
// dropped afterwards), and snapshots of schema and data to compare.

import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { MIGRATIONS_DIR, type MigrationTarget } from "../../../src/database/migrations/index.ts";
import {
  PGliteMigrationAdapterFactory,
  PgMigrationAdapterFactory,
} from "../../../src/database/migrations/migration-adapters.ts";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** A copy of prisma/migrations in a temporary folder; remove() deletes it. */
export async function copyMigrations(): Promise<{ dir: string; remove(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
  const dir = path.join(root, "migrations");
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return { dir, remove: () => rm(root, { recursive: true, force: true }) };
}

export async function addMigration(dir: string, name: string, sql: string): Promise<string> {
  await mkdir(path.join(dir, name), { recursive: true });
  const file = path.join(dir, name, "migration.sql");
  await writeFile(file, sql);
  return file;
}

/** What a test needs of a database: a migration target, raw SQL, and cleanup. */
export type TestDb = {
  kind: "pglite" | "postgres";
  target: MigrationTarget;
  /** PostgreSQL only: the URL of this test's database. */
  url: string | undefined;
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Another connection to the same database (PostgreSQL only). */
  connect(): Promise<pg.Client>;
  close(): Promise<void>;
};

export async function freshPglite(): Promise<TestDb> {
  const db = await PGlite.create();
  return {
    kind: "pglite",
    target: { kind: "pglite", db },
    url: undefined,
    async query<R>(sql: string, params?: unknown[]) {
      return (await db.query<R>(sql, params)).rows;
    },
    connect() {
      throw new Error("PGlite has a single connection");
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function freshPostgres(serverUrl: string): Promise<TestDb> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl, name);
  const clients: pg.Client[] = [];
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  };
  const client = await connect();
  return {
    kind: "postgres",
    target: { kind: "postgres", client },
    url,
    async query<R>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as R[];
    },
    connect,
    async close() {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

export type DbFactory = { kind: "pglite" | "postgres"; create(): Promise<TestDb> };

export const pgliteFactory: DbFactory = { kind: "pglite", create: freshPglite };

export function postgresFactory(): DbFactory {
  return {
    kind: "postgres",
    create: () => {
      if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
      return freshPostgres(TEST_DATABASE_URL);
    },
  };
}

/** The public schema's tables, columns, constraints, indexes and enums, as text. */
export async function schemaSnapshot(db: TestDb): Promise<string> {
  const queries = [
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length
       FROM information_schema.columns WHERE table_schema = 'public'
      ORDER BY table_name, column_name`,
    `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
    `SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typnamespace = 'public'::regnamespace ORDER BY 1, e.enumsortorder`,
  ];
  const parts: unknown[] = [];
  for (const sql of queries) parts.push(await db.query(sql));
  return JSON.stringify(parts, null, 1);
}

export type MigrationRowSnapshot = {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
};

export function migrationRows(db: TestDb): Promise<MigrationRowSnapshot[]> {
  return db.query<MigrationRowSnapshot>(
    `SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
}

/** A schema-engine adapter over the test's database (shadow databases named t_*). */
export function engineAdapter(db: TestDb): SqlMigrationAwareDriverAdapterFactory {
  if (db.target.kind === "pglite") return new PGliteMigrationAdapterFactory(db.target.db);
  if (!db.url) throw new Error("a PostgreSQL test database has a URL");
  return new PgMigrationAdapterFactory(db.url, { shadowDatabasePrefix: "t_shadow_" });
}
