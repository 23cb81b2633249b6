// A request started from a message that named the day its problem began (RefundInput.since):
// the day is offered as the first button of the question that asks since when, and counts only
// once the customer presses it.
import { describe, expect, it } from "vitest";
import type { Answers } from "../../../machines/refund/ids.ts";
import type { Reply } from "../../../machines/refund/replies.ts";
import type { StepResult } from "../../../machines/refund/step.ts";
import { choose, converse, INPUT, type Say } from "./helpers.ts";

const DOWN: Answers = { service: "rented", what: "not_working" };
const NOT_PROVIDED: Answers = { service: "rented", what: "not_provided" };

const answersOf = (r: StepResult) =>
  r.kind === "ok"
    ? (r.persisted as { snapshot: { context: { answers: Answers } } }).snapshot.context.answers
    : {};

function asked(answers: Answers, since: string | undefined, says: Say[] = []) {
  const c = converse([choose("want", "balance"), ...says], {
    input: { ...INPUT, answers, ...(since === undefined ? {} : { since }) },
  });
  const last: Reply | undefined = c.replies.at(-1);
  return { c, last, labels: last?.buttons?.flat().map((b) => b.labelKey) ?? [] };
}

describe("the day a message named", () => {
  it("is the first button of the question since when, and is not the answer until pressed", () => {
    const { c, last } = asked(DOWN, "2026-11-18");
    // An outage counts from its report: the question names the day and asks whether it was then.
    expect(last?.key).toBe("ask.reported_since");
    expect(last?.params).toMatchObject({ date: "2026-11-18" });
    expect(last?.buttons?.[0]).toEqual([
      {
        labelKey: "button.since_reported",
        labelParams: { date: "2026-11-18" },
        event: { type: "choose", q: "reported", v: "2026-11-18" },
      },
    ]);
    expect(answersOf(c.last).reported).toBeUndefined();
    const pressed = asked(DOWN, "2026-11-18", [choose("reported", "2026-11-18")]);
    expect(answersOf(pressed.c.last).reported).toBe("2026-11-18");
  });

  it("is offered where the question is the day it happened", () => {
    const { last } = asked(NOT_PROVIDED, "2026-11-19");
    expect(last?.key).toBe("ask.problem_date");
    expect(last?.buttons?.[0]?.[0]?.labelKey).toBe("button.since");
    expect(last?.buttons?.[0]?.[0]?.event).toEqual({
      type: "choose",
      q: "problem_date",
      v: "2026-11-19",
    });
  });

  it("is not offered without one, nor when it lies after today", () => {
    expect(asked(DOWN, undefined).last?.key).toBe("ask.reported");
    expect(asked(DOWN, undefined).labels).not.toContain("button.since_reported");
    // NOW is 2026-11-20 in Berlin.
    expect(asked(DOWN, "2026-11-21").last?.key).toBe("ask.reported");
    expect(asked(DOWN, "2026-11-21").labels).not.toContain("button.since_reported");
    expect(asked(DOWN, "2026-11-20").labels).toContain("button.since_reported");
  });

  it("is not offered on a later date question", () => {
    const { labels, last } = asked(DOWN, "2026-11-18", [
      choose("reported", "2026-11-18"),
      { type: "text", text: "10:00" },
      choose("still_down", "no"),
    ]);
    expect(last?.key).toBe("ask.restored");
    expect(labels.filter((l) => l.startsWith("button.since"))).toEqual([]);
  });
});
