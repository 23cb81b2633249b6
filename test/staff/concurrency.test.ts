import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, transition } from "../../src/cases/transition.ts";
import { connectPostgres, type Database } from "../../src/database/open.ts";
import { takeNext } from "../../src/staff/take-next.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/database.ts";
import { makeCase, makeStaff } from "./helpers.ts";

/**
 * Two processes sharing PostgreSQL: two Prisma clients, each with its own
 * pool, acting on the same cases at the same moment.
 */
// Runs wherever PostgreSQL is (CI always); without it this file has nothing to run.
describe.runIf(databaseKinds.includes("postgres"))(
  "staff concurrency on PostgreSQL (two processes)",
  () => {
    let db: TestDatabase;
    let second: Database;
    beforeAll(async () => {
      db = await createTestDatabase("postgres");
      if (db.url === undefined) throw new Error("no URL for the test database");
      second = await connectPostgres(db.url);
      for (const id of [701, 702, 703, 704, 705, 706]) await makeStaff(db.prisma, id);
    });
    afterAll(async () => {
      await second.close();
      await db.close();
    });

    const staff = (id: number): Actor & { kind: "staff" } => ({
      kind: "staff",
      id: BigInt(id),
      admin: false,
    });

    it("1,000 rounds of two concurrent approvals: exactly one wins, the other is told who", async () => {
      const ROUNDS = 1000;
      const wins = { 701: 0, 702: 0 };
      const started = performance.now();
      for (let round = 0; round < ROUNDS; round++) {
        const id = await makeCase(db.prisma, { customerId: 50_000 + (round % 50) });
        const now = new Date();
        const approve = (prisma: Database["prisma"], who: 701 | 702) =>
          prisma.$transaction((tx) =>
            transition(tx, id, staff(who), { action: "approve", d3Confirmed: true }, now),
          );
        const [a, b] = await Promise.all([approve(db.prisma, 701), approve(second.prisma, 702)]);
        const results = [a, b];
        const ok = results.filter((r) => r.kind === "ok");
        expect(ok, `round ${round}`).toHaveLength(1);
        const lost = results.find((r) => r.kind !== "ok");
        const winner = a.kind === "ok" ? 701 : 702;
        wins[winner]++;
        expect(lost?.kind).toBe("wrong_state");
        if (lost?.kind === "wrong_state") {
          expect(lost.status).toBe("approved");
          expect(lost.last?.actorId).toBe(BigInt(winner));
        }
      }
      const ms = performance.now() - started;
      // Every case decided exactly once: one approval event each, none twice.
      const approvals = await db.prisma.caseEvent.groupBy({
        by: ["caseId"],
        where: { toStatus: "approved" },
        _count: { _all: true },
      });
      expect(approvals).toHaveLength(ROUNDS);
      expect(approvals.every((g) => g._count._all === 1)).toBe(true);
      expect(await db.prisma.refundCase.count({ where: { status: "approved" } })).toBe(ROUNDS);
      // Both sides won some rounds: the race was real.
      expect(wins[701] + wins[702]).toBe(ROUNDS);
      console.info(`1,000 approval races: ${Math.round(ms)} ms, wins ${wins[701]}/${wins[702]}`);
    }, 120_000);

    it("six workers on two processes taking next: every case given exactly once", async () => {
      await db.prisma.refundCase.updateMany({
        where: { status: "submitted" },
        data: { status: "withdrawn" },
      });
      const CASES = 120;
      const ids = new Set<number>();
      for (let i = 0; i < CASES; i++) {
        ids.add(
          await makeCase(db.prisma, {
            customerId: 60_000 + i,
            dueAt: new Date(Date.now() + (i % 7) * 3_600_000),
          }),
        );
      }
      const workers = [701, 702, 703, 704, 705, 706].map(async (who, i) => {
        const prisma = i % 2 === 0 ? db.prisma : second.prisma;
        const mine: number[] = [];
        for (;;) {
          const c = await prisma.$transaction((tx) => takeNext(tx, staff(who), new Date()));
          if (c === null) return mine;
          expect(c.assigneeId).toBe(BigInt(who));
          mine.push(c.id);
        }
      });
      const taken = (await Promise.all(workers)).flat();
      expect(taken).toHaveLength(CASES);
      expect(new Set(taken)).toEqual(ids);
      const claims = await db.prisma.caseEvent.groupBy({
        by: ["caseId"],
        where: { toStatus: "in_review", caseId: { in: [...ids] } },
        _count: { _all: true },
      });
      expect(claims.every((g) => g._count._all === 1)).toBe(true);
      expect(claims).toHaveLength(CASES);
    }, 60_000);
  },
);
