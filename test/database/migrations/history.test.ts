// `_prisma_migrations` as Prisma keeps it: the runner's table and rows match
// those of Prisma's own schema engine (Wasm build) applying the same folder, and
// the engine reads a database migrated by the runner as up to date. Applying
// twice is a no-op, an edited migration is reported, and on PostgreSQL the
// advisory lock makes concurrent runners apply each migration once.

import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ADVISORY_LOCK_KEY,
  applyMigrations,
  checksumOf,
  MIGRATIONS_DIR,
  MigrationError,
  readMigrations,
} from "../../../src/database/migrations/index.ts";
import {
  loadMigrationList,
  withSchemaEngine,
} from "../../../src/database/migrations/schema-diff.ts";
import {
  addMigration,
  copyMigrations,
  type DbFactory,
  engineAdapter,
  freshPglite,
  migrationRows,
  pgliteFactory,
  postgresFactory,
  schemaSnapshot,
  TEST_DATABASE_URL,
  type TestDb,
} from "./helpers.ts";

const NO_FILTER = { externalTables: [], externalEnums: [] };

async function migrationsTableShape(db: TestDb): Promise<string> {
  const columns = await db.query(
    `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default, ordinal_position
       FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
  );
  const indexes = await db.query(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '_prisma_migrations' ORDER BY 1`,
  );
  return JSON.stringify({ columns, indexes });
}

