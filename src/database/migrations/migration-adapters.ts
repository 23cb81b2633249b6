// Migration-aware driver adapters for Prisma's Wasm schema engine (development
// tooling: diffs and drift checks). The published adapters are made for queries;
// for migrations each needs fixes:
//
// pglite-prisma-adapter@0.7.2
// - executeScript() does not await PGlite's exec(): a failing script is reported
//   as a success (a broken migration would be recorded as applied);
// - its shadow database is one fixed `memory://shadow` PGlite, never closed.
// @prisma/adapter-pg@7.10.1
// - executeScript() splits the script on every `;` (breaks on `;` in strings,
//   function bodies, comments); here the script goes whole, as one simple query;
// - connectToShadowDb() creates a database but connects to the main one when
//   the config is a connection string; here the URL's database is replaced;
// - queryRaw() rejects the catalog type "char" (OID 18) that the engine's
//   introspection selects; here such columns reach adapter-pg as text and are
//   then reported as Character, as the PGlite adapter does (pg parses them as
//   strings already).

import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

type PgErrorLike = {
  code: string;
  message: string;
  severity?: string;
  detail?: string;
  column?: string;
  hint?: string;
};

function isPgError(e: unknown): e is PgErrorLike {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

/** A PostgreSQL error as the engine expects it from an adapter. */
function toAdapterError(e: unknown): unknown {
  if (!isPgError(e)) return e;
  return new DriverAdapterError({
    kind: "postgres",
    code: e.code,
    severity: e.severity ?? "ERROR",
    message: e.message,
    detail: e.detail,
    column: e.column,
    hint: e.hint,
  });
}

/** Delegates to a published adapter; replaces executeScript and adds cleanup. */
class FixedScriptAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter["provider"];
  readonly adapterName: string;
  readonly #inner: SqlDriverAdapter;
  readonly #runScript: (script: string) => Promise<void>;
  readonly #onDispose: () => Promise<void>;
  readonly #fixResult: (result: SqlResultSet) => SqlResultSet;

  constructor(
    inner: SqlDriverAdapter,
    runScript: (script: string) => Promise<void>,
    onDispose: () => Promise<void> = async () => {},
    fixResult: (result: SqlResultSet) => SqlResultSet = (result) => result,
  ) {
    this.#inner = inner;
    this.#runScript = runScript;
    this.#onDispose = onDispose;
    this.#fixResult = fixResult;
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#fixResult(await this.#inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#inner.executeRaw(query);
  }

  async executeScript(script: string): Promise<void> {
    try {
      await this.#runScript(script);
    } catch (e) {
      throw toAdapterError(e);
    }
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.#inner.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ReturnType<NonNullable<SqlDriverAdapter["getConnectionInfo"]>> {
    return this.#inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  async dispose(): Promise<void> {
    try {
      await this.#inner.dispose();
    } finally {
      await this.#onDispose();
    }
  }
}

async function pgliteAdapter(db: PGlite, closeOnDispose: boolean): Promise<SqlDriverAdapter> {
  const inner = await new PrismaPGlite(db).connect();
  return new FixedScriptAdapter(
    inner,
    async (script) => {
      await db.exec(script);
    },
    async () => {
      if (closeOnDispose && !db.closed) await db.close();
    },
  );
}

/**
 * PGlite for the schema engine: `connect()` uses `db`; every shadow database is
 * a new in-memory PGlite, closed when the engine disposes of it.
 */
export class PGliteMigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "pglite-migration";
  readonly #db: PGlite;

  constructor(db: PGlite) {
    this.#db = db;
  }

  connect(): Promise<SqlDriverAdapter> {
    return pgliteAdapter(this.#db, false);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return pgliteAdapter(await PGlite.create(), true);
  }
}

const CHAR_OID = 18;
const TEXT_OID = 25;

type FieldsResult = { fields?: { dataTypeID: number }[]; rows?: unknown };

/**
 * The "char" columns of a result, keyed by its rows array: adapter-pg returns
 * pg's rows array as is, so the adapter can find them again after its mapping.
 */
const charColumns = new WeakMap<object, number[]>();

/** Hide "char" from adapter-pg's type mapping (it has none) and remember where it was. */
function retypeCharFields(result: unknown): void {
  const { fields, rows } = (result ?? {}) as FieldsResult;
  if (!Array.isArray(fields)) return;
  const indexes: number[] = [];
  fields.forEach((field, i) => {
    if (field.dataTypeID === CHAR_OID) {
      field.dataTypeID = TEXT_OID;
      indexes.push(i);
    }
  });
  if (indexes.length > 0 && typeof rows === "object" && rows !== null)
    charColumns.set(rows, indexes);
}

/** Report the remembered "char" columns as Character, as the PGlite adapter does. */
function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  const indexes = charColumns.get(result.rows);
  if (!indexes) return result;
  const columnTypes = [...result.columnTypes];
  for (const i of indexes) columnTypes[i] = ColumnTypeEnum.Character;
  return { ...result, columnTypes };
}

type QueryFn = (...args: unknown[]) => unknown;

function patchCharOid(client: pg.PoolClient): void {
  const target = client as unknown as { query: QueryFn };
  const original = target.query.bind(client);
  target.query = (...args: unknown[]): unknown => {
    // pg.Pool#query calls the client with a callback; direct callers use promises.
    const last = args.at(-1);
    if (typeof last === "function") {
      const callback = last as (err: unknown, value: unknown) => void;
      args[args.length - 1] = (err: unknown, value: unknown) => {
        if (!err) retypeCharFields(value);
        callback(err, value);
      };
    }
    const result = original(...args);
    if (result instanceof Promise) {
      return result.then((value: unknown) => {
        retypeCharFields(value);
        return value;
      });
    }
    return result;
  };
}

function poolFor(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 2 });
  pool.on("connect", patchCharOid);
  return pool;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function pgAdapter(url: string, onDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
  const pool = poolFor(url);
  const inner = await new PrismaPg(pool).connect();
  return new FixedScriptAdapter(
    inner,
    async (script) => {
      // No parameters: the simple query protocol runs all statements in order.
      await pool.query(script);
    },
    async () => {
      await pool.end();
      await onDispose?.();
    },
    restoreCharColumns,
  );
}

export type PgMigrationAdapterOptions = {
  /** Prefix of the temporary shadow databases (default `prisma_migrate_shadow_db_`). */
  shadowDatabasePrefix?: string;
};

/**
 * PostgreSQL for the schema engine: `connect()` opens the database of `url`;
 * a shadow database is created on the same server and dropped on dispose.
 */
export class PgMigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "pg-migration";
  readonly #url: string;
  readonly #shadowPrefix: string;

  constructor(url: string, options: PgMigrationAdapterOptions = {}) {
    this.#url = url;
    this.#shadowPrefix = options.shadowDatabasePrefix ?? "prisma_migrate_shadow_db_";
  }

  connect(): Promise<SqlDriverAdapter> {
    return pgAdapter(this.#url);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `${this.#shadowPrefix}${randomUUID().replace(/-/g, "")}`;
    const admin = new pg.Client({ connectionString: this.#url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    return pgAdapter(withDatabase(this.#url, name), async () => {
      const dropper = new pg.Client({ connectionString: this.#url });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    });
  }
}
