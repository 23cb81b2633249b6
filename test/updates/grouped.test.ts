import { describe, expect, it } from "vitest";
import { Grouped } from "../../src/updates/grouped.ts";

/** A database stand-in that records each statement's items and answers them doubled. */
function recorder(fail: (items: number[]) => boolean = () => false) {
  const statements: number[][] = [];
  const answer = async (items: number[]) => {
    statements.push(items);
    await new Promise((r) => setTimeout(r, 1));
    if (fail(items)) throw new Error(`refused ${items.join(",")}`);
    return items.map((i) => i * 2);
  };
  return {
    statements,
    all: answer,
    one: async (item: number) => {
      const [out] = await answer([item]);
      return out ?? Number.NaN;
    },
  };
}

describe("Grouped", () => {
  it("sends a lone item at once and the items that queue behind it in one statement", async () => {
    const db = recorder();
    const grouped = new Grouped(db);
    const out = await Promise.all([1, 2, 3, 4].map((i) => grouped.send(i)));
    expect(out).toEqual([2, 4, 6, 8]);
    expect(db.statements).toEqual([[1], [2, 3, 4]]);
  });

  it("waits a turn to gather the items of a database on this thread, and sends a lone one then", async () => {
    // Items asked for one after another in the same turn, as lanes that are ready at once.
    const sendInTurn = async (grouped: Grouped<number, number>) => {
      const out: Promise<number>[] = [];
      for (const i of [1, 2, 3]) {
        out.push(grouped.send(i));
        await Promise.resolve();
      }
      return Promise.all(out);
    };
    const inThread = recorder();
    expect(await sendInTurn(new Grouped({ ...inThread, inThread: true }))).toEqual([2, 4, 6]);
    expect(inThread.statements).toEqual([[1, 2, 3]]);
    // Without it, the first goes at once and the others queue behind it.
    const apart = recorder();
    expect(await sendInTurn(new Grouped(apart))).toEqual([2, 4, 6]);
    expect(apart.statements).toEqual([[1], [2, 3]]);
    const lone = recorder();
    expect(await new Grouped({ ...lone, inThread: true }).send(7)).toBe(14);
    expect(lone.statements).toEqual([[7]]);
  });

  it("gathers the items of lanes started in one turn, each in a callback of its own", async () => {
    // Lanes start each in a setImmediate of their own (src/updates/lanes.ts).
    const db = recorder();
    const grouped = new Grouped({ ...db, inThread: true });
    const out = await Promise.all(
      [1, 2, 3].map(
        (i) => new Promise<number>((done) => setImmediate(() => done(grouped.send(i)))),
      ),
    );
    expect(out).toEqual([2, 4, 6]);
    expect(db.statements).toEqual([[1, 2, 3]]);
  });

  it("keeps items that share an exclusive key in different statements, in order", async () => {
    const db = recorder();
    const grouped = new Grouped({ ...db, exclusive: (i: number) => [`lane ${i % 2}`] });
    const out = await Promise.all([1, 2, 3, 4, 5].map((i) => grouped.send(i)));
    expect(out).toEqual([2, 4, 6, 8, 10]);
    // 1 alone; then 2 and 3 (lanes 0 and 1); then 4 and 5, which waited for them.
    expect(db.statements).toEqual([[1], [2, 3], [4, 5]]);
  });

  it("tries each item of a failed statement alone: only the bad one fails", async () => {
    const db = recorder((items) => items.includes(3));
    const grouped = new Grouped(db);
    const sent = [1, 2, 3, 4].map((i) => grouped.send(i));
    await expect(sent[2]).rejects.toThrow("refused 3");
    expect(await Promise.all([sent[0], sent[1], sent[3]])).toEqual([2, 4, 8]);
    expect(db.statements).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it("fails the whole group at once when the database did not answer in time", async () => {
    const db = recorder((items) => items.length > 1);
    const grouped = new Grouped({
      ...db,
      all: (items: number[]) =>
        db.all(items).catch(() => Promise.reject(new Error("Query read timeout"))),
    });
    const sent = [1, 2, 3].map((i) => grouped.send(i));
    expect(await sent[0]).toBe(2);
    await expect(sent[1]).rejects.toThrow("Query read timeout");
    await expect(sent[2]).rejects.toThrow("Query read timeout");
    // Not tried one by one: each would wait as long again.
    expect(db.statements).toEqual([[1], [2, 3]]);
  });

  it("fails a lone item that fails, and goes on with the queue", async () => {
    let calls = 0;
    const db = recorder(() => ++calls === 1);
    const grouped = new Grouped(db);
    const first = grouped.send(1);
    const rest = [2, 3].map((i) => grouped.send(i));
    await expect(first).rejects.toThrow("refused 1");
    expect(await Promise.all(rest)).toEqual([4, 6]);
    expect(db.statements).toEqual([[1], [2, 3]]);
  });

  it("tries each item alone when a statement answers for fewer items than it was given", async () => {
    const db = recorder();
    const grouped = new Grouped({
      ...db,
      all: async (items: number[]) => (await db.all(items)).slice(1),
    });
    const out = await Promise.all([1, 2, 3].map((i) => grouped.send(i)));
    expect(out).toEqual([2, 4, 6]);
    expect(db.statements).toEqual([[1], [2, 3], [2], [3]]);
  });

  it("splits a long queue into statements of at most 100 items", async () => {
    const db = recorder();
    const grouped = new Grouped(db);
    const out = await Promise.all(Array.from({ length: 251 }, (_, i) => grouped.send(i)));
    expect(out).toEqual(Array.from({ length: 251 }, (_, i) => i * 2));
    expect(db.statements.map((s) => s.length)).toEqual([1, 100, 100, 50]);
  });
});
