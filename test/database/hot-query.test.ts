import { describe, expect, it } from "vitest";
import { Prisma } from "../../src/database/generated/client.ts";
import { HotStatement } from "../../src/database/hot-query.ts";

describe("HotStatement", () => {
  it("builds its text once and binds each run's values to their slots, a slot used twice given twice", () => {
    const s = new HotStatement<"a" | "b">(
      (slot) =>
        Prisma.sql`SELECT ${slot("a")}::int, ${Prisma.raw("'raw'")}, ${slot("b")}::text, ${slot("a")}::int`,
    );
    expect(s.text).toBe("SELECT $1::int, 'raw', $2::text, $3::int");
    const first = s.bind({ a: 1, b: "x" });
    const second = s.bind({ a: 2, b: "y" });
    expect(first.values).toEqual([1, "x", 1]);
    expect(second.values).toEqual([2, "y", 2]);
    expect(second.text).toBe(s.text);
  });

  it("refuses a template with a value that is not a slot", () => {
    expect(() => new HotStatement<"a">((slot) => Prisma.sql`SELECT ${slot("a")}, ${7}`)).toThrow(
      TypeError,
    );
  });
});
