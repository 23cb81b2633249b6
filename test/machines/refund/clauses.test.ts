import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Outcome } from "../../../machines/refund/flow.ts";
import { CLAUSE_IDS, type ClauseId, NEVER_DECIDED_BY_BOT } from "../../../machines/refund/ids.ts";
import { RULES } from "../../../machines/refund/rules.ts";
import { COLLECT_BALANCE, choose, converse, INPUT, lastReply, type Say, text } from "./helpers.ts";

/** Every clause id some test saw cited by a decision. */
const decided = new Set<ClauseId>();

function cited(o: Outcome): ClauseId[] {
  if (o.kind === "submitted") return o.request.clauses;
  if (o.kind === "not_eligible") return o.clause === "none" ? [] : [o.clause];
  return [];
}

function outcomeOf(says: Say[], input = INPUT): Outcome {
  const c = converse(says, { input });
  const o = c.outcomes[c.outcomes.length - 1];
  if (o === undefined) throw new Error(`no outcome; at ${c.at.join(" > ")}`);
  for (const id of cited(o)) decided.add(id);
  return o;
}

function submitted(says: Say[], input = INPUT) {
  const o = outcomeOf([...says, { type: "submit" }], input);
  if (o.kind !== "submitted") throw new Error(`expected submitted, got ${JSON.stringify(o)}`);
  return o.request;
}

function refused(says: Say[]) {
  const o = outcomeOf(says);
  if (o.kind !== "not_eligible") throw new Error(`expected not_eligible, got ${JSON.stringify(o)}`);
  return o;
}

const BAL = choose("want", "balance");
const PAY = choose("want", "payout");
const svc = (v: string) => choose("service", v);
const what = (v: string) => choose("what", v);
const PAYOUT_CARD: Say[] = [
  text("me@example.com"),
  text("+49 30 1234567"),
  text("40 USD"),
  choose("paid_with", "card"),
  text("**** 4242"),
  text("Please hurry"),
  choose("evidence", "skip"),
];

describe("A: refund to the balance", () => {
  it("A1: outage over 24 h from the first report, days rounded up", () => {
    const r = submitted([
      BAL,
      svc("rented"),
      what("not_working"),
      text("15.11.2026 10:00"),
      choose("still_down", "no"),
      text("17.11.2026 10:01"),
      ...COLLECT_BALANCE,
    ]);
    expect(r.refund).toBe("balance");
    expect(r.clauses).toEqual(["A1", "E1", "F1"]);
    expect(r.a1Days).toBe(3);
    expect(r.reasonKey).toBe("reason.A1");
    expect(r.amount).toEqual({ value: "12.50", currency: "EUR" });
    expect(r.reference).toEqual({ kind: "phone", value: "+49301234567" });
  });
  it("A1: a number switched off because it failed counts as not working", () => {
    const r = submitted([
      BAL,
      svc("rented"),
      what("deactivated"),
      choose("was_working", "no"),
      choose("reported", "2026-11-17"),
      text("9:00"),
      choose("still_down", "yes"),
      ...COLLECT_BALANCE,
    ]);
    expect(r.clause).toBe("A1");
    // 2026-11-17 09:00 Berlin → 2026-11-20 13:00 + 5 min (conversation time): 3 days 4 h → 4 days
    expect(r.a1Days).toBe(4);
    expect(r.dates.restoredAtMs).toBeNull();
  });
  it("A2: blocked by the operator, not because of the customer's use", () => {
    const r = submitted([
      BAL,
      svc("rented"),
      what("blocked"),
      choose("own_activity", "unknown"),
      text("yesterday"),
      ...COLLECT_BALANCE,
    ]);
    expect(r.clauses).toEqual(["A2", "E1", "F1"]);
    expect(r.dates.problemDate).toBe("2026-11-19");
  });
  it("A3: the paid number could not be provided", () => {
    const r = submitted([
      BAL,
      svc("one_time"),
      what("not_provided"),
      text("2026-11-01"),
      ...COLLECT_BALANCE,
    ]);
    expect(r.clauses).toEqual(["A3", "E1", "F1"]);
  });
  it("A4: no SMS on a one-time number, no code shown, restrictions kept", () => {
    const r = submitted([
      BAL,
      svc("one_time"),
      what("no_sms"),
      choose("code_shown", "no"),
      choose("restrictions", "yes"),
      choose("problem_date", "2026-11-20"),
      text("me@example.com"),
      text("#A-77812"),
      text("0,80 $"),
      text("The code never came"),
      choose("evidence", "skip"),
    ]);
    expect(r.clauses).toEqual(["A4", "E1", "F1"]);
    expect(r.reference).toEqual({ kind: "order", value: "A-77812" });
    expect(r.amount).toEqual({ value: "0.80", currency: "USD" });
    expect(r.comment).toBe("The code never came");
  });
});

