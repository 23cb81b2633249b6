import { getShortestPaths } from "@xstate/graph";
import { describe, expect, it } from "vitest";
import { createActor, type SnapshotFrom, transition } from "xstate";
import { MAX_BUTTON_EVENT_BYTES, type RefundEvent } from "../../../machines/refund/events.ts";
import {
  notEligible,
  type Outcome,
  type RefundContext,
  walk,
  where,
} from "../../../machines/refund/flow.ts";
import { QUESTION_IDS, type QuestionId } from "../../../machines/refund/ids.ts";
import { type Emitted, refundMachine } from "../../../machines/refund/machine.ts";
import { options, QUESTIONS } from "../../../machines/refund/questions.ts";
import type { Reply } from "../../../machines/refund/replies.ts";
import { refusedReply } from "../../../machines/refund/replies.ts";
import { start, step } from "../../../machines/refund/step.ts";
import { INPUT, NOW } from "./helpers.ts";

type Snap = SnapshotFrom<typeof refundMachine>;
const now = NOW + 3_600_000;

/** Typed answers that are valid for each free-text question (several where the branch matters). */
const TYPED: Partial<Record<QuestionId, string[]>> = {
  reported: ["2026-11-10 10:00", "2026-11-18"],
  reported_time: ["10:00"],
  restored: ["2026-11-19 10:00", "2026-11-18"],
  restored_time: ["10:30"],
  problem_date: ["2026-11-19", "2026-09-01"],
  paid_date: ["2026-11-19"],
  account: ["me@example.com"],
  reference: ["+49 30 1234567"],
  amount: ["12.50 EUR"],
  details: ["1234"],
  comment: ["ok"],
};
const DETAILS: Record<string, string> = {
  card: "1234",
  paypal: "me@paypal.example",
  crypto: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
  bank: "DE89 3704 0044 0532 0130 00",
  other: "Western Union to Jane Doe",
};

/** The events the model explores from a snapshot: every option, a valid typed answer, back, some edits. */
function eventsFor(s: Snap): RefundEvent[] {
  const ctx = s.context;
  if (s.status !== "active") return [];
  const at = where(ctx);
  const evs: RefundEvent[] = [];
  if (at === "summary") {
    evs.push({ type: "submit", now });
    evs.push({ type: "edit", q: "amount", now });
    evs.push({ type: "back", now });
    return evs;
  }
  if (at === "refused") {
    evs.push({ type: "human", now }, { type: "back", now }, { type: "cancel", now });
    return evs;
  }
  const q = at;
  if (QUESTIONS[q].kind === "choice")
    for (const v of options(q, ctx)) evs.push({ type: "choose", q, v, now });
  else if (q === "details")
    evs.push({ type: "text", text: DETAILS[ctxMethod(ctx)] ?? "1234", now });
  else for (const t of TYPED[q] ?? []) evs.push({ type: "text", text: t, now });
  if (q === "comment" || q === "evidence") evs.push({ type: "choose", q, v: "skip", now });
  if (q === "evidence") evs.push({ type: "choose", q, v: "2", now });
  if (ctx.trail.length === 0) evs.push({ type: "cancel", now });
  return evs;
}

function ctxMethod(ctx: RefundContext): string {
  const paid = ctx.answers.paid_with ?? "card";
  return ctx.unrefundable.includes(paid) ? (ctx.answers.payout_to ?? "card") : paid;
}

function serialize(s: Snap): string {
  if (s.status !== "active") return JSON.stringify(s.value);
  const { now: _n, ...rest } = s.context;
  return JSON.stringify([s.value, rest]);
}

const input = { ...INPUT, now };
const paths = getShortestPaths(refundMachine, {
  input,
  events: eventsFor,
  serializeState: (s) => serialize(s as Snap),
  limit: 20_000,
});
let largestSnapshot = 0;
let largestButton = 0;

function stateName(s: Snap): string {
  const v = s.value as string | Record<string, string>;
  return typeof v === "string" ? v : (Object.entries(v).map(([k, x]) => `${k}.${x}`)[0] ?? "");
}

