import { describe, expect, it } from "vitest";
import { Lanes } from "../../src/updates/lanes.ts";

describe("Lanes", () => {
  it("runs a lane's tasks one at a time, lowest update_id first among those waiting", async () => {
    const lanes = new Lanes();
    const order: number[] = [];
    const task = (n: number) => () => lanes.run(1n, BigInt(n), async () => void order.push(n));
    // Arrived together but in reverse: the idle lane starts only after all of them joined.
    await Promise.all([task(3)(), task(2)(), task(1)()]);
    expect(order).toEqual([1, 2, 3]);
  });

  it("lets an earlier update that joins while the head waits to be ready go first", async () => {
    const lanes = new Lanes();
    const order: number[] = [];
    let release = () => {};
    const ready = new Promise<void>((r) => (release = r));
    const late = lanes.run(1n, 5n, async () => void order.push(5), ready);
    await new Promise((r) => setImmediate(r));
    const early = lanes.run(1n, 4n, async () => void order.push(4));
    release();
    await Promise.all([late, early]);
    expect(order).toEqual([4, 5]);
  });

  it("runs lanes in parallel: one lane's slow task does not hold another lane", async () => {
    const lanes = new Lanes();
    let release = () => {};
    const slow = lanes.run(1n, 1n, () => new Promise<void>((r) => (release = r)));
    await lanes.run(2n, 2n, async () => {});
    expect(lanes.has(1n)).toBe(true);
    release();
    await slow;
    await lanes.idle();
    expect(lanes.has(1n)).toBe(false);
  });

  it("rejects the caller with its task's error and goes on with the lane", async () => {
    const lanes = new Lanes();
    const failing = lanes.run(1n, 1n, async () => {
      throw new Error("boom");
    });
    const next = lanes.run(1n, 2n, async () => {});
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBeUndefined();
  });
});