describe("B: no refund to the balance", () => {
  it("B1: switched off by the customer while it worked", () => {
    expect(
      refused([BAL, svc("rented"), what("deactivated"), choose("was_working", "yes")]).clause,
    ).toBe("B1");
  });
  it("B2: code shown in the order table (balance and payout alike)", () => {
    expect(
      refused([BAL, svc("one_time"), what("no_sms"), choose("code_shown", "yes")]).clause,
    ).toBe("B2");
    expect(
      refused([PAY, svc("one_time"), what("no_sms"), choose("code_shown", "yes")]).clause,
    ).toBe("B2");
  });
});

describe("C: refund to the client", () => {
  it("C1: no numbers on sale although offered; F2 and F3 cited", () => {
    const r = submitted([
      PAY,
      svc("rented"),
      what("not_provided"),
      choose("no_stock", "yes"),
      text("10.11.2026"),
      ...PAYOUT_CARD,
    ]);
    expect(r.refund).toBe("payout");
    expect(r.clauses).toEqual(["C1", "E1", "F2", "F3"]);
    expect(r.unrefundableMethod).toBe(false);
    expect(r.payout).toEqual({
      paidWith: "card",
      method: "card",
      details: { method: "card", last4: "4242" },
    });
    expect(r.dates.paidDate).toBe("2026-11-10");
  });
  it("C2 with C*: carrier fault, no replacement, paid with a method that cannot refund", () => {
    const r = submitted([
      PAY,
      svc("rented"),
      what("not_working"),
      choose("replacement", "no"),
      text("2026-11-02"),
      text("me@example.com"),
      text("+49 30 1234567"),
      text("1 200,00 руб."),
      choose("paid_with", "crypto"),
      choose("payout_to", "paypal"),
      text("Me@PayPal.example"),
      choose("comment", "skip"),
      choose("evidence", "skip"),
    ]);
    expect(r.clauses).toEqual(["C2", "C*", "E1", "F2", "F3"]);
    expect(r.unrefundableMethod).toBe(true);
    expect(r.amount).toEqual({ value: "1200.00", currency: "RUB" });
    expect(r.payout).toEqual({
      paidWith: "crypto",
      method: "paypal",
      details: { method: "paypal", email: "me@paypal.example" },
    });
  });
  it("C2 also for a number blocked by the operator with no replacement", () => {
    const r = submitted([
      PAY,
      svc("rented"),
      what("blocked"),
      choose("own_activity", "no"),
      choose("replacement", "no"),
      choose("paid_date", "2026-11-18"),
      ...PAYOUT_CARD,
    ]);
    expect(r.clause).toBe("C2");
  });
});

