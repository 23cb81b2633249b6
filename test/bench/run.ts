// Runs every test/bench/*.bench.ts (or those named on the command line) and
// writes the figures to bench-report.md.
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Cluster, startCluster } from "./cluster.ts";
import { type BenchSection, toMarkdown } from "./report.ts";

const here = path.dirname(new URL(import.meta.url).pathname);
const wanted = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

// The PostgreSQL rows run on a throw-away cluster that loads pg_stat_statements
// (the bench modules read TEST_DATABASE_URL when they are imported, below).
let cluster: Cluster | undefined;
const notes: string[] = [];
if (process.env.TEST_DATABASE_URL !== undefined) {
  try {
    cluster = await startCluster();
    process.env.TEST_DATABASE_URL = cluster.url;
    notes.push(`PostgreSQL: a throw-away cluster (${cluster.url}) with pg_stat_statements.`);
  } catch (err) {
    notes.push(
      `PostgreSQL: ${process.env.TEST_DATABASE_URL}, as given (no cluster of our own: ${String(err).split("\n")[0]}).`,
    );
  }
  process.stdout.write(`${notes.join("\n")}\n`);
}

const sections: BenchSection[] = [];
try {
  for (const file of files) {
    const mod = (await import(path.join(here, file))) as { bench: () => Promise<BenchSection[]> };
    const got = await mod.bench();
    for (const s of got) process.stdout.write(`${toMarkdown([s])}\n`);
    sections.push(...got);
  }
} finally {
  await cluster?.stop();
}
const header = `# Benchmark report\n\nNode ${process.version}, ${new Date().toISOString()}\n\n${notes.map((n) => `${n}\n\n`).join("")}`;
await writeFile("bench-report.md", header + toMarkdown(sections));
process.stdout.write("Written to bench-report.md\n");
