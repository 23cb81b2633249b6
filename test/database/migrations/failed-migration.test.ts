// A failing migration leaves the database as it was (schema and data), is
// recorded as failed the way Prisma records it, and every later run refuses to
// migrate with a message naming the migration and how to resolve it.

import { readFile, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  applyMigrations,
  checksumOf,
  MigrationError,
  readMigrations,
  resolveRolledBack,
} from "../../../src/database/migrations/index.ts";
import {
  addMigration,
  copyMigrations,
  type DbFactory,
  migrationRows,
  pgliteFactory,
  postgresFactory,
  schemaSnapshot,
  TEST_DATABASE_URL,
  type TestDb,
} from "./helpers.ts";

// The suite works on tables of its own, added after the real migrations, so that
// it does not depend on the application's models.
const FIXTURE = "29980101000000_fixture";
const FIXTURE_SQL = `CREATE TABLE "MigrationFixture" ("id" INTEGER PRIMARY KEY, "label" TEXT NOT NULL);
INSERT INTO "MigrationFixture" VALUES (1, 'one'), (2, 'two');
`;

const BROKEN = "29990101000000_broken";

// Valid DDL and DML first, then a duplicate key: everything before must vanish.
const BROKEN_SQL = `-- AlterTable
ALTER TABLE "MigrationFixture" ADD COLUMN "nickname" TEXT;

-- CreateTable
CREATE TABLE "Scratch" ("id" INTEGER NOT NULL);

UPDATE "MigrationFixture" SET "label" = 'changed';
INSERT INTO "MigrationFixture" VALUES (3, 'three');
INSERT INTO "MigrationFixture" VALUES (1, 'duplicate');
`;

const FIXED_SQL = `-- AlterTable
ALTER TABLE "MigrationFixture" ADD COLUMN "nickname" TEXT;
`;

async function dataSnapshot(db: TestDb): Promise<string> {
  return JSON.stringify(await db.query(`SELECT * FROM "MigrationFixture" ORDER BY id`));
}

async function expectMigrationError(promise: Promise<unknown>): Promise<MigrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return error as MigrationError;
}

function failedMigrationSuite(factory: DbFactory): void {
  let db: TestDb;
  let folder: Awaited<ReturnType<typeof copyMigrations>>;

  beforeEach(async () => {
    db = await factory.create();
    folder = await copyMigrations();
    await addMigration(folder.dir, FIXTURE, FIXTURE_SQL);
    await applyMigrations(db.target, { migrationsDir: folder.dir });
  });

  afterEach(async () => {
    await db.close();
    await folder.remove();
  });

  it("rolls the failing migration back, records it as failed, and refuses the next run", async () => {
    const schemaBefore = await schemaSnapshot(db);
    const dataBefore = await dataSnapshot(db);
    const rowsBefore = await migrationRows(db);
    await addMigration(folder.dir, BROKEN, BROKEN_SQL);

    const failure = await expectMigrationError(
      applyMigrations(db.target, { migrationsDir: folder.dir }),
    );
    expect(failure.code).toBe("MIGRATION_FAILED");
    expect(failure.migration).toBe(BROKEN);
    expect(failure.message).toContain(BROKEN);
    expect(failure.message).toContain("23505");
    expect(failure.message).toContain(`--resolve-rolled-back ${BROKEN}`);

    // The schema and the data are exactly as before.
    expect(await schemaSnapshot(db)).toBe(schemaBefore);
    expect(await dataSnapshot(db)).toBe(dataBefore);
    expect(dataBefore).toContain('"one"');

    // One new row, as Prisma records a failed migration.
    const rows = await migrationRows(db);
    expect(rows).toHaveLength(rowsBefore.length + 1);
    const failed = rows.find((r) => r.migration_name === BROKEN);
    expect(failed).toMatchObject({
      checksum: checksumOf(BROKEN_SQL),
      finished_at: null,
      rolled_back_at: null,
      applied_steps_count: 0,
    });
    expect(failed?.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(failed?.started_at).toBeInstanceOf(Date);
    expect(failed?.logs).toContain(`Migration name: ${BROKEN}`);
    expect(failed?.logs).toContain("Database error code: 23505");

    // Every later run refuses, naming the migration and the way out; nothing changes.
    const refusal = await expectMigrationError(
      applyMigrations(db.target, { migrationsDir: folder.dir }),
    );
    expect(refusal.code).toBe("FAILED_MIGRATION_PRESENT");
    expect(refusal.migration).toBe(BROKEN);
    expect(refusal.message).toContain(`The \`${BROKEN}\` migration started at`);
    expect(refusal.message).toContain("P3009");
    expect(refusal.message).toContain(`npm run db:migrate -- --resolve-rolled-back ${BROKEN}`);
    expect(await migrationRows(db)).toHaveLength(rows.length);
    expect(await schemaSnapshot(db)).toBe(schemaBefore);
  });

  it("applies the fixed migration once the failed attempt is resolved as rolled back", async () => {
    const file = await addMigration(folder.dir, BROKEN, BROKEN_SQL);
    await expectMigrationError(applyMigrations(db.target, { migrationsDir: folder.dir }));

    await writeFile(file, FIXED_SQL);
    await resolveRolledBack(db.target, BROKEN);
    const { applied } = await applyMigrations(db.target, { migrationsDir: folder.dir });
    expect(applied).toEqual([BROKEN]);

    const attempts = (await migrationRows(db)).filter((r) => r.migration_name === BROKEN);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ finished_at: null, checksum: checksumOf(BROKEN_SQL) });
    expect(attempts[0]?.rolled_back_at).toBeInstanceOf(Date);
    expect(attempts[1]).toMatchObject({
      rolled_back_at: null,
      logs: null,
      applied_steps_count: 1,
      checksum: checksumOf(await readFile(file, "utf8")),
    });
    expect(attempts[1]?.finished_at).toBeInstanceOf(Date);
    const columns = await db.query(
      `SELECT column_name FROM information_schema.columns
        WHERE table_name = 'MigrationFixture' AND column_name = 'nickname'`,
    );
    expect(columns).toHaveLength(1);
  });

  it("refuses to resolve a migration that is not in a failed state", async () => {
    const [init] = await readMigrations(folder.dir);
    const applied = await expectMigrationError(resolveRolledBack(db.target, init?.name ?? ""));
    expect(applied.code).toBe("NOT_FAILED");
    expect(applied.message).toContain("not in a failed state");
    const unknown = await expectMigrationError(resolveRolledBack(db.target, "20000101000000_nope"));
    expect(unknown.code).toBe("NOT_FAILED");
    expect(unknown.message).toContain("never applied");
  });
}

describe("a failing migration on PGlite", () => failedMigrationSuite(pgliteFactory));

describe.runIf(TEST_DATABASE_URL)("a failing migration on PostgreSQL", () =>
  failedMigrationSuite(postgresFactory()),
);
