import { describe, expect, it } from "vitest";
import { Prisma } from "../../src/database/generated/client.ts";
import { HotStatement } from "../../src/database/hot-query.ts";

describe("HotStatement", () => {
  it("numbers its slots in the text and binds each run's values to them, a slot used twice given twice", () => {
    const s = new HotStatement<"a" | "b">(
      (slot) =>
        Prisma.sql`SELECT ${slot("a")}::int, ${Prisma.raw("'raw'")}, ${slot("b")}::text, ${slot("a")}::int`,
    );
    expect(s.text).toBe("SELECT $1::int, 'raw', $2::text, $3::int");
    const first = s.bind({ a: 1, b: "x" });
    const second = s.bind({ a: 2, b: "y" });
    expect(first.values).toEqual([1, "x", 1]);
    expect(second.values).toEqual([2, "y", 2]);
  });

  it("takes slots from nested fragments in the order of the text", () => {
    const part = (slot: (key: "b") => unknown) => Prisma.sql`AND x = ${slot("b")}`;
    const s = new HotStatement<"a" | "b">(
      (slot) => Prisma.sql`SELECT 1 WHERE y = ${slot("a")} ${part(slot)} AND z = ${slot("a")}`,
    );
    expect(s.text).toBe("SELECT 1 WHERE y = $1 AND x = $2 AND z = $3");
    expect(s.bind({ a: "A", b: "B" }).values).toEqual(["A", "B", "A"]);
  });

  it("refuses a value left out at a run, and a template with a value that is not a slot", () => {
    const s = new HotStatement<"a" | "b">((slot) => Prisma.sql`SELECT ${slot("a")}, ${slot("b")}`);
    expect(() => s.bind({ a: 1, b: undefined })).toThrow("no value for the slot b");
    expect(() => new HotStatement<"a">((slot) => Prisma.sql`SELECT ${slot("a")}, ${7}`)).toThrow(
      TypeError,
    );
  });
});
