import type { ButtonEvent, TextEvent } from "../../../machines/refund/events.ts";
import type { Outcome } from "../../../machines/refund/flow.ts";
import type { RefundInput } from "../../../machines/refund/machine.ts";
import type { Reply } from "../../../machines/refund/replies.ts";
import { type StepResult, start, step } from "../../../machines/refund/step.ts";

/** 2026-11-20 12:00 UTC (13:00 in Berlin), a Friday. */
export const NOW = Date.UTC(2026, 10, 20, 12, 0);
export const INPUT: RefundInput = {
  lang: "en",
  timeZone: "Europe/Berlin",
  unrefundableMethods: ["crypto"],
};

export type Say = ButtonEvent | TextEvent;
export const choose = (q: Extract<ButtonEvent, { type: "choose" }>["q"], v: string): Say => ({
  type: "choose",
  q,
  v,
});
export const text = (t: string): Say => ({ type: "text", text: t });

export interface Conversation {
  results: StepResult[];
  outcomes: Outcome[];
  replies: Reply[];
  last: StepResult;
  /** The state value after each step. */
  at: string[];
}

/** Runs a whole conversation through start/step, one minute per event. */
export function converse(
  says: readonly Say[],
  opts: { input?: RefundInput; now?: number; stepMs?: number } = {},
): Conversation {
  let now = opts.now ?? NOW;
  const first = start(opts.input ?? INPUT, now);
  const results = [first];
  let r = first;
  for (const s of says) {
    if (r.kind !== "ok") throw new Error(`conversation stopped: ${JSON.stringify(r)}`);
    if (r.done) throw new Error(`conversation already done before ${JSON.stringify(s)}`);
    now += opts.stepMs ?? 60_000;
    r = step(r.persisted, { ...s, now });
    results.push(r);
  }
  const outcomes: Outcome[] = [];
  const replies: Reply[] = [];
  const at: string[] = [];
  for (const x of results) {
    if (x.kind !== "ok") continue;
    if (x.outcome !== null) outcomes.push(x.outcome);
    replies.push(...x.replies);
    at.push(stateOf(x));
  }
  return { results, outcomes, replies, last: r, at };
}

export function stateOf(r: StepResult): string {
  if (r.kind !== "ok") return r.kind;
  const v = (r.persisted.snapshot as { value: string | Record<string, string> }).value;
  return typeof v === "string" ? v : (Object.entries(v).map(([k, x]) => `${k}.${x}`)[0] ?? "");
}

export function lastReply(c: Conversation): Reply | undefined {
  return c.replies[c.replies.length - 1];
}

/** Answers that complete the request once the case is eligible. */
export const COLLECT_BALANCE: Say[] = [
  text("me@example.com"),
  text("+49 30 1234567"),
  text("12.50 EUR"),
  choose("comment", "skip"),
  choose("evidence", "skip"),
];
