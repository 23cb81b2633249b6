import { createHash } from "node:crypto";
import { messages as backend, type PGlite, protocol } from "@electric-sql/pglite";
import pg from "pg";

/**
 * A statement sent through the driver itself (pg, on PostgreSQL or over
 * PGlite), past Prisma's client: the hot path may use it outside transactions.
 */
export type DriverQuery = (
  text: string,
  values: readonly unknown[],
) => Promise<Record<string, unknown>[]>;

/**
 * Every statement is prepared once per connection under a name made from its
 * text: the server then neither parses nor plans it again. Parsing and
 * planning the hot path's two statements cost more than running them (on
 * PGlite 62 % of their time). The hot path's texts are few and fixed, so the
 * names (kept here, hashing a text costs more than finding it) are too.
 */
const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `hot_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

const { serialize } = protocol;
const { DatabaseError } = backend;
type BackendMessage = Awaited<ReturnType<PGlite["execProtocolStream"]>>[number];

export function postgresDriver(pool: pg.Pool): DriverQuery {
  return async (text, values) => {
    try {
      return (await pool.query({ name: statementName(text), text, values: [...values] })).rows;
    } catch (error) {
      if (!staleStatement(error)) throw error;
      // pool.query has discarded the connection (as on any error), so its successor
      // prepares the statement afresh. This call runs unprepared, which any
      // connection can serve, behind a pooler too (whose own connections keep theirs).
      return (await pool.query({ text, values: [...values] })).rows;
    }
  };
}

/**
 * The session's copy of the statement cannot serve: a migration changed what it
 * returns (a rolling deploy: the old process runs on the new schema), the
 * session forgot it (DEALLOCATE, a pooler's reset), or the session holds one the
 * driver does not know of. Preparing it afresh cures each.
 */
function staleStatement(error: unknown): boolean {
  if (!(error instanceof Error) || !("code" in error)) return false;
  if (error.code === "26000" || error.code === "42P05") return true;
  // 0A000 is every unsupported feature; this routine raises only "cached plan must not change result type".
  return error.code === "0A000" && "routine" in error && error.routine === "RevalidateCachedQuery";
}

/**
 * Statements prepared on PGlite's single session, which it shares with Prisma's
 * adapter. Each call is one pass of the wire protocol (PGlite's own query
 * takes six, parsing and planning every time), its rows read with pg's type
 * parsers, as on PostgreSQL. It takes both of PGlite's locks, as its own
 * query does, so that it never runs inside a transaction Prisma has open.
 */
export function pgliteDriver(pglite: PGlite, onQuery?: (sql: string) => void): DriverQuery {
  const parsed = new Set<string>();
  // Afresh: closed (a no-op when the session has none) and parsed again.
  const pass = async (name: string, text: string, values: readonly unknown[], afresh = false) => {
    const messages = [
      ...(afresh ? [serialize.close({ type: "S", name })] : []),
      ...(parsed.has(name) && !afresh ? [] : [serialize.parse({ name, text })]),
      serialize.bind({ statement: name, values: values.map(wireValue) }),
      serialize.describe({ type: "P" }),
      serialize.execute({}),
      serialize.sync(),
    ];
    // Synced to the file system once per call, as PGlite's own query does.
    const answer = await pglite.execProtocolStream(Buffer.concat(messages), {
      throwOnError: false,
    });
    if (answer.some((m) => m.name === "parseComplete")) parsed.add(name);
    return { answer, failed: answer.find((m) => m instanceof DatabaseError) };
  };
  return async (text, values) => {
    onQuery?.(text);
    const name = statementName(text);
    // Ready before the locks, as PGlite's own query: its start-up takes them too.
    await pglite._checkReady();
    return pglite._runExclusiveTransaction(() =>
      pglite._runExclusiveQuery(async () => {
        // A call queued behind close() fails as PGlite's own query would.
        await pglite._checkReady();
        let { answer, failed } = await pass(name, text, values);
        if (staleStatement(failed)) ({ answer, failed } = await pass(name, text, values, true));
        if (failed !== undefined) throw failed;
        return rowsOf(answer);
      }),
    );
  };
}

/** A parameter as text. The hot path passes ids, numbers and text (arrays and JSON already as text). */
function wireValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") throw new TypeError("pass arrays and objects to the driver as text");
  return String(v);
}

function rowsOf(answer: readonly BackendMessage[]): Record<string, unknown>[] {
  const description = answer.find((m) => m instanceof backend.RowDescriptionMessage);
  if (description === undefined) return [];
  const columns = description.fields.map((f) => ({
    name: f.name,
    parse: pg.types.getTypeParser(f.dataTypeID, "text"),
  }));
  const rows: Record<string, unknown>[] = [];
  for (const m of answer) {
    if (!(m instanceof backend.DataRowMessage)) continue;
    const row: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const field = m.fields[i];
      row[c.name] = field === null || field === undefined ? null : c.parse(field);
    });
    rows.push(row);
  }
  return rows;
}
