import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectPostgres, type Database, openDatabase } from "../../src/database/open.ts";
import {
  createTestDatabase,
  databaseKinds,
  TEST_DATABASE_URL,
  type TestDatabase,
} from "../support/database.ts";

describe("openDatabase (embedded)", () => {
  const opened: Database[] = [];
  afterEach(async () => {
    for (const d of opened.splice(0)) await d.close();
  });

  it("creates the data folder, migrates it, and refuses a second opener", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "db-")), "data");
    const db = await openDatabase({ kind: "pglite", dataDir: dir });
    opened.push(db);
    await db.prisma.user.create({ data: { id: 42n, language: "uk" } });
    await expect(openDatabase({ kind: "pglite", dataDir: dir })).rejects.toThrow(
      /in use by another process/,
    );
    await opened.pop()?.close();
    const again = await openDatabase({ kind: "pglite", dataDir: dir });
    opened.push(again);
    expect((await again.prisma.user.findUnique({ where: { id: 42n } }))?.language).toBe("uk");
  });
});

describe.each(databaseKinds)("the data model on %s", (kind) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db.close();
  });

  it("keeps amounts as exact decimals and clause lists as arrays", async () => {
    db = await createTestDatabase(kind);
    await db.prisma.user.create({ data: { id: 1n } });
    const c = await db.prisma.refundCase.create({
      data: {
        customerId: 1n,
        chatId: 1n,
        kind: "balance",
        clauses: ["A1", "E1"],
        service: "rented_number",
        accountId: "a@example.com",
        serviceRef: "+4915112345678",
        amount: "0.10",
        currency: "EUR",
        reason: "A1",
        dueAt: new Date(),
      },
    });
    const read = await db.prisma.refundCase.findUniqueOrThrow({ where: { id: c.id } });
    expect(read.amount.plus("0.20").toString()).toBe("0.3");
    expect(read.clauses).toEqual(["A1", "E1"]);
  });

  it("drops a second delivery of an update at the door", async () => {
    db = await createTestDatabase(kind);
    const store = () =>
      db.prisma.inboundUpdate.createMany({
        data: [{ updateId: 7n, lane: 1n, payload: {} }],
        skipDuplicates: true,
      });
    expect((await store()).count).toBe(1);
    expect((await store()).count).toBe(0);
  });
});

// The pool over the live server, through which a slow statement is given up (DATABASE_TIMEOUT_SECONDS).
describe.skipIf(TEST_DATABASE_URL === undefined)("a statement PostgreSQL is slow to answer", () => {
  it("is given up after the timeout, and its transaction's connection is closed, not handed to the next caller", async () => {
    const db = await createTestDatabase("postgres");
    const timed = await connectPostgres(db.url ?? "", { timeoutMs: 500 });
    try {
      await expect(
        timed.prisma.$transaction(async (tx) => {
          await tx.chat.create({ data: { id: 1n, version: 1 } });
          await tx.$queryRaw`SELECT pg_sleep(1.5)`;
        }),
      ).rejects.toThrow();
      // The server finishes the statement meanwhile: its transaction must not live on.
      await new Promise((r) => setTimeout(r, 1_500));
      for (const id of [2n, 3n, 4n, 5n])
        await timed.prisma.chat.create({ data: { id, version: 1 } });
      // Seen from another session: what came after committed; the abandoned transaction did not.
      const seen = await db.prisma.chat.findMany({ select: { id: true }, orderBy: { id: "asc" } });
      expect(seen.map((c) => c.id)).toEqual([2n, 3n, 4n, 5n]);
      const inTransaction = () =>
        db.prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND state LIKE 'idle in transaction%'`;
      expect((await inTransaction())[0]?.n).toBe(0);
    } finally {
      await timed.close();
      await db.close();
    }
  }, 30_000);
});
