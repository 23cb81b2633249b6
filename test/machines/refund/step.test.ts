import { describe, expect, it } from "vitest";
import { ButtonEventSchema } from "../../../machines/refund/events.ts";
import {
  REFUND_MACHINE_ID,
  REFUND_MACHINE_VERSION,
  start,
  step,
} from "../../../machines/refund/step.ts";
import {
  COLLECT_BALANCE,
  choose,
  converse,
  INPUT,
  lastReply,
  NOW,
  stateOf,
  text,
} from "./helpers.ts";

describe("persistence", () => {
  const first = start(INPUT, NOW);
  if (first.kind !== "ok") throw new Error("start failed");
  const ok = first.persisted;

  it("start greets and asks the first question", () => {
    expect(first.replies.map((r) => r.key)).toEqual(["intro", "ask.want"]);
    expect(ok.machine).toBe(REFUND_MACHINE_ID);
    expect(ok.version).toBe(REFUND_MACHINE_VERSION);
  });

  it("an incompatible or garbage snapshot gives 'incompatible', never a throw", () => {
    const e = { type: "back" as const, now: NOW };
    const bad: unknown[] = [
      null,
      undefined,
      "garbage",
      42,
      [],
      {},
      { ...ok, version: REFUND_MACHINE_VERSION + 1 },
      { ...ok, version: 0 },
      { ...ok, machine: "other" },
      { ...ok, snapshot: null },
      { ...ok, snapshot: { ...(ok.snapshot as object), value: { ask: "nope" } } },
      { ...ok, snapshot: { ...(ok.snapshot as object), value: "route" } },
      { ...ok, snapshot: { ...(ok.snapshot as object), value: "summary" } },
      { ...ok, snapshot: { ...(ok.snapshot as object), context: { lang: "en" } } },
      JSON.parse(JSON.stringify(ok).replace('"Europe/Berlin"', '"Mars/Olympus"')),
    ];
    for (const b of bad) {
      const r = step(b, e);
      expect(r.kind, JSON.stringify(b)).toBe("incompatible");
    }
  });

  it("the service restarts with an apology", () => {
    const r = start(INPUT, NOW, { apologise: true });
    expect(r.kind === "ok" && r.replies.map((x) => x.key)).toEqual([
      "restart.apology",
      "intro",
      "ask.want",
    ]);
  });

  it("a finished conversation answers 'ended'", () => {
    const c = converse([{ type: "cancel" }]);
    expect(c.outcomes).toEqual([{ kind: "cancelled", at: "want", atMs: NOW + 60_000 }]);
    if (c.last.kind !== "ok") throw new Error();
    expect(c.last.done).toBe(true);
    expect(step(c.last.persisted, { type: "back", now: NOW })).toEqual({ kind: "ended" });
  });

  it("a malformed event changes nothing and says so", () => {
    const r = step(ok, { type: "choose", q: "want", v: "x".repeat(100), now: NOW } as never);
    expect(r.kind === "ok" && r.replies.map((x) => x.key)).toEqual(["error.stale_button"]);
    expect(r.kind === "ok" && r.persisted).toEqual(ok);
  });
});

