import { createHash } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import pg from "pg";

/**
 * A statement sent through the driver itself (pg, on PostgreSQL or over
 * PGlite), past Prisma's client: the hot path may use it outside transactions.
 */
export type DriverQuery = (
  text: string,
  values: readonly unknown[],
) => Promise<Record<string, unknown>[]>;

/** PGlite's driver, which holds a client of its own to close. */
export interface PgliteDriver {
  readonly query: DriverQuery;
  close(): Promise<void>;
}

/**
 * Every statement is prepared once per connection under a name made from its
 * text: the server then neither parses nor plans it again. Parsing and
 * planning the hot path's two statements cost more than running them (on
 * PGlite 62 % of their time). The hot path's texts are few and fixed, so the
 * names (kept here, hashing a text costs more than finding it) are too.
 */
const names = new Map<string, string>();

function prepared(text: string, values: readonly unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (name === undefined) {
    name = `hot_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
    names.set(text, name);
  }
  return { name, text, values: [...values] };
}

export function postgresDriver(pool: pg.Pool): DriverQuery {
  return async (text, values) => (await pool.query(prepared(text, values))).rows;
}

/**
 * pg's client over PGlite's wire-protocol connection, so that statements can be
 * prepared (PGlite's own query parses and plans every time). The connection
 * is PGlite's single session, shared with Prisma's adapter: each statement
 * takes both of PGlite's locks, as its own query does, so that it never runs
 * inside a transaction Prisma has open.
 */
export async function pgliteDriver(
  pglite: PGlite,
  onQuery?: (sql: string) => void,
): Promise<PgliteDriver> {
  const client = new pg.Client(createPgConfig(pglite));
  await client.connect();
  return {
    query: (text, values) => {
      onQuery?.(text);
      return pglite._runExclusiveTransaction(() =>
        pglite._runExclusiveQuery(async () => (await client.query(prepared(text, values))).rows),
      );
    },
    close: () => client.end(),
  };
}
