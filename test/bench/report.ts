/** One table of the benchmark report. */
export interface BenchSection {
  title: string;
  rows: Record<string, string | number>[];
  notes?: string[];
}

/** Median and 99th percentile of a list of samples (milliseconds). */
export function percentiles(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return { p50: at(0.5), p99: at(0.99), mean };
}

/** Times `fn` `n` times, one after another, and returns each duration in ms. */
export async function sample(n: number, fn: (i: number) => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

export function ms(x: number): string {
  return x < 1 ? x.toFixed(3) : x.toFixed(2);
}

export function toMarkdown(sections: BenchSection[]): string {
  const parts: string[] = [];
  for (const s of sections) {
    parts.push(`## ${s.title}\n`);
    const cols = [...new Set(s.rows.flatMap((r) => Object.keys(r)))];
    parts.push(`| ${cols.join(" | ")} |`, `| ${cols.map(() => "---").join(" | ")} |`);
    for (const r of s.rows) parts.push(`| ${cols.map((c) => String(r[c] ?? "")).join(" | ")} |`);
    for (const n of s.notes ?? []) parts.push(`\n${n}`);
    parts.push("");
  }
  return parts.join("\n");
}
