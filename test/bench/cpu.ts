// Where the machine's CPU goes during a run, read from Linux's /proc: the
// programs under test, PostgreSQL's server (every process of it), the bench's
// own process (the load generator and the stub Bot API) and the machine as a
// whole. The ratios to pgbench only mean something if one knows whether the
// cores were full, and who filled them.
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";

/** Linux's USER_HZ: /proc reports CPU time in these. */
const CLOCK_TICKS = 100;

/** The fields of /proc/<pid>/stat after the command's closing parenthesis (field 3 first). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** A process's CPU time so far (user and system) in ms; 0 where there is none. */
export function processCpuMs(pid: number | undefined): number {
  const f = pid === undefined ? undefined : statFields(pid);
  return f === undefined ? 0 : ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
}

/**
 * The server's CPU time so far in ms: the postmaster's own, its children's
 * that have exited (cutime, cstime) and its live children's (the backends,
 * the WAL writer, the checkpointer...).
 */
export function serverCpuMs(postmaster: number): number {
  const own = statFields(postmaster);
  if (own === undefined) return 0;
  let ms =
    ((Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) * 1000) / CLOCK_TICKS;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f !== undefined && Number(f[1]) === postmaster) ms += processCpuMs(Number(entry));
  }
  return ms;
}

/**
 * The PostgreSQL server's main process behind `url`, found as the parent of a
 * backend; undefined when the server is not on this machine.
 */
export async function postmasterOf(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    // The pid is the server's own: on another machine or in a container it may name
    // an unrelated local process, so both must be PostgreSQL's here.
    const pid = rows[0]?.pid ?? 0;
    const ppid = Number(statFields(pid)?.[1]);
    const postgres = (p: number) => commOf(p) === "postgres";
    return Number.isInteger(ppid) && ppid > 1 && postgres(pid) && postgres(ppid) ? ppid : undefined;
  } finally {
    await client.end();
  }
}

function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** The CPU time all cores spent busy so far (not idle, not waiting for I/O), in ms. */
export function machineBusyMs(): number {
  const [, ...ticks] = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/);
  const n = ticks.map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  // user nice system idle iowait ...; guest time is already in user.
  return ((total - (n[3] ?? 0) - (n[4] ?? 0) - (n[8] ?? 0) - (n[9] ?? 0)) * 1000) / CLOCK_TICKS;
}

/** The bench's own process (load generator, stub Bot API), in ms. */
function benchCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU per update, in ms, over a run. */
export interface CpuShares {
  /** the program under test (all its processes) */
  program: number;
  /** PostgreSQL's server; undefined when there is none to read (PGlite, a remote server) */
  server: number | undefined;
  /** the bench's process: the load generator, the stub Bot API, its checks of the database */
  bench: number;
  /** everything else on the machine */
  rest: number;
  /** of all cores, on average over the run */
  coresBusy: number;
}

/** Starts counting; `stop` gives each party's CPU over the run, per update. */
export function cpuMeter(o: {
  programs: () => (number | undefined)[];
  postmaster: number | undefined;
}) {
  const program = () => o.programs().reduce<number>((n, pid) => n + processCpuMs(pid), 0);
  const server = () => (o.postmaster === undefined ? 0 : serverCpuMs(o.postmaster));
  const at = { program: program(), server: server(), bench: benchCpuMs(), busy: machineBusyMs() };
  const started = performance.now();
  return {
    stop(updates: number): CpuShares {
      const seconds = (performance.now() - started) / 1000;
      const p = program() - at.program;
      const s = server() - at.server;
      const b = benchCpuMs() - at.bench;
      const busy = machineBusyMs() - at.busy;
      return {
        program: p / updates,
        server: o.postmaster === undefined ? undefined : s / updates,
        bench: b / updates,
        rest: Math.max(0, busy - p - s - b) / updates,
        coresBusy: busy / 1000 / seconds,
      };
    },
  };
}
