import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UpdateSequence } from "../../src/updates/sequence.ts";

/** Which of the arrivals have been let through so far. */
function through(...arrivals: Promise<void>[]): Promise<boolean[]> {
  const flags = arrivals.map(() => false);
  arrivals.forEach((a, i) => void a.then(() => (flags[i] = true)));
  return Promise.resolve().then(() => flags);
}

describe("UpdateSequence", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("lets updates that follow one another through at once", async () => {
    const s = new UpdateSequence(100);
    s.resumeAfter(10n);
    expect(await through(s.arrive(11n), s.arrive(12n), s.arrive(13n))).toEqual([true, true, true]);
  });

  it("holds an update after a gap until the gap closes", async () => {
    const s = new UpdateSequence(100);
    s.resumeAfter(10n);
    const late = s.arrive(13n);
    expect(await through(late)).toEqual([false]);
    const eleven = s.arrive(11n);
    expect(await through(late, eleven)).toEqual([false, true]);
    s.arrive(12n);
    expect(await through(late)).toEqual([true]);
  });

  it("lets an update through once the ignored one before it was seen", async () => {
    const s = new UpdateSequence(100);
    s.resumeAfter(10n);
    const after = s.arrive(12n);
    expect(await through(after)).toEqual([false]);
    // Update 11 takes no turn (a channel post, a flooding customer's): it closes the gap all the same.
    s.seen(11n);
    expect(await through(after, s.arrive(13n))).toEqual([true, true]);
  });

  it("waits at most its limit, then gives the gap up: what fills it later waits for nothing", async () => {
    const s = new UpdateSequence(100);
    s.resumeAfter(10n);
    const after = s.arrive(15n);
    await vi.advanceTimersByTimeAsync(99);
    expect(await through(after)).toEqual([false]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await through(after)).toEqual([true]);
    expect(await through(s.arrive(12n), s.arrive(16n))).toEqual([true, true]);
  });

  it("knows no order before its first update: the first waits its limit", async () => {
    const s = new UpdateSequence(100);
    const first = s.arrive(7n);
    expect(await through(first)).toEqual([false]);
    await vi.advanceTimersByTimeAsync(100);
    expect(await through(first, s.arrive(8n))).toEqual([true, true]);
  });

  it("with a limit of 0 never waits", async () => {
    const s = new UpdateSequence(0);
    expect(await through(s.arrive(50n), s.arrive(3n), s.arrive(99n))).toEqual([true, true, true]);
  });
});
