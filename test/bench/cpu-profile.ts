// Summarises the CPU profiles BENCH_CPU_PROF=<folder> leaves (one per bot
// process, V8's .cpuprofile): self time by where it is spent, as a share of
// the busy time (idle left out), over the measured run only when the folder
// has its window (the start, the warm-up and the wait for its messages are
// not the updates' cost). Run: node test/bench/cpu-profile.ts <folder>
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  /** when the profile started, in microseconds of the system's monotonic clock */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A span of the monotonic clock, in microseconds (the clock V8 stamps its profiles with). */
export interface Window {
  from: number;
  to: number;
}

const WINDOW_FILE = "window.json";

export function monotonicMicroseconds(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Records, beside a run's profiles, the span that was measured. */
export function markProfileWindow(folder: string, window: Window): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, WINDOW_FILE), JSON.stringify(window));
}

/** The first matching rule names a frame's share; order matters. */
const RULES: [string, (f: ProfileNode["callFrame"]) => boolean][] = [
  ["idle", (f) => f.functionName === "(idle)"],
  ["garbage collection", (f) => f.functionName === "(garbage collector)"],
  [
    "socket writes (writev and co.)",
    (f) => /^(writev|writeBuffer|writeUtf8String)$/.test(f.functionName),
  ],
  [
    "WebAssembly: Prisma's query compiler (and PGlite's PostgreSQL)",
    (f) => f.url.startsWith("wasm://") || /query_compiler/.test(f.url),
  ],
  ["Prisma client runtime", (f) => /@prisma\/client/.test(f.url)],
  ["Prisma pg / PGlite adapter", (f) => /@prisma\/adapter-|driver-adapter-utils/.test(f.url)],
  ["pg and its protocol", (f) => /node_modules\/(pg|pg-protocol|pg-types|pg-pool)\//.test(f.url)],
  ["PGlite (its JavaScript)", (f) => /@electric-sql\/pglite/.test(f.url)],
  ["zod", (f) => /node_modules\/zod\//.test(f.url)],
  ["xstate", (f) => /node_modules\/xstate\//.test(f.url)],
  ["i18next", (f) => /node_modules\/i18next\//.test(f.url)],
  ["pino (logging)", (f) => /node_modules\/pino/.test(f.url)],
  ["other dependencies", (f) => /node_modules\//.test(f.url)],
  ["the FAQ matcher", (f) => /\/src\/faq\//.test(f.url)],
  ["our code (src/, machines/)", (f) => /\/(src|machines)\//.test(f.url)],
  ["Node internals (node:*)", (f) => f.url.startsWith("node:")],
  ["native and V8 (program, no script)", () => true],
];

export function summarise(
  files: string[],
  window?: Window,
): { name: string; ms: number; share: number }[] {
  const totals = new Map<string, number>();
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
    const kind = new Map<number, string>();
    for (const n of p.nodes)
      kind.set(n.id, RULES.find(([, test]) => test(n.callFrame))?.[0] ?? "other");
    let at = p.startTime;
    p.samples.forEach((id, i) => {
      const delta = p.timeDeltas[i] ?? 0;
      at += delta;
      if (window !== undefined && (at < window.from || at > window.to)) return;
      const k = kind.get(id) ?? "other";
      totals.set(k, (totals.get(k) ?? 0) + delta / 1000);
    });
  }
  totals.delete("idle");
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals]
    .map(([name, ms]) => ({ name, ms, share: ms / busy }))
    .sort((a, b) => b.ms - a.ms);
}

if (import.meta.main) {
  const dir = process.argv[2] ?? ".";
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f));
  const windowFile = path.join(dir, WINDOW_FILE);
  const window = existsSync(windowFile)
    ? (JSON.parse(readFileSync(windowFile, "utf8")) as Window)
    : undefined;
  const rows = summarise(files, window);
  const busy = rows.reduce((a, r) => a + r.ms, 0);
  const span =
    window === undefined
      ? "the whole run"
      : `the measured ${((window.to - window.from) / 1e6).toFixed(1)} s`;
  process.stdout.write(
    `${files.length} profile(s), ${(busy / 1000).toFixed(1)} s busy (self time) in ${span}\n`,
  );
  for (const r of rows)
    process.stdout.write(`${(r.share * 100).toFixed(1).padStart(5)} %  ${r.name}\n`);
}
