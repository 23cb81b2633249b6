// Runs every test/bench/*.bench.ts (or those named on the command line) and
// writes the figures to bench-report.md.
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type BenchSection, toMarkdown } from "./report.ts";

const here = path.dirname(new URL(import.meta.url).pathname);
const wanted = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

const sections: BenchSection[] = [];
for (const file of files) {
  const mod = (await import(path.join(here, file))) as { bench: () => Promise<BenchSection[]> };
  const got = await mod.bench();
  for (const s of got) process.stdout.write(`${toMarkdown([s])}\n`);
  sections.push(...got);
}
const header = `# Benchmark report\n\nNode ${process.version}, ${new Date().toISOString()}\n\n`;
await writeFile("bench-report.md", header + toMarkdown(sections));
process.stdout.write("Written to bench-report.md\n");
