// The migration runner used at startup and by `npm run db:migrate`.
// (The schema-engine tooling in ./schema-diff.ts is for development only.)

import { fileURLToPath } from "node:url";

export {
  ADVISORY_LOCK_KEY,
  type ApplyMigrationsOptions,
  type ApplyMigrationsResult,
  applyMigrations,
  checksumOf,
  type LocalMigration,
  MIGRATIONS_TABLE_DDL,
  MigrationError,
  type MigrationErrorCode,
  type MigrationLogger,
  type MigrationTarget,
  readMigrations,
  resolveRolledBack,
} from "./runner.ts";

/** The repository's prisma/migrations folder. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

/** The repository's prisma/schema.prisma. */
export const SCHEMA_PATH = fileURLToPath(new URL("../../../prisma/schema.prisma", import.meta.url));
