import { describe, expect, it } from "vitest";
import { Admission } from "../../src/updates/admission.ts";

/** Work that runs until its `finish` is called, recording when it started. */
function held(started: string[], name: string) {
  let finish: (fail?: Error) => void = () => {};
  const done = new Promise<string>((resolve, reject) => {
    finish = (fail) => (fail === undefined ? resolve(name) : reject(fail));
  });
  return {
    work: () => {
      started.push(name);
      return done;
    },
    finish: (fail?: Error) => finish(fail),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("Admission", () => {
  it("runs at most its limit at once; the next starts as one ends", async () => {
    const gate = new Admission(2);
    const started: string[] = [];
    const [a, b, c] = ["a", "b", "c"].map((n) => held(started, n));
    const runs = [a, b, c].map((h) => gate.run(false, () => h?.work() ?? Promise.resolve("")));
    await settle();
    expect(started).toEqual(["a", "b"]);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    b?.finish();
    await settle();
    expect(started).toEqual(["a", "b", "c"]);
    expect(gate.load).toEqual({ running: 2, waiting: 0 });
    a?.finish();
    c?.finish();
    expect(await Promise.all(runs)).toEqual(["a", "b", "c"]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it("gives the next place to an urgent update before others that waited longer, each kind in arrival order", async () => {
    const gate = new Admission(1);
    const started: string[] = [];
    const names = ["busy", "customer 1", "customer 2", "staff 1", "staff 2"];
    const works = names.map((n) => held(started, n));
    const runs = works.map((h, i) => gate.run((names[i] ?? "").startsWith("staff"), h.work));
    for (const h of works) {
      await settle();
      h.finish();
    }
    await Promise.all(runs);
    expect(started).toEqual(["busy", "staff 1", "staff 2", "customer 1", "customer 2"]);
  });

  it("frees the place of work that failed, and passes its error on", async () => {
    const gate = new Admission(1);
    const started: string[] = [];
    const failing = held(started, "failing");
    const next = held(started, "next");
    const first = gate.run(false, failing.work);
    const second = gate.run(false, next.work);
    await settle();
    failing.finish(new Error("database away"));
    await expect(first).rejects.toThrow("database away");
    await settle();
    expect(started).toEqual(["failing", "next"]);
    next.finish();
    expect(await second).toBe("next");
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it("gives a place back early when the work leaves, once however often it says so", async () => {
    const gate = new Admission(1);
    const started: string[] = [];
    let leave = () => {};
    const writing = held(started, "writing");
    const next = held(started, "next");
    const after = held(started, "after");
    const first = gate.run(false, (l) => {
      leave = l;
      return writing.work();
    });
    const second = gate.run(false, next.work);
    const third = gate.run(false, after.work);
    await settle();
    expect(started).toEqual(["writing"]);
    leave();
    leave();
    await settle();
    // One place freed: the next starts, the one after still waits.
    expect(started).toEqual(["writing", "next"]);
    expect(gate.load).toEqual({ running: 1, waiting: 1 });
    writing.finish();
    await first;
    expect(gate.load).toEqual({ running: 1, waiting: 1 });
    next.finish();
    await second;
    after.finish();
    expect(await third).toBe("after");
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it("refuses a limit that would admit nothing", () => {
    expect(() => new Admission(0)).toThrow(RangeError);
    expect(() => new Admission(1.5)).toThrow(RangeError);
  });
});
