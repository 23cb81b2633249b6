// No drift: the migrations folder produces exactly the schema in schema.prisma.
// Checked by Prisma's own schema engine (Wasm build) two ways: the folder
// replayed on a shadow database diffed against the datamodel, and a database
// migrated by our runner introspected and diffed against the datamodel.
// If this fails, run `npm run db:new-migration <name>` and commit the migration.

import { copyFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  applyMigrations,
  MIGRATIONS_DIR,
  SCHEMA_PATH,
} from "../../../src/database/migrations/index.ts";
import { createMigration } from "../../../src/database/migrations/new-migration.ts";
import {
  diffDatabaseToSchema,
  diffToSchema,
} from "../../../src/database/migrations/schema-diff.ts";
import {
  copyMigrations,
  type DbFactory,
  engineAdapter,
  freshPglite,
  pgliteFactory,
  postgresFactory,
  TEST_DATABASE_URL,
  type TestDb,
} from "./helpers.ts";

function driftSuite(factory: DbFactory): void {
  let db: TestDb;

  beforeEach(async () => {
    db = await factory.create();
  });

  afterEach(async () => {
    await db.close();
  });

  it("a database migrated by the runner matches schema.prisma exactly", async () => {
    await applyMigrations(db.target, { migrationsDir: MIGRATIONS_DIR });
    const drift = await diffDatabaseToSchema(engineAdapter(db), SCHEMA_PATH);
    expect(drift.sql).toBe("");
    expect(drift.changed).toBe(false);
  });

  it("the migrations folder replayed on a shadow database matches schema.prisma", async () => {
    const drift = await diffToSchema({
      from: { kind: "migrations", migrationsDir: MIGRATIONS_DIR },
      schemaPath: SCHEMA_PATH,
      adapterFactory: engineAdapter(db),
    });
    expect(drift.sql).toBe("");
  });
}

describe("no drift between prisma/migrations and schema.prisma on PGlite", () => {
  driftSuite(pgliteFactory);

  it("the migrations folder matches schema.prisma on a throwaway PGlite", async () => {
    const drift = await diffToSchema({
      from: { kind: "migrations", migrationsDir: MIGRATIONS_DIR },
      schemaPath: SCHEMA_PATH,
    });
    expect(drift).toEqual({ sql: "", changed: false });
  });
});

describe.runIf(TEST_DATABASE_URL)(
  "no drift between prisma/migrations and schema.prisma on PostgreSQL",
  () => {
    driftSuite(postgresFactory());
  },
);

describe("db:new-migration", () => {
  let folder: Awaited<ReturnType<typeof copyMigrations>>;
  let schemaPath: string;

  beforeEach(async () => {
    folder = await copyMigrations();
    schemaPath = path.join(path.dirname(folder.dir), "schema.prisma");
    await copyFile(SCHEMA_PATH, schemaPath);
  });

  afterEach(async () => {
    await folder.remove();
  });

  it("writes nothing when schema.prisma has not changed", async () => {
    const result = await createMigration({
      migrationsDir: folder.dir,
      schemaPath,
      name: "nothing",
    });
    expect(result).toEqual({ written: false });
  });

  it("writes the SQL of a change, which then applies without drift", async () => {
    const schema = await readFile(schemaPath, "utf8");
    await writeFile(
      schemaPath,
      `${schema}\nmodel DriftProbe {\n  id    Int    @id\n  label String @unique\n}\n`,
    );
    const now = new Date(Date.UTC(2999, 0, 2, 3, 4, 5));
    const result = await createMigration({
      migrationsDir: folder.dir,
      schemaPath,
      name: "add drift-probe",
      now,
    });
    if (!result.written) throw new Error("expected a migration");
    expect(result.name).toBe("29990102030405_add_drift_probe");
    expect(result.file).toBe(path.join(folder.dir, result.name, "migration.sql"));
    expect(await readFile(result.file, "utf8")).toBe(result.sql);
    expect(result.sql).toContain('CREATE TABLE "DriftProbe"');
    expect(result.sql).toContain('CREATE UNIQUE INDEX "DriftProbe_label_key"');

    expect(await createMigration({ migrationsDir: folder.dir, schemaPath, name: "again" })).toEqual(
      {
        written: false,
      },
    );

    const db = await freshPglite();
    try {
      const { applied } = await applyMigrations(db.target, { migrationsDir: folder.dir });
      expect(applied.at(-1)).toBe(result.name);
      expect(await diffDatabaseToSchema(engineAdapter(db), schemaPath)).toEqual({
        sql: "",
        changed: false,
      });
    } finally {
      await db.close();
    }
  });
});
