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

  it("reads past the requests for encryption that come before the startup", () => {
    const request = (code: number) => {
      const b = Buffer.alloc(8);
      b.writeInt32BE(8, 0);
      b.writeInt32BE(code, 4);
      return b;
    };
    const read = clientMessages();
    // GSSAPI, then SSL, both refused by the server, then the startup.
    expect(read(Buffer.concat([request(80877104), request(80877103), stream]))).toEqual(expected);
  });

  it("stops reading, rather than looping, at a length it cannot read", () => {
    const read = clientMessages();
    const bad = Buffer.from([0x51, 0xff, 0xff, 0xff, 0xff]);
    expect(read(Buffer.concat([stream, bad]))).toEqual(expected);
    expect(read(Buffer.from(serialize.query("BEGIN")))).toEqual([]);
  });
});
