// Development tooling: Prisma's schema engine compiled to Wasm computes the SQL
// that takes the database from the migrations folder (or from empty) to the
// datamodel of schema.prisma. No native engine, no network.
//
// The engine runs against a throwaway in-memory PGlite used as both the main and
// the shadow database; its output is plain PostgreSQL for both databases.
//
// `@prisma/schema-engine-wasm` is a devDependency: import this module from
// tooling and tests only, never from the program's startup path.

import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { DiffTarget, MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import { PGliteMigrationAdapterFactory } from "./migration-adapters.ts";

/** Where the engine starts from. */
export type DiffSource = { kind: "empty" } | { kind: "migrations"; migrationsDir: string };

export type DiffOptions = {
  from: DiffSource;
  /** schema.prisma to diff to. */
  schemaPath: string;
  /** Connect the engine to this adapter instead of a throwaway PGlite. */
  adapterFactory?: SqlMigrationAwareDriverAdapterFactory;
};

export type DiffOutcome = {
  /** The migration script; empty string when there is nothing to change. */
  sql: string;
  /** True when the two schemas differ. */
  changed: boolean;
};

export class SchemaEngineError extends Error {
  override readonly name = "SchemaEngineError";
}

/** The engine prints this, and only this, when the diff is empty. */
const EMPTY_MARKER = "-- This is an empty migration.";

const MIGRATION_DIR = /^\d{14}_[A-Za-z0-9_-]+$/;

/** The migrations folder in the shape the engine expects (what Prisma's CLI passes). */
export async function loadMigrationList(migrationsDir: string): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  let entries: string[] = [];
  try {
    entries = (await readdir(baseDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && MIGRATION_DIR.test(d.name))
      .map((d) => d.name)
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  let lockContent: string | null = null;
  try {
    lockContent = await readFile(path.join(baseDir, "migration_lock.toml"), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const migrationDirectories = await Promise.all(
    entries.map(async (name) => {
      const file = path.join(baseDir, name, "migration.sql");
      try {
        const content = await readFile(file, "utf8");
        return {
          path: name,
          migrationFile: { path: "migration.sql", content: { tag: "ok" as const, value: content } },
        };
      } catch (e) {
        return {
          path: name,
          migrationFile: {
            path: "migration.sql",
            content: { tag: "error" as const, value: String(e) },
          },
        };
      }
    }),
  );
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

type EngineModule = typeof import("@prisma/schema-engine-wasm");

let engineModule: Promise<EngineModule> | undefined;

function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= withoutWasmImportWarning(() => import("@prisma/schema-engine-wasm"));
  return engineModule;
}

/**
 * Runs `load` without Node's ExperimentalWarning for importing a Wasm module
 * (the engine's `import … from "./schema_engine_bg.wasm"`): expected here, it
 * reads like a failure in the output of tests and tools. Other warnings pass.
 */
async function withoutWasmImportWarning<T>(load: () => Promise<T>): Promise<T> {
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
    const message = typeof warning === "string" ? warning : warning.message;
    if (message.startsWith("Importing WebAssembly module")) return;
    Reflect.apply(emitWarning, process, [warning, ...rest]);
  };
  try {
    return await load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * Run `fn` with a schema engine connected through `factory` (wrapped with
 * `bindMigrationAwareSqlAdapterFactory`, as Prisma's CLI does), then free it.
 */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const wasm = await loadEngineModule();
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const debugLog = (_message: string): void => {};
  let engine: SchemaEngine;
  try {
    engine = await wasm.SchemaEngine.new({ datamodels: undefined }, debugLog, bound);
  } catch (e) {
    throw toEngineError(e, bound.errorRegistry);
  }
  try {
    return await fn(engine);
  } catch (e) {
    throw toEngineError(e, bound.errorRegistry);
  } finally {
    engine.free();
  }
}

type Registry = { consumeError(id: number): { error: unknown } | undefined };

function toEngineError(e: unknown, _registry: Registry): Error {
  if (e instanceof SchemaEngineError) return e;
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const prefix = typeof code === "string" ? `${code}: ` : "";
    return new SchemaEngineError(`${prefix}${e.message}`, { cause: e });
  }
  return new SchemaEngineError(String(e));
}

async function readSchemaTarget(schemaPath: string): Promise<DiffTarget> {
  const content = await readFile(schemaPath, "utf8");
  return { tag: "schemaDatamodel", files: [{ path: path.resolve(schemaPath), content }] };
}

async function sourceTarget(from: DiffSource): Promise<DiffTarget> {
  if (from.kind === "empty") return { tag: "empty" };
  return { tag: "migrations", ...(await loadMigrationList(from.migrationsDir)) };
}

/** Normalise the engine's script: empty string for "no changes". */
function toOutcome(stdout: string | null): DiffOutcome {
  const text = (stdout ?? "").trim();
  if (text === "" || text === EMPTY_MARKER) return { sql: "", changed: false };
  return { sql: `${text}\n`, changed: true };
}

/**
 * The SQL that takes a database from `from` (empty, or the migrations folder
 * applied to a shadow database) to the datamodel in `schemaPath`.
 */
export async function diffToSchema(options: DiffOptions): Promise<DiffOutcome> {
  const [fromTarget, toTarget] = await Promise.all([
    sourceTarget(options.from),
    readSchemaTarget(options.schemaPath),
  ]);
  return runDiff(fromTarget, toTarget, options.adapterFactory);
}

/**
 * The SQL that takes the live database behind `adapterFactory` to the datamodel
 * in `schemaPath` (empty when the database matches the schema exactly).
 */
export async function diffDatabaseToSchema(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schemaPath: string,
): Promise<DiffOutcome> {
  const toTarget = await readSchemaTarget(schemaPath);
  // `schemaDatasource`: the live database the engine is connected to (the adapter's
  // main connection); the Wasm engine refuses `url` targets.
  const fromTarget: DiffTarget = {
    tag: "schemaDatasource",
    files: toTarget.tag === "schemaDatamodel" ? toTarget.files : [],
    configDir: path.dirname(path.resolve(schemaPath)),
  };
  return runDiff(fromTarget, toTarget, adapterFactory);
}

async function runDiff(
  from: DiffTarget,
  to: DiffTarget,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory | undefined,
): Promise<DiffOutcome> {
  const scratch = adapterFactory ? undefined : await PGlite.create();
  const factory = adapterFactory ?? new PGliteMigrationAdapterFactory(scratch as PGlite);
  try {
    const result = await withSchemaEngine(factory, (engine) =>
      engine.diff({
        from,
        to,
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      }),
    );
    return toOutcome(result.stdout);
  } finally {
    if (scratch && !scratch.closed) await scratch.close();
  }
}
