// The program refuses to start on a database with a failed migration on record,
// with a message naming the migration and how to resolve it.

import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import {
  applyMigrations,
  MIGRATIONS_DIR,
  MigrationError,
  readMigrations,
} from "../../../src/database/migrations/index.ts";
import { connectPglite } from "../../../src/database/open.ts";

describe("startup with a failed migration on record", () => {
  it("refuses to open the database, naming the migration and the way out", async () => {
    const pglite = await PGlite.create();
    await applyMigrations({ kind: "pglite", db: pglite }, { migrationsDir: MIGRATIONS_DIR });
    const last = (await readMigrations(MIGRATIONS_DIR)).at(-1);
    if (!last) throw new Error("no migrations");
    // As a crash in the middle of that migration, or a failure, leaves it.
    await pglite.query(
      `UPDATE "_prisma_migrations" SET finished_at = NULL, applied_steps_count = 0, logs = 'boom'
        WHERE migration_name = $1`,
      [last.name],
    );

    const error = await connectPglite(pglite).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe("FAILED_MIGRATION_PRESENT");
    expect((error as MigrationError).message).toContain(
      `The \`${last.name}\` migration started at`,
    );
    expect((error as MigrationError).message).toContain(
      `npm run db:migrate -- --resolve-rolled-back ${last.name}`,
    );
    expect(pglite.closed).toBe(true);
  });
});
