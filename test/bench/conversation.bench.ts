// The refund conversation: cost of one step (restore snapshot, send event,
// persist snapshot, all in memory) early and late in a long conversation,
// and the size of the stored snapshot.
import type { RefundEvent } from "../../machines/refund/events.ts";
import { type PersistedConversation, start, step } from "../../machines/refund/step.ts";
import { type BenchSection, ms, percentiles, sample } from "./report.ts";

const NOW = Date.UTC(2026, 10, 20, 12, 0);
const INPUT = { lang: "ru", timeZone: "Europe/Kyiv", unrefundableMethods: ["crypto"] };

type Say = RefundEvent extends infer E ? (E extends RefundEvent ? Omit<E, "now"> : never) : never;

/** A payout request to the summary (14 events), then edit/back loops to make it long. */
const toSummary: Say[] = [
  { type: "choose", q: "want", v: "payout" },
  { type: "choose", q: "service", v: "rented" },
  { type: "choose", q: "what", v: "not_working" },
  { type: "choose", q: "replacement", v: "no" },
  { type: "text", text: "вчера" },
  { type: "text", text: "me@example.com" },
  { type: "text", text: "+380 44 123 45 67" },
  { type: "text", text: "1 200,50 грн" },
  { type: "choose", q: "paid_with", v: "crypto" },
  { type: "choose", q: "payout_to", v: "card" },
  { type: "text", text: "**** 4242" },
  {
    type: "text",
    text: "Номер не работает с понедельника, прошу вернуть деньги как можно скорее.",
  },
];
const loop: Say[] = [
  { type: "edit", q: "amount" },
  { type: "text", text: "1 300 грн" },
  { type: "back" },
  { type: "text", text: "Другой комментарий" },
];

function conversation(length: number): { persisted: PersistedConversation; next: Say }[] {
  const says: Say[] = [...toSummary];
  while (says.length < length + 1) says.push(...loop);
  const out: { persisted: PersistedConversation; next: Say }[] = [];
  let r = start(INPUT, NOW);
  for (let i = 0; i < length + 1; i++) {
    if (r.kind !== "ok") throw new Error(`step ${i}: ${r.kind}`);
    const next = says[i];
    if (next === undefined) break;
    out.push({ persisted: JSON.parse(JSON.stringify(r.persisted)), next });
    r = step(r.persisted, { ...next, now: NOW + i * 60_000 } as RefundEvent);
  }
  return out;
}

export async function bench(): Promise<BenchSection[]> {
  const conv = conversation(60);
  const rows: Record<string, string | number>[] = [];
  for (const at of [5, 50]) {
    const point = conv[at];
    if (point === undefined) throw new Error(`no step ${at}`);
    const stored = JSON.stringify(point.persisted);
    // Warm up, then time restore + send + persist, starting from the stored JSON each time.
    const once = () =>
      step(JSON.parse(stored), { ...point.next, now: NOW + at * 60_000 } as RefundEvent);
    for (let i = 0; i < 200; i++) once();
    const p = percentiles(await sample(2000, once));
    const after = once();
    rows.push({
      "step of the conversation": at,
      event: point.next.type,
      "p50 ms": ms(p.p50),
      "p99 ms": ms(p.p99),
      "mean ms": ms(p.mean),
      "snapshot bytes (before)": Buffer.byteLength(stored),
      "snapshot bytes (after)":
        after.kind === "ok" ? Buffer.byteLength(JSON.stringify(after.persisted)) : 0,
    });
  }
  const largest = Math.max(...conv.map((c) => Buffer.byteLength(JSON.stringify(c.persisted))));
  return [
    {
      title: "Refund conversation: one step (restore, send, persist; in memory)",
      rows,
      notes: [
        `Largest snapshot over a ${conv.length}-step conversation (payout, Russian, edit/back loops after the summary): ${largest} bytes (limit 4096).`,
        "The snapshot holds the answers, the trail of questions (each once) and the position, so neither its size nor the step cost grows with the number of steps.",
      ],
    },
  ];
}