describe("conversation mechanics", () => {
  it("a bad answer is re-asked with the reason", () => {
    const c = converse([choose("want", "balance"), choose("service", "rented"), text("hello")]);
    expect(c.replies.slice(-2).map((r) => r.key)).toEqual(["error.use_buttons", "ask.what"]);
  });
  it("reads a typed date or amount in the language it comes with, which the conversation keeps", () => {
    // Begun in English, where 03/11/2026 may be either day and 1.500 has a decimal too many.
    const c = converse([
      choose("want", "balance"),
      choose("service", "one_time"),
      choose("what", "no_sms"),
      choose("code_shown", "no"),
      choose("restrictions", "yes"),
    ]);
    if (c.last.kind !== "ok") throw new Error("no conversation");
    const typed = (stored: unknown, t: string, lang?: string) => {
      const r = step(stored, { type: "text", text: t, now: NOW, ...(lang ? { lang } : {}) });
      if (r.kind !== "ok") throw new Error(r.kind);
      return r;
    };
    expect(typed(c.last.persisted, "03/11/2026").replies[0]?.key).toBe("error.date_ambiguous");
    // The reader has switched to Spanish (/language): day first, a comma for decimals.
    const dated = typed(c.last.persisted, "03/11/2026", "es");
    const amount = typed(
      typed(typed(dated.persisted, "me@example.com").persisted, "+49 30 1234567").persisted,
      "1.500 EUR",
    );
    const context = (r: typeof amount) =>
      (r.persisted.snapshot as { context: { lang: string; answers: Record<string, string> } })
        .context;
    expect(context(amount).answers).toMatchObject({
      problem_date: "2026-11-03",
      amount: "1500.00 EUR",
    });
    expect(context(amount).lang).toBe("es");
    // A language the machine does not know leaves the conversation's own.
    expect(context(typed(dated.persisted, "me@example.com", "xx")).lang).toBe("es");
  });

  it("a button of an earlier question is not taken as an answer to this one", () => {
    const c = converse([choose("want", "balance"), choose("want", "payout")]);
    expect(c.replies.slice(-2).map((r) => r.key)).toEqual(["error.stale_button", "ask.service"]);
  });
  it("back undoes the last answer; at the first question there is nothing to undo", () => {
    const c = converse([{ type: "back" }, choose("want", "balance"), { type: "back" }]);
    expect(c.replies.map((r) => r.key)).toEqual([
      "intro",
      "ask.want",
      "error.nothing_back",
      "ask.want",
      "ask.service",
      "ask.want",
    ]);
  });
  it("back never forgets what a request started with, ahead of the question open (an FAQ start)", () => {
    const input = { ...INPUT, answers: { service: "one_time", what: "no_sms" } };
    const c = converse(
      [{ type: "back" }, choose("want", "balance"), { type: "back" }, { type: "back" }],
      { input },
    );
    expect(c.replies.map((r) => r.key)).toEqual([
      "intro",
      "ask.want",
      "error.nothing_back",
      "ask.want",
      "ask.code_shown",
      "ask.want",
      "error.nothing_back",
      "ask.want",
    ]);
    expect(c.last.kind === "ok" && JSON.stringify(c.last.persisted)).toContain('"what":"no_sms"');
  });
  it("editing a field from the summary returns to the summary; back cancels an edit", () => {
    const c = converse([
      choose("want", "balance"),
      choose("service", "one_time"),
      choose("what", "not_provided"),
      text("today"),
      text("12345"),
      text("ORD-1"),
      text("3 USD"),
      choose("comment", "skip"),
      choose("evidence", "skip"),
      { type: "edit", q: "amount" },
      { type: "back" },
      { type: "edit", q: "service" },
      choose("service", "rented"),
      text("+49 30 1234567"),
    ]);
    expect(c.at.slice(-6)).toEqual([
      "summary",
      "ask.amount",
      "summary",
      "ask.service",
      "ask.reference",
      "summary",
    ]);
    expect(lastReply(c)?.key).toBe("summary.balance");
  });
  it("a full card number as payout details is refused, and why is said", () => {
    const c = converse([
      choose("want", "payout"),
      choose("service", "rented"),
      choose("what", "not_provided"),
      choose("no_stock", "yes"),
      text("today"),
      text("me@example.com"),
      text("+49 30 1234567"),
      text("5 EUR"),
      choose("paid_with", "card"),
      text("4111 1111 1111 1111"),
    ]);
    expect(c.replies.slice(-2).map((r) => r.key)).toEqual([
      "error.card_number",
      "ask.details.card",
    ]);
  });
  it("button events survive JSON and parse with the exported schema", () => {
    const c = converse([
      choose("want", "balance"),
      choose("service", "rented"),
      choose("what", "not_working"),
    ]);
    for (const r of c.replies) {
      for (const b of r.buttons?.flat() ?? []) {
        expect(ButtonEventSchema.parse(JSON.parse(JSON.stringify(b.event)))).toEqual(b.event);
      }
    }
    expect(
      ButtonEventSchema.safeParse({ type: "choose", q: "want", v: "balance", now: 1 }).success,
    ).toBe(false);
    expect(ButtonEventSchema.safeParse({ type: "edit", q: "password" }).success).toBe(false);
  });
});

describe("a refusal that rests on time", () => {
  it("stays put while the customer writes days later, and the conversation goes on", () => {
    // Reported an hour ago and still down: not yet over 24 hours, so nothing yet (A1).
    const c = converse([
      choose("want", "balance"),
      choose("service", "rented"),
      choose("what", "not_working"),
      text("2026-11-20 12:00"),
      choose("still_down", "yes"),
    ]);
    expect(stateOf(c.last)).toBe("refused");
    if (c.last.kind !== "ok") throw new Error("not ok");
    const later = NOW + 2 * 86_400_000;
    const typed = step(c.last.persisted, { type: "text", text: "hello?", now: later });
    expect(typed.kind).toBe("ok");
    if (typed.kind !== "ok") throw new Error(typed.kind);
    expect(stateOf(typed)).toBe("refused");
    expect(typed.replies.map((r) => r.key)).toEqual(["error.use_buttons", "refused.none_a1_short"]);
    expect(typed.outcome).toBeNull();
    const next = step(typed.persisted, { type: "text", text: "anyone?", now: later + 60_000 });
    expect(next.kind).toBe("ok");
  });
});

