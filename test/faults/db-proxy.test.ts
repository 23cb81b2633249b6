import { protocol } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { clientMessages } from "./db-proxy.ts";

const { serialize } = protocol;

describe("the fault proxy's reading of a connection", () => {
  const stream = Buffer.concat([
    serialize.startup({ user: "postgres", database: "test" }),
    serialize.query("BEGIN"),
    serialize.parse({ name: "hot_1", text: 'INSERT INTO "CaseEvent" VALUES ($1)' }),
    serialize.bind({ statement: "hot_1", values: ["7"] }),
    serialize.execute({}),
    serialize.sync(),
  ]);
  const expected = [
    { kind: "query", text: "BEGIN" },
    { kind: "parse", name: "hot_1", text: 'INSERT INTO "CaseEvent" VALUES ($1)' },
    { kind: "bind", statement: "hot_1" },
  ];

  it("finds every statement however TCP splits the messages into chunks", () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const read = clientMessages();
      const found = [...read(stream.subarray(0, cut)), ...read(stream.subarray(cut))];
      expect(found, `split at byte ${cut}`).toEqual(expected);
    }
    const read = clientMessages();
    const byteByByte = [...stream].flatMap((byte) => read(Buffer.from([byte])));
    expect(byteByByte).toEqual(expected);
  });
});
