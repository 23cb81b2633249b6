// What the bot's figures are divided by: pgbench's TPS (-N: the simple update
// transaction without the hot-row updates) on the same PostgreSQL in the same
// run, and the statements the database itself counted for one role.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { withDatabase } from "../support/database.ts";
import { postgresBin } from "./cluster.ts";

const run = promisify(execFile);

/** The role the measured programs connect as, so the bench's own queries are not counted. */
export const MEASURED_ROLE = "bot";

let tps: Promise<number | undefined> | undefined;

/**
 * pgbench -N TPS on a database of its own (scale 10, 8 clients, 2 threads,
 * 15 s), measured once a run; undefined when pgbench is not installed.
 */
export function pgbenchTps(serverUrl: string): Promise<number | undefined> {
  tps ??= (async () => {
    const bin = await postgresBin();
    if (bin === undefined) {
      process.stderr.write("pgbench is not installed: the pgbench -N reference is left out.\n");
      return undefined;
    }
    await withClient(serverUrl, (c) =>
      c
        .query("DROP DATABASE IF EXISTS bench_pgbench")
        .then(() => c.query("CREATE DATABASE bench_pgbench")),
    );
    const url = withDatabase(serverUrl, "bench_pgbench");
    await run(`${bin}/pgbench`, ["-i", "-q", "-s", "10", url]);
    const { stdout } = await run(`${bin}/pgbench`, ["-N", "-c", "8", "-j", "2", "-T", "15", url]);
    await withClient(serverUrl, (c) => c.query("DROP DATABASE bench_pgbench WITH (FORCE)"));
    const m = /tps = ([\d.]+)/.exec(stdout);
    if (m?.[1] === undefined) throw new Error(`pgbench printed no tps: ${stdout}`);
    return Number(m[1]);
  })();
  return tps;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The URL a measured program uses: the same database as MEASURED_ROLE (created if missing). */
export async function asMeasuredRole(serverUrl: string, url: string): Promise<string> {
  await withClient(serverUrl, (c) =>
    c.query(
      `DO $$ BEGIN CREATE ROLE ${MEASURED_ROLE} LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
    ),
  );
  const u = new URL(url);
  u.username = MEASURED_ROLE;
  return u.toString();
}

/** Statements counted, and the most frequent ones (when the database tells them apart). */
export interface Counted {
  total: number;
  top: { calls: number; query: string }[];
  /** the statements PostgreSQL spent the most time executing, costliest first */
  costliest: { calls: number; ms: number; query: string }[];
}

/** How many of the most frequent statements are listed (BENCH_TOP to see more). */
const TOP = Number(process.env.BENCH_TOP ?? 12);
/** How many of the statements PostgreSQL spent the most time on are listed. */
const COSTLIEST = 4;

/**
 * Counts the statements MEASURED_ROLE runs in one database, from
 * pg_stat_statements when the server loads it (BEGIN and COMMIT included),
 * else the database's committed transactions from pg_stat_database (which
 * counts the bench's own queries too): `source` says which.
 */
export async function statementCounter(
  serverUrl: string,
  database: string,
): Promise<{ source: string; count: () => Promise<Counted> }> {
  return withClient(serverUrl, async (c) => {
    const loaded = await c.query<{ on: boolean }>(
      "SELECT 'pg_stat_statements' = ANY (string_to_array(current_setting('shared_preload_libraries'), ',')) AS on",
    );
    if (loaded.rows[0]?.on) {
      await c.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      await c.query("SELECT pg_stat_statements_reset()");
      return {
        source: "pg_stat_statements",
        count: () =>
          withClient(serverUrl, async (q) => {
            const { rows } = await q.query<{ calls: string; ms: number; query: string }>(
              `SELECT calls, total_exec_time AS ms, query FROM pg_stat_statements
                WHERE userid = $1::regrole AND dbid = (SELECT oid FROM pg_database WHERE datname = $2)
                ORDER BY calls DESC`,
              [MEASURED_ROLE, database],
            );
            const all = rows.map((r) => ({
              calls: Number(r.calls),
              ms: r.ms,
              query: r.query.replace(/\s+/g, " "),
            }));
            return {
              total: all.reduce((n, r) => n + r.calls, 0),
              top: all.slice(0, TOP).map(({ calls, query }) => ({ calls, query })),
              costliest: [...all].sort((a, b) => b.ms - a.ms).slice(0, COSTLIEST),
            };
          }),
      };
    }
    const commits = () =>
      withClient(serverUrl, async (q) =>
        Number(
          (
            await q.query<{ n: string }>(
              "SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1",
              [database],
            )
          ).rows[0]?.n ?? 0,
        ),
      );
    const start = await commits();
    return {
      source: "pg_stat_database xact_commit (transactions, the bench's own queries included)",
      count: async () => ({ total: (await commits()) - start, top: [], costliest: [] }),
    };
  });
}
