// A throw-away PostgreSQL cluster for the benchmarks: initdb in a temporary
// folder, started on a free port with pg_stat_statements loaded, so that the
// statements each update costs are counted by the database itself. Built with
// PostgreSQL's own programs (pg_config's BINDIR, else /usr/lib/postgresql/*/bin).
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../support/emulator.ts";

const run = promisify(execFile);

export interface Cluster {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  stop: () => Promise<void>;
}

/** The folder of PostgreSQL's programs, or undefined when they are not installed. */
export async function postgresBin(): Promise<string | undefined> {
  try {
    return (await run("pg_config", ["--bindir"])).stdout.trim();
  } catch {
    for (const v of ["17", "16", "15", "14"]) {
      const dir = `/usr/lib/postgresql/${v}/bin`;
      try {
        await run(path.join(dir, "pg_ctl"), ["--version"]);
        return dir;
      } catch {}
    }
    return undefined;
  }
}

/** initdb refuses to run as root: then the cluster belongs to the postgres user. */
function asOwner(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ["runuser", ["-u", "postgres", "--", bin, ...args]]
    : [bin, args];
}

export async function startCluster(): Promise<Cluster> {
  const bin = await postgresBin();
  if (bin === undefined)
    throw new Error("PostgreSQL's programs (initdb, pg_ctl) are not installed");
  const dir = mkdtempSync(path.join(tmpdir(), "bench-pg-"));
  chmodSync(dir, 0o777);
  const data = path.join(dir, "data");
  const port = await freePort();
  const exec = (program: string, args: string[]) => run(...asOwner(path.join(bin, program), args));
  await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c shared_preload_libraries=pg_stat_statements",
    "-c max_connections=200",
  ].join(" ");
  await exec("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await exec("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
