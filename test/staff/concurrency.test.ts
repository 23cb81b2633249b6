import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Core, createCore } from "../../src/app/core.ts";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { type Actor, transition } from "../../src/cases/transition.ts";
import { connectPostgres, type Database } from "../../src/database/open.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { takeNext } from "../../src/staff/take-next.ts";
import { testConfig, UNLIMITED } from "../support/bot.ts";
import { RecordingBotApi } from "../support/bot-api.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/database.ts";
import { makeCase, makeStaff, STAFF_ENV, STAFF_GROUP } from "./helpers.ts";

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
      // Every round had a winner, and both sides won some: the race was real.
      expect(wins[701] + wins[702]).toBe(ROUNDS);
      expect(wins[701]).toBeGreaterThan(0);
      expect(wins[702]).toBeGreaterThan(0);
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

/**
 * Two staff members pressing on one case at the same moment, through the
 * whole bot: two processes sharing PostgreSQL (each with its own pool), or
 * one process on the embedded database. The case's move goes with the
 * update's write, without a transaction (the D3 confirmation's prompt with
 * it): exactly one of them moves the case, and nothing of the loser's try is
 * written — no event, no card, no answer saying it worked, no notice to the
 * customer; its update runs again and is told who got there first.
 */
describe.each(databaseKinds)("two staff members pressing on one case at once (%s)", (kind) => {
  const ROUNDS = 100;
  const config = testConfig(STAFF_ENV);
  const logger = createLogger("silent");
  const coreOn = (db: Database): Core =>
    createCore({ config, db, api: new RecordingBotApi(), logger, pace: UNLIMITED });

  it.each([
    ["claim", "in_review", "is yours now"],
    ["confirm", "approved", "approved by"],
  ] as const)(
    "%s: one moves the case, the other is refused, and nothing of its try is written",
    async (action, to, said) => {
      const db = await createTestDatabase(kind);
      const second = kind === "postgres" ? await connectPostgres(db.url ?? "") : undefined;
      try {
        const a = coreOn(db);
        const b = second === undefined ? a : coreOn(second);
        for (const id of [701, 702]) await makeStaff(db.prisma, id);
        let updateId = 1;
        const press = (core: Core, staffId: number, caseId: number) => {
          const id = updateId++;
          return core.inbox.receive({
            update_id: id,
            callback_query: {
              id: `cq${id}`,
              from: { id: staffId, is_bot: false, first_name: `S${staffId}`, language_code: "en" },
              chat_instance: "x",
              message: { message_id: 1, date: 0, chat: { id: STAFF_GROUP, type: "supergroup" } },
              data: encodeCallback({ kind: "staff", action, caseId }),
            },
          });
        };
        const ids: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const caseId = await makeCase(db.prisma, { customerId: 80_000 + round });
          ids.push(caseId);
          // Each asked to approve it (/approve): each may confirm.
          if (action === "confirm")
            await db.prisma.staffPrompt.createMany({
              data: [701n, 702n].map((userId) => ({
                userId,
                chatId: BigInt(STAFF_GROUP),
                action: "approve",
                caseId,
              })),
            });
          await Promise.all([press(a, 701, caseId), press(b, 702, caseId)]);
        }
        await Promise.all([a.inbox.idle(), b.inbox.idle()]);
        expect(await db.prisma.inboundUpdate.count({ where: { processedAt: { not: null } } })).toBe(
          2 * ROUNDS,
        );
        const cases = await db.prisma.refundCase.findMany({ where: { id: { in: ids } } });
        expect(cases.every((c) => c.status === to && c.version === 1)).toBe(true);
        const moves = await db.prisma.caseEvent.groupBy({
          by: ["caseId"],
          where: { toStatus: to },
          _count: { _all: true },
        });
        expect(moves).toHaveLength(ROUNDS);
        expect(moves.every((g) => g._count._all === 1)).toBe(true);
        // Each case's card was posted once, by whoever moved it; the customer told once.
        const out = await db.prisma.outboxMessage.findMany();
        const cards = out.filter((m) => m.method === "sendMessage" && m.ref?.startsWith("card:"));
        expect(new Set(cards.map((m) => m.ref)).size).toBe(ROUNDS);
        expect(cards).toHaveLength(ROUNDS);
        const notices = out.filter((m) => m.method === "sendMessage" && m.chatId >= 80_000n);
        expect(notices).toHaveLength(action === "confirm" ? ROUNDS : 0);
        // Every press answered: one said it worked, the other who got there first.
        const answers = out
          .filter((m) => m.method === "answerCallbackQuery")
          .map((m) => m.payload as { text?: string; show_alert?: boolean });
        expect(answers).toHaveLength(2 * ROUNDS);
        expect(answers.filter((p) => p.text?.includes(said) === true)).toHaveLength(ROUNDS);
        expect(answers.filter((p) => p.show_alert === true)).toHaveLength(ROUNDS);
        // A write refused at the case's row bumps its lane's gate and processes nothing:
        // gates past the updates count the races the row decided.
        const gates = await db.prisma.chat.findMany({ where: { id: { in: [701n, 702n] } } });
        const refused = gates.reduce((n, g) => n + g.version, 0) - 2 * ROUNDS;
        console.info(`${kind}, ${action}: ${refused} of ${ROUNDS} races decided at the case's row`);
        // One process on the embedded database runs the two presses one after the other;
        // two on PostgreSQL race for real: both win some rounds.
        if (kind === "postgres") {
          expect(new Set(cases.map((c) => c.assigneeId))).toEqual(new Set([701n, 702n]));
          expect(refused).toBeGreaterThan(0);
        }
      } finally {
        await second?.close();
        await db.close();
      }
    },
    120_000,
  );

  it("a press delivered twice, at once and again later, moves the case once and is answered once", async () => {
    const db = await createTestDatabase(kind);
    try {
      const core = coreOn(db);
      await makeStaff(db.prisma, 701);
      const caseId = await makeCase(db.prisma, { customerId: 81_000 });
      const update = {
        update_id: 1,
        callback_query: {
          id: "cq1",
          from: { id: 701, is_bot: false, first_name: "S701", language_code: "en" },
          chat_instance: "x",
          message: { message_id: 1, date: 0, chat: { id: STAFF_GROUP, type: "supergroup" } },
          data: encodeCallback({ kind: "staff", action: "claim", caseId }),
        },
      } as const;
      await Promise.all([core.inbox.receive(update), core.inbox.receive(update)]);
      await core.inbox.idle();
      await core.inbox.receive(update);
      await core.inbox.idle();
      const c = await db.prisma.refundCase.findUniqueOrThrow({ where: { id: caseId } });
      expect(c).toMatchObject({ status: "in_review", version: 1, assigneeId: 701n });
      expect(await db.prisma.caseEvent.count({ where: { caseId, toStatus: "in_review" } })).toBe(1);
      const out = await db.prisma.outboxMessage.findMany();
      expect(out.filter((m) => m.method === "answerCallbackQuery")).toHaveLength(1);
      expect(out.filter((m) => m.ref === `card:${caseId}`)).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});
