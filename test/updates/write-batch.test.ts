import { afterEach, describe, expect, it } from "vitest";
import { type HotQuery, viaDriver } from "../../src/database/hot-query.ts";
import { type ChatWrite, readChatState } from "../../src/updates/chat-state.ts";
import { ChatWriteBatch } from "../../src/updates/write-batch.ts";
import { makeCase, makeStaff } from "../staff/helpers.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/database.ts";
import { chatWrite as writing } from "./chat-writes.ts";

/** The write as an update that changes no user row makes it. */
function withoutUser(w: ChatWrite): ChatWrite {
  const { user: _, ...rest } = w;
  return rest;
}

/** The statements a batch sends, each as it starts: whether it moves a case, and the lanes it writes. */
function counting(db: TestDatabase): { run: HotQuery; started: string[]; lanes: bigint[][] } {
  const driver = viaDriver(db.driver);
  const started: string[] = [];
  const lanes: bigint[][] = [];
  return {
    started,
    lanes,
    run: (q) => {
      started.push(q.text.includes('"RefundCase"') ? "with a case's move" : "chats");
      // The writes go in as one JSON array, a row for each.
      const rows = q.values.find((v) => typeof v === "string" && v.startsWith("[{"));
      if (typeof rows === "string")
        lanes.push((JSON.parse(rows) as { lane: string }[]).map((r) => BigInt(r.lane)));
      return driver(q);
    },
  };
}

describe.each(databaseKinds)("writing chats together on %s", (kind) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db.close();
  });

  it("groups the writes queued behind one in flight, never two of a lane or of a user row in one statement", async () => {
    db = await createTestDatabase(kind);
    // Another process moved chat 2 on after this one's update read it.
    await db.prisma.chat.create({ data: { id: 2n, version: 1 } });
    const { run, lanes } = counting(db);
    const batch = new ChatWriteBatch(db.prisma, run);
    const results = await Promise.all([
      batch.write(writing(1n, 11n)),
      // Refused, alone of its group.
      batch.write(writing(2n, 21n)),
      batch.write(writing(3n, 31n)),
      // A group member's lane: its user row is user 3's, so it waits for the next statement.
      batch.write(writing(102n, 41n, { user: 3n, chatId: -100n })),
      // Lane 3 again, with no user row: only its lane keeps it out of lane 3's first
      // write's statement. It read the gate as that write leaves it, so it must go after it.
      batch.write(withoutUser(writing(3n, 32n, { readVersion: 1 }))),
    ]);
    expect(results).toEqual([true, false, true, true, true]);
    // The first alone at once; then the second and third; then the two that shared a key with the third.
    expect(lanes).toEqual([[1n], [2n, 3n], [3n, 102n]]);
    const processed = async (lane: bigint, chatId: bigint, userId: bigint, updateId: bigint) =>
      (await readChatState(db.prisma, { lane, chatId, userId, updateId })).processed;
    expect(await processed(2n, 2n, 2n, 21n)).toBe(false);
    expect(await processed(3n, 3n, 3n, 31n)).toBe(true);
    expect(await processed(3n, 3n, 3n, 32n)).toBe(true);
    expect(await processed(102n, -100n, 3n, 41n)).toBe(true);
    const texts = async (chatId: bigint) =>
      (await db.prisma.outboxMessage.findMany({ where: { chatId }, orderBy: { id: "asc" } })).map(
        (m) => (m.payload as { text: string }).text,
      );
    expect(await texts(1n)).toEqual(["u11"]);
    expect(await texts(2n)).toEqual([]);
    expect(await texts(3n)).toEqual(["u31", "u32"]);
    expect(await texts(-100n)).toEqual(["u41"]);
  });

  it("sends a write that moves a case at once, past the queue: it may wait for the case's row", async () => {
    db = await createTestDatabase(kind);
    await makeStaff(db.prisma, 701);
    const caseId = await makeCase(db.prisma, { customerId: 42 });
    const { run, started } = counting(db);
    const batch = new ChatWriteBatch(db.prisma, run);
    const results = await Promise.all([
      batch.write(writing(1n, 11n)),
      batch.write(writing(2n, 21n)),
      batch.write(writing(3n, 31n)),
      batch.write({
        ...writing(701n, 51n, { chatId: -100n }),
        caseMove: {
          caseId,
          version: 0,
          from: "submitted",
          to: "approved",
          assigneeId: 701n,
          decided: true,
          actorId: 701n,
          note: null,
        },
      }),
    ]);
    expect(results).toEqual([true, true, true, true]);
    // Started before the group of the two queued ahead of it, while the first was in flight.
    expect(started).toEqual(["chats", "with a case's move", "chats"]);
    expect(await db.prisma.refundCase.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({
      status: "approved",
      version: 1,
    });
  });
});
