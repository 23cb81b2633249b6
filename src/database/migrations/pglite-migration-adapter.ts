// A migration-aware driver adapter over PGlite for Prisma's Wasm schema engine.
//
// pglite-prisma-adapter@0.7.2 is fine for queries, but for migrations:
// - its executeScript() does not await PGlite's exec(), so a failing script is
//   reported as a success (a broken migration would be recorded as applied);
// - its shadow database is a fixed `memory://shadow` PGlite it never closes.
// This wraps it: executeScript awaits and maps PostgreSQL errors, and the shadow
// database is a fresh in-memory PGlite closed with the adapter.

import { PGlite } from "@electric-sql/pglite";
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from "@prisma/driver-adapter-utils";
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

class ScriptAwaitingPGliteAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter["provider"];
  readonly adapterName: string;
  readonly #inner: SqlDriverAdapter;
  readonly #db: PGlite;
  readonly #closeOnDispose: boolean;

  constructor(inner: SqlDriverAdapter, db: PGlite, closeOnDispose: boolean) {
    this.#inner = inner;
    this.#db = db;
    this.#closeOnDispose = closeOnDispose;
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#inner.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#inner.executeRaw(query);
  }

  async executeScript(script: string): Promise<void> {
    try {
      await this.#db.exec(script);
    } catch (e) {
      if (isPgError(e)) {
        throw new DriverAdapterError({
          kind: "postgres",
          code: e.code,
          severity: e.severity ?? "ERROR",
          message: e.message,
          detail: e.detail,
          column: e.column,
          hint: e.hint,
        });
      }
      throw e;
    }
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.#inner.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ReturnType<NonNullable<SqlDriverAdapter["getConnectionInfo"]>> {
    return this.#inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  async dispose(): Promise<void> {
    await this.#inner.dispose();
    if (this.#closeOnDispose && !this.#db.closed) await this.#db.close();
  }
}

async function wrap(db: PGlite, closeOnDispose: boolean): Promise<SqlDriverAdapter> {
  const inner = await new PrismaPGlite(db).connect();
  return new ScriptAwaitingPGliteAdapter(inner, db, closeOnDispose);
}

/**
 * A migration-aware adapter factory: `connect()` uses `db`; every shadow
 * database is a new in-memory PGlite, closed when the engine disposes of it.
 */
export class PGliteMigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "pglite-migration";
  readonly #db: PGlite;

  constructor(db: PGlite) {
    this.#db = db;
  }

  connect(): Promise<SqlDriverAdapter> {
    return wrap(this.#db, false);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return wrap(await PGlite.create(), true);
  }
}