describe("a snapshot of version 1", () => {
  it("goes on where it was: the stored place is dropped, the answers kept", () => {
    const c = converse([choose("want", "balance"), choose("service", "rented")]);
    if (c.last.kind !== "ok") throw new Error(c.last.kind);
    const v2 = c.last.persisted as { snapshot: { context: Record<string, unknown> } };
    const v1 = {
      ...v2,
      version: 1,
      snapshot: { ...v2.snapshot, context: { ...v2.snapshot.context, at: "what" } },
    };
    const r = step(v1, { ...choose("what", "not_working"), now: NOW + 300_000 });
    if (r.kind !== "ok") throw new Error(r.kind);
    expect(stateOf(r)).toBe("ask.reported");
    expect((r.persisted as { version: number }).version).toBe(REFUND_MACHINE_VERSION);
  });
});

/** An eligible request, up to its comment. */
const TO_COMMENT = [
  choose("want", "balance"),
  choose("service", "one_time"),
  choose("what", "not_provided"),
  text("today"),
  ...COLLECT_BALANCE.slice(0, -2),
];

describe("a snapshot of version 2 (no evidence question)", () => {
  const v2 = (persisted: unknown) => ({ ...(persisted as object), version: 2 });
  const ELIGIBLE = TO_COMMENT;
  it("at the summary: stays there, with no files", () => {
    const c = converse([...ELIGIBLE, choose("comment", "skip")]);
    if (c.last.kind !== "ok") throw new Error(c.last.kind);
    expect(stateOf(c.last)).toBe("ask.evidence");
    // Version 2 reached the summary straight after the comment.
    const snap = c.last.persisted.snapshot as object;
    const old = v2({ ...c.last.persisted, snapshot: { ...snap, value: "summary" } });
    const r = step(old, { type: "submit", now: NOW + 3_600_000 });
    if (r.kind !== "ok") throw new Error(r.kind);
    expect(r.outcome).toMatchObject({ kind: "submitted", request: { answers: { evidence: "0" } } });
  });
  it("before the summary: asks for evidence when it gets there", () => {
    const c = converse(ELIGIBLE);
    if (c.last.kind !== "ok") throw new Error(c.last.kind);
    expect(stateOf(c.last)).toBe("ask.comment");
    const r = step(v2(c.last.persisted), { ...choose("comment", "skip"), now: NOW + 3_600_000 });
    if (r.kind !== "ok") throw new Error(r.kind);
    expect(stateOf(r)).toBe("ask.evidence");
  });
});

describe("the evidence question", () => {
  const ELIGIBLE = [...TO_COMMENT, choose("comment", "skip")];
  it("takes the count of files the service says, and the summary shows it", () => {
    const c = converse([...ELIGIBLE, choose("evidence", "3")]);
    const summary = lastReply(c);
    expect(summary?.lines).toContainEqual({
      labelKey: "field.evidence",
      valueKey: "value.files",
      valueParams: { count: 3 },
    });
  });
  it("has an outcome or not whatever the count: none in time, a refusal once the time limit passed", () => {
    // 23:20 in Berlin, the problem a month back to the day: in time until midnight (E1).
    const evening = Date.UTC(2026, 10, 20, 22, 20);
    const c = converse(
      [
        choose("want", "balance"),
        choose("service", "one_time"),
        choose("what", "not_provided"),
        text("2026-10-20"),
        ...COLLECT_BALANCE.slice(0, -2),
        choose("comment", "skip"),
      ],
      { now: evening },
    );
    if (c.last.kind !== "ok") throw new Error(c.last.kind);
    expect(stateOf(c.last)).toBe("ask.evidence");
    const persisted = c.last.persisted;
    const press = (v: string, at: number) => step(persisted, { ...choose("evidence", v), now: at });
    // Pressed after midnight, 45 minutes later: refused.
    const afterMidnight = evening + 45 * 60_000;
    const refusal = press("0", afterMidnight);
    if (refusal.kind !== "ok") throw new Error(refusal.kind);
    expect(refusal.outcome?.kind).toBe("not_eligible");
    for (const v of ["skip", "0", "1", "5", "50"]) {
      const inTime = press(v, evening + 20 * 60_000);
      if (inTime.kind !== "ok") throw new Error(inTime.kind);
      expect(stateOf(inTime), v).toBe("summary");
      expect(inTime.outcome, v).toBeNull();
      const late = press(v, afterMidnight);
      if (late.kind !== "ok") throw new Error(late.kind);
      expect(stateOf(late), v).toBe("refused");
      expect(late.outcome, v).toEqual(refusal.outcome);
    }
  });
  it("refuses typed text and counts that are not a count", () => {
    const c = converse([...ELIGIBLE, text("here you go"), choose("evidence", "-1")]);
    expect(c.replies.slice(-4).map((r) => r.key)).toEqual([
      "error.files_or_buttons",
      "ask.evidence",
      "error.stale_button",
      "ask.evidence",
    ]);
  });
});