describe("model-based (@xstate/graph)", () => {
  it("explores the conversation", () => {
    expect(paths.length).toBeGreaterThan(100);
  });

  it("every state of the machine is reachable", () => {
    const reached = new Set(paths.map((p) => stateName(p.state as Snap)));
    const all = [
      ...QUESTION_IDS.map((q) => `ask.${q}`),
      "summary",
      "refused",
      "submitted",
      "cancelled",
      "handoff",
      "closed",
    ];
    expect(all.filter((v) => !reached.has(v))).toEqual([]);
  });

  it("from every reachable state, answering on leads to an outcome or a cancel", () => {
    for (const p of paths) {
      let s = p.state as Snap;
      let n = 0;
      while (s.status === "active" && n < 60) {
        const evs = eventsFor(s).filter((e) => e.type !== "back" && e.type !== "edit");
        const e = where(s.context) === "refused" ? { type: "human" as const, now } : evs[0];
        if (e === undefined) throw new Error(`stuck at ${stateName(s)}`);
        [s] = transition(refundMachine, s, e);
        n++;
      }
      expect(s.status).toBe("done");
    }
  });

  it("every refusal is recorded with a clause and tells the customer one (settled reading 6)", () => {
    const refusals = paths
      .map((p) => (p.state as Snap).context)
      .filter((ctx) => where(ctx) === "refused");
    expect(refusals.length).toBeGreaterThan(10);
    const seen = new Set<string>();
    for (const ctx of refusals) {
      const outcome = notEligible(ctx);
      const w = walk(ctx);
      if (outcome === null || w.next.kind !== "refused") throw new Error("not a refusal");
      expect(outcome.clauses.length, JSON.stringify(ctx.answers)).toBeGreaterThan(0);
      const reply = refusedReply(ctx, w.next.decision);
      expect(reply.params?.clause, `${reply.key} ${JSON.stringify(ctx.answers)}`).toBeTruthy();
      seen.add(reply.key);
    }
    // The ones that named no clause before: a failed condition, and no granting clause at all.
    expect(seen).toContain("refused.none_near");
    expect(seen).toContain("refused.none_balance");
  });

  it("restoring a snapshot and sending the next event gives exactly what an uninterrupted run gives", () => {
    // The longest paths to each final and to the summary, bounded to keep the suite fast.
    const chosen = paths
      .filter((p) => {
        const v = stateName(p.state as Snap);
        return (
          v === "submitted" ||
          v === "handoff" ||
          v === "closed" ||
          v === "summary" ||
          v === "refused"
        );
      })
      .sort((a, b) => b.steps.length - a.steps.length)
      .slice(0, 150);
    expect(chosen.length).toBeGreaterThan(20);
    for (const p of chosen) {
      const events = p.steps
        .map((s) => s.event as RefundEvent)
        .filter((e) => !e.type.startsWith("xstate."));
      // Uninterrupted: one actor, all events.
      const emitted: Array<{ replies: Reply[]; outcome: Outcome | null }> = [];
      let cur = { replies: [] as Reply[], outcome: null as Outcome | null };
      const actor = createActor(refundMachine, { input });
      actor.on("*", (e: Emitted) => {
        if (e.type === "reply") cur.replies.push(e.reply);
        else cur.outcome = e.outcome;
      });
      actor.start();
      emitted.push(cur);
      for (const e of events) {
        cur = { replies: [], outcome: null };
        actor.send(e);
        emitted.push(cur);
      }
      const finalUninterrupted = actor.getPersistedSnapshot();
      actor.stop();
      // Interrupted: persist and restore around every event (through JSON, as a database would).
      let r = start(INPUT, now);
      const got: Array<{ replies: Reply[]; outcome: Outcome | null }> = [];
      if (r.kind !== "ok") throw new Error("start failed");
      got.push({ replies: r.replies, outcome: r.outcome });
      for (const e of events) {
        if (r.kind !== "ok") throw new Error(`step failed: ${JSON.stringify(r)}`);
        r = step(JSON.parse(JSON.stringify(r.persisted)), e);
        if (r.kind !== "ok") throw new Error(`step failed: ${JSON.stringify(r)}`);
        largestSnapshot = Math.max(largestSnapshot, Buffer.byteLength(JSON.stringify(r.persisted)));
        for (const rep of r.replies) {
          for (const b of rep.buttons?.flat() ?? []) {
            largestButton = Math.max(largestButton, Buffer.byteLength(JSON.stringify(b.event)));
          }
        }
        got.push({ replies: r.replies, outcome: r.outcome });
      }
      expect(got).toEqual(emitted);
      expect(r.kind === "ok" && r.persisted.snapshot).toEqual(finalUninterrupted);
    }
  });

  it("every button event fits Telegram callback data, and every snapshot is under 4 KB", () => {
    expect(largestButton).toBeGreaterThan(0);
    expect(largestButton).toBeLessThanOrEqual(MAX_BUTTON_EVENT_BYTES);
    expect(largestSnapshot).toBeLessThan(4096);
  });
});