describe("settled reading 1: payout failing C, meeting A → the balance is offered", () => {
  const path: Say[] = [
    PAY,
    svc("rented"),
    what("not_working"),
    choose("replacement", "yes"),
    text("2026-11-10 08:00"),
    choose("still_down", "yes"),
  ];
  it("after accepting, the summary says the refund goes to the balance", () => {
    const c = converse([...path, choose("offer", "accept"), ...COLLECT_BALANCE]);
    const summary = c.replies.find((r) => r.key === "summary.balance_offer");
    expect(summary?.lines).toContainEqual({
      labelKey: "field.want",
      valueKey: "option.want.balance",
    });
  });
  it("accepting gives a balance refund citing the A clause", () => {
    const c = converse(path);
    expect(lastReply(c)?.key).toBe("ask.offer");
    expect(lastReply(c)?.params).toEqual({ clause: "A1" });
    const r = submitted([...path, choose("offer", "accept"), ...COLLECT_BALANCE]);
    expect(r.refund).toBe("balance");
    expect(r.offeredInsteadOfPayout).toBe(true);
    expect(r.clauses).toEqual(["A1", "E1", "F1"]);
    expect(r.a1Days).toBe(11);
  });
  it("declining ends with no clause, and the customer can still ask a person", () => {
    const o = refused([...path, choose("offer", "decline")]);
    expect(o).toMatchObject({ clause: "none", near: "A1", why: "offer_declined" });
    const c = converse([...path, choose("offer", "decline"), { type: "human" }]);
    const h = c.outcomes[c.outcomes.length - 1];
    expect(h).toMatchObject({ kind: "handoff", after: { clause: "none" } });
    expect(c.last.kind === "ok" && c.last.done).toBe(true);
  });
  it("A3 offered for a one-time number that could not be provided (not a stock problem)", () => {
    const c = converse([
      PAY,
      svc("one_time"),
      what("not_provided"),
      choose("no_stock", "no"),
      text("today"),
    ]);
    expect(lastReply(c)).toMatchObject({ key: "ask.offer", params: { clause: "A3" } });
  });
  it("A4 offered for a missing SMS", () => {
    const c = converse([
      PAY,
      svc("one_time"),
      what("no_sms"),
      choose("code_shown", "no"),
      choose("restrictions", "yes"),
      text("today"),
    ]);
    expect(lastReply(c)).toMatchObject({ key: "ask.offer", params: { clause: "A4" } });
  });
  it("a payout paid over a month ago is offered the balance when an A clause holds (C1 → A3, C2 → A1, C2 → A2)", () => {
    const paidLongAgo = text("2026-09-01");
    const c1 = converse([
      PAY,
      svc("rented"),
      what("not_provided"),
      choose("no_stock", "yes"),
      paidLongAgo,
      text("today"),
    ]);
    expect(lastReply(c1)).toMatchObject({ key: "ask.offer", params: { clause: "A3" } });
    const down: Say[] = [
      PAY,
      svc("rented"),
      what("not_working"),
      choose("replacement", "no"),
      paidLongAgo,
      text("2026-11-10 08:00"),
      choose("still_down", "yes"),
    ];
    expect(lastReply(converse(down))).toMatchObject({ key: "ask.offer", params: { clause: "A1" } });
    const accepted = submitted([...down, choose("offer", "accept"), ...COLLECT_BALANCE]);
    expect(accepted).toMatchObject({ refund: "balance", offeredInsteadOfPayout: true });
    expect(accepted.clauses).toEqual(["A1", "E1", "F1"]);
    const blocked: Say[] = [
      PAY,
      svc("rented"),
      what("blocked"),
      choose("own_activity", "no"),
      choose("replacement", "no"),
      paidLongAgo,
      text("today"),
    ];
    expect(lastReply(converse(blocked))).toMatchObject({
      key: "ask.offer",
      params: { clause: "A2" },
    });
    // Declined, the payout's own answer stands: paid too long ago.
    const declined = refused([...blocked, choose("offer", "decline")]);
    expect(declined).toMatchObject({ clause: "E1", near: "C2" });
  });
  it("A2 offered for a blocked number when a replacement was offered", () => {
    const c = converse([
      PAY,
      svc("rented"),
      what("blocked"),
      choose("own_activity", "no"),
      choose("replacement", "yes"),
      text("today"),
    ]);
    expect(lastReply(c)).toMatchObject({ key: "ask.offer", params: { clause: "A2" } });
  });
});

describe("D: no refund to the client", () => {
  it("D1: services switched off, money left on the balance", () => {
    expect(
      refused([PAY, svc("rented"), what("deactivated"), choose("was_working", "yes")]).clause,
    ).toBe("D1");
    expect(refused([PAY, svc("top_up"), what("unused")]).clause).toBe("D1");
  });
  it("D2: documents required, shown when ordering, not provided", () => {
    expect(
      refused([PAY, svc("rented"), what("documents"), choose("docs_shown", "yes")]).clause,
    ).toBe("D2");
    expect(
      refused([PAY, svc("rented"), what("documents"), choose("docs_shown", "no")]).clause,
    ).toBe("none");
  });
  it("D4: restrictions of the SMS number ignored", () => {
    const o = refused([
      BAL,
      svc("one_time"),
      what("no_sms"),
      choose("code_shown", "no"),
      choose("restrictions", "no"),
    ]);
    expect(o.clause).toBe("D4");
  });
  it("D5: Caller ID not working on outgoing calls", () => {
    expect(refused([BAL, svc("caller_id"), what("caller_id_failed")]).clause).toBe("D5");
    expect(refused([PAY, svc("caller_id"), what("caller_id_failed")]).clause).toBe("D5");
  });
  it("D6: changed their mind", () => {
    expect(refused([PAY, svc("rented"), what("changed_mind")]).clause).toBe("D6");
  });
  it("D7: topped up by accident", () => {
    expect(refused([PAY, svc("top_up"), what("accidental")]).clause).toBe("D7");
  });
  it("D8: did not understand how the service works", () => {
    expect(refused([PAY, svc("one_time"), what("misunderstood")]).clause).toBe("D8");
  });
  it("the refusal is explained with its clause and offers a person, back and close", () => {
    const c = converse([PAY, svc("top_up"), what("accidental")]);
    const r = lastReply(c);
    expect(r?.key).toBe("refused.D7");
    expect(r?.params).toEqual({ clause: "D7" });
    expect(r?.buttons?.flat().map((b) => b.event.type)).toEqual(["human", "back", "cancel"]);
    expect(c.last.kind === "ok" && !c.last.done).toBe(true);
  });
  it("D3 is never asked: no question mentions law, fraud or complaints", () => {
    expect(RULES.some((r) => (r.clause as string) === "D3")).toBe(false);
  });
});