function historySuite(factory: DbFactory): void {
  let db: TestDb;

  beforeEach(async () => {
    db = await factory.create();
  });

  afterEach(async () => {
    await db.close();
  });

  it("writes one row per migration: uuid id, sha256 of migration.sql, finished, one step", async () => {
    const local = await readMigrations(MIGRATIONS_DIR);
    expect(local.length).toBeGreaterThan(0);
    const { applied } = await applyMigrations(db.target, { migrationsDir: MIGRATIONS_DIR });
    expect(applied).toEqual(local.map((m) => m.name));

    const rows = await migrationRows(db);
    expect(rows.map((r) => r.migration_name)).toEqual(applied);
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(local[i]?.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(row).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
      expect(row.finished_at).toBeInstanceOf(Date);
      expect((row.finished_at as Date).getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it("is a no-op the second time", async () => {
    await applyMigrations(db.target, { migrationsDir: MIGRATIONS_DIR });
    const rows = await migrationRows(db);
    const schema = await schemaSnapshot(db);
    const again = await applyMigrations(db.target, { migrationsDir: MIGRATIONS_DIR });
    expect(again).toEqual({ applied: [], checksumMismatches: [], missingLocally: [] });
    expect(await migrationRows(db)).toEqual(rows);
    expect(await schemaSnapshot(db)).toBe(schema);
  });

  it("is read by Prisma's schema engine as up to date, and gets nothing more from it", async () => {
    await applyMigrations(db.target, { migrationsDir: MIGRATIONS_DIR });
    const rows = await migrationRows(db);
    const migrationsList = await loadMigrationList(MIGRATIONS_DIR);
    const diagnosis = await withSchemaEngine(engineAdapter(db), (engine) =>
      engine.diagnoseMigrationHistory({
        migrationsList,
        optInToShadowDatabase: false,
        filters: NO_FILTER,
      }),
    );
    expect(diagnosis).toEqual({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });
    const deploy = await withSchemaEngine(engineAdapter(db), (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
    );
    expect(deploy.appliedMigrationNames).toEqual([]);
    expect(await migrationRows(db)).toEqual(rows);
  });

  it("reports an applied migration whose file was edited, and Prisma's engine agrees", async () => {
    const folder = await copyMigrations();
    try {
      await applyMigrations(db.target, { migrationsDir: folder.dir });
      const [first] = await readMigrations(folder.dir);
      if (!first) throw new Error("no migration");
      await writeFile(
        path.join(folder.dir, first.name, "migration.sql"),
        `${first.sql}\n-- edited\n`,
      );
      const warnings: string[] = [];
      const result = await applyMigrations(db.target, {
        migrationsDir: folder.dir,
        logger: { info: () => {}, warn: (m) => warnings.push(m) },
      });
      expect(result.checksumMismatches).toEqual([first.name]);
      expect(result.applied).toEqual([]);
      expect(warnings.join("\n")).toContain(
        `Migration ${first.name} was modified after it was applied`,
      );

      const diagnosis = await withSchemaEngine(engineAdapter(db), async (engine) =>
        engine.diagnoseMigrationHistory({
          migrationsList: await loadMigrationList(folder.dir),
          optInToShadowDatabase: false,
          filters: NO_FILTER,
        }),
      );
      expect(diagnosis.editedMigrationNames).toEqual([first.name]);
    } finally {
      await folder.remove();
    }
  });

  it("leaves a failed row that Prisma's engine reads as a failed migration", async () => {
    const folder = await copyMigrations();
    try {
      await addMigration(folder.dir, "29990101000000_broken", "SELECT 1/0;\n");
      await expect(
        applyMigrations(db.target, { migrationsDir: folder.dir }),
      ).rejects.toBeInstanceOf(MigrationError);
      const diagnosis = await withSchemaEngine(engineAdapter(db), async (engine) =>
        engine.diagnoseMigrationHistory({
          migrationsList: await loadMigrationList(folder.dir),
          optInToShadowDatabase: false,
          filters: NO_FILTER,
        }),
      );
      expect(diagnosis.failedMigrationNames).toEqual(["29990101000000_broken"]);
      expect(diagnosis.editedMigrationNames).toEqual([]);
    } finally {
      await folder.remove();
    }
  });
}

describe("_prisma_migrations on PGlite", () => {
  historySuite(pgliteFactory);

  it("has the same table and rows as Prisma's schema engine writes", async () => {
    const ours = await freshPglite();
    const prisma = await freshPglite();
    try {
      await applyMigrations(ours.target, { migrationsDir: MIGRATIONS_DIR });
      const migrationsList = await loadMigrationList(MIGRATIONS_DIR);
      const { appliedMigrationNames } = await withSchemaEngine(engineAdapter(prisma), (engine) =>
        engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
      );
      expect(appliedMigrationNames.length).toBeGreaterThan(0);

      expect(await migrationsTableShape(ours)).toBe(await migrationsTableShape(prisma));
      const comparable = async (db: TestDb) =>
        (await migrationRows(db)).map((r) => ({
          migration_name: r.migration_name,
          checksum: r.checksum,
          logs: r.logs,
          rolled_back_at: r.rolled_back_at,
          applied_steps_count: r.applied_steps_count,
          finished: r.finished_at instanceof Date,
        }));
      expect(await comparable(ours)).toEqual(await comparable(prisma));
      expect(await schemaSnapshot(ours)).toBe(await schemaSnapshot(prisma));
      expect((await migrationRows(ours)).map((r) => r.checksum)).toEqual(
        migrationsList.migrationDirectories.map((d) =>
          d.migrationFile.content.tag === "ok" ? checksumOf(d.migrationFile.content.value) : "",
        ),
      );
    } finally {
      await ours.close();
      await prisma.close();
    }
  });
});

describe.runIf(TEST_DATABASE_URL)("_prisma_migrations on PostgreSQL", () => {
  const factory = postgresFactory();
  historySuite(factory);

  describe("concurrency", () => {
    let db: TestDb;

    beforeEach(async () => {
      db = await factory.create();
    });

    afterEach(async () => {
      await db.close();
    });

    it("applies each migration once when two runners start together (advisory lock)", async () => {
      const [a, b] = [await db.connect(), await db.connect()];
      const results = await Promise.all([
        applyMigrations({ kind: "postgres", client: a }, { migrationsDir: MIGRATIONS_DIR }),
        applyMigrations({ kind: "postgres", client: b }, { migrationsDir: MIGRATIONS_DIR }),
      ]);
      const local = (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name);
      const appliedTotal = results.flatMap((r) => r.applied);
      expect(appliedTotal.sort()).toEqual([...local].sort());
      expect(results.some((r) => r.applied.length === 0)).toBe(true);
      const rows = await migrationRows(db);
      expect(rows.map((r) => r.migration_name)).toEqual(local);
      expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    });

    it("waits for the advisory lock 72707369 and gives up after the timeout", async () => {
      const holder = await db.connect();
      await holder.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
      const runner = await db.connect();
      const error = await applyMigrations(
        { kind: "postgres", client: runner },
        { migrationsDir: MIGRATIONS_DIR, lockTimeoutMs: 300 },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).code).toBe("LOCK_TIMEOUT");
      expect(await db.query(`SELECT to_regclass('_prisma_migrations') AS t`)).toEqual([
        { t: null },
      ]);

      await holder.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
      const { applied } = await applyMigrations(
        { kind: "postgres", client: runner },
        { migrationsDir: MIGRATIONS_DIR },
      );
      expect(applied.length).toBeGreaterThan(0);
    });
  });
});