describe("E1: one calendar month", () => {
  it("a problem older than a month is refused with E1, naming the clause it stopped", () => {
    const o = refused([
      BAL,
      svc("rented"),
      what("blocked"),
      choose("own_activity", "no"),
      text("19.10.2026"),
    ]);
    expect(o).toMatchObject({ clause: "E1", near: "A2" });
  });
  it("the first day of the window is still inside it", () => {
    const r = submitted([
      BAL,
      svc("rented"),
      what("blocked"),
      choose("own_activity", "no"),
      text("20.10.2026"),
      ...COLLECT_BALANCE,
    ]);
    expect(r.clause).toBe("A2");
  });
  it("a payout needs the payment within the month; with no A clause either, E1 is the answer", () => {
    const o = refused([
      PAY,
      svc("rented"),
      what("not_provided"),
      choose("no_stock", "yes"),
      text("2026-09-30"),
      // A3 would offer the balance, but the problem is as old as the payment.
      text("2026-09-30"),
    ]);
    expect(o).toMatchObject({ clause: "E1", near: "C1" });
  });
  it("an A1 outage that ended before the window is refused with E1", () => {
    const o = refused([
      BAL,
      svc("rented"),
      what("not_working"),
      text("2026-09-01 10:00"),
      choose("still_down", "no"),
      text("2026-09-05 10:00"),
    ]);
    expect(o).toMatchObject({ clause: "E1", near: "A1" });
  });
});

describe("no clause applies", () => {
  it("an outage of 24 hours or less gives nothing, and says how long it was", () => {
    const c = converse([
      BAL,
      svc("rented"),
      what("not_working"),
      text("2026-11-18 10:00"),
      choose("still_down", "no"),
      text("2026-11-19 10:00"),
    ]);
    const o = c.outcomes[0];
    expect(o).toMatchObject({ kind: "not_eligible", clause: "none", near: "A1", why: "a1_short" });
    expect(lastReply(c)).toMatchObject({ key: "refused.none_a1_short", params: { hours: 24 } });
  });
  it("changing one's mind about a balance refund, or 'something else'", () => {
    expect(refused([BAL, svc("rented"), what("changed_mind")]).clause).toBe("none");
    expect(refused([PAY, svc("rented"), what("other")]).clause).toBe("none");
    expect(
      refused([PAY, svc("rented"), what("blocked"), choose("own_activity", "yes")]).clause,
    ).toBe("none");
  });
});

describe("settled reading 6: what a refusal cites", () => {
  it("a request no granting clause covers names the group it fell outside with the refusing clause", () => {
    expect(refused([PAY, svc("rented"), what("changed_mind")]).clauses).toEqual(["C", "D6"]);
    expect(refused([PAY, svc("top_up"), what("accidental")]).clauses).toEqual(["C", "D7"]);
    expect(
      refused([BAL, svc("rented"), what("deactivated"), choose("was_working", "yes")]).clauses,
    ).toEqual(["A", "B1"]);
  });
  it("a failed condition of a granting clause names the refusing clause alone, and nothing fits: the group", () => {
    expect(
      refused([BAL, svc("one_time"), what("no_sms"), choose("code_shown", "yes")]).clauses,
    ).toEqual(["B2"]);
    expect(refused([BAL, svc("rented"), what("changed_mind")]).clauses).toEqual(["A"]);
  });
});

describe("coverage of clauses.md", () => {
  it("every clause id but D3 was decided by some test above", () => {
    const expected = CLAUSE_IDS.filter((id) => !NEVER_DECIDED_BY_BOT.includes(id));
    expect([...decided].sort()).toEqual([...expected].sort());
  });
  it("the machine's list of clause ids equals the ids of docs/policy/clauses.md", () => {
    const md = readFileSync(
      path.resolve(import.meta.dirname, "../../../docs/policy/clauses.md"),
      "utf8",
    );
    const ids = [...md.matchAll(/^\|\s*([A-F]\d)\s*\|/gm)].map((m) => m[1]);
    if (/^C\\\*:/m.test(md)) ids.push("C*");
    expect(new Set(ids)).toEqual(new Set(CLAUSE_IDS));
  });
});
