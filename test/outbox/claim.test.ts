import { afterEach, describe, expect, it } from "vitest";
import { type Bound, type HotQuery, viaDriver } from "../../src/database/hot-query.ts";
import { OutboxClaim } from "../../src/outbox/claim.ts";
import {
  createTestDatabase,
  databaseKinds,
  oneSession,
  plansOf,
  type TestDatabase,
} from "../support/database.ts";

describe.each(databaseKinds)("OutboxClaim on %s", (kind) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db.close();
  });

  const CHATS = [1n, 2n, 3n, 4n, 5n, 6n];

  /** Two pending messages in each chat. */
  async function backlog() {
    await db.prisma.outboxMessage.createMany({
      data: CHATS.flatMap((chatId) =>
        [1, 2].map((k) => ({
          chatId,
          method: "sendMessage",
          payload: { chat_id: String(chatId), text: `c${chatId}m${k}` },
        })),
      ),
    });
  }

  /** The driver, and how many chats each of its walks looked at (the walk's own count). */
  function counted(): { run: HotQuery; seen: number[] } {
    const through = viaDriver(db.driver);
    const seen: number[] = [];
    const run = async <T>(q: Bound) => {
      const rows = await through<T & { seen: number }>(q);
      seen.push(rows[0]?.seen ?? 0);
      return rows;
    };
    return { run, seen };
  }

  const request = { leaseSeconds: 30, answers: 0, visit: 500 };

  it("looks at each chat once in a claim that starts mid-round and finds nothing to send", async () => {
    db = await createTestDatabase(kind);
    await backlog();
    const round = new OutboxClaim();
    const first = await round.claim(viaDriver(db.driver), { ...request, messages: 2, waiting: [] });
    expect(first.map((m) => m.chatId)).toEqual([1n, 2n]);
    // Every chat's pace is spent: the walk goes on from chat 2 to the end, then
    // from the first chat up to chat 2, and no further.
    const { run, seen } = counted();
    expect(await round.claim(run, { ...request, messages: 50, waiting: CHATS })).toEqual([]);
    expect(seen).toEqual([4, 2]);
  });

  it("carries the round on where it stopped, and looks at no more chats in all than it may", async () => {
    db = await createTestDatabase(kind);
    await backlog();
    const round = new OutboxClaim();
    await round.claim(viaDriver(db.driver), { ...request, messages: 4, waiting: [] });
    // Chats 1 to 4 hold leased heads; 5 and 6 come first, then 1 to 4 are passed over.
    const { run, seen } = counted();
    const next = await round.claim(run, { ...request, visit: 5, messages: 50, waiting: [] });
    expect(next.map((m) => m.chatId)).toEqual([5n, 6n]);
    expect(seen).toEqual([2, 3]);
  });

  it("ends the round with the last chat, even at its limit: the next claim is one walk from the first chat", async () => {
    db = await createTestDatabase(kind);
    await backlog();
    const round = new OutboxClaim();
    const all = await round.claim(viaDriver(db.driver), { ...request, messages: 6, waiting: [] });
    expect(all.map((m) => m.chatId)).toEqual(CHATS);
    const { run, seen } = counted();
    expect(await round.claim(run, { ...request, messages: 50, waiting: [] })).toEqual([]);
    expect(seen).toEqual([6]);
  });

  it("keeps its place in the round through a claim with no room for messages", async () => {
    db = await createTestDatabase(kind);
    await backlog();
    const round = new OutboxClaim();
    await round.claim(viaDriver(db.driver), { ...request, messages: 2, waiting: [] });
    // The leases taken off: chats 1 and 2 could go again, but their turn has passed.
    await db.prisma.outboxMessage.updateMany({ data: { leaseUntil: null } });
    expect(
      await round.claim(viaDriver(db.driver), { ...request, messages: 0, waiting: [] }),
    ).toEqual([]);
    const next = await round.claim(viaDriver(db.driver), { ...request, messages: 1, waiting: [] });
    expect(next.map((m) => m.chatId)).toEqual([3n]);
  });

  it("marks a button's answer sent, not claimed again, when its lease ran out while its mark waited", async () => {
    db = await createTestDatabase(kind);
    const answer = await db.prisma.outboxMessage.create({
      data: {
        chatId: -100n,
        method: "answerCallbackQuery",
        payload: { callback_query_id: "q" },
        attempts: 1,
        leaseUntil: new Date(Date.now() - 1_000),
      },
    });
    const round = new OutboxClaim();
    const got = await round.claim(viaDriver(db.driver), {
      ...request,
      answers: 50,
      messages: 0,
      waiting: [],
      sent: [{ id: answer.id, messageId: null }],
    });
    expect(got).toEqual([]);
    expect(
      await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: answer.id } }),
    ).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("reaches pending messages through their partial indexes even as a generic plan", async () => {
    db = await createTestDatabase(kind);
    await backlog();
    // The claim's statement as the sender sends it, mid-round with a sent mark.
    let statement: Bound | undefined;
    const capture = async <T>(q: Bound) => {
      statement = q;
      return viaDriver(db.driver)<T>(q);
    };
    const round = new OutboxClaim();
    await round.claim(viaDriver(db.driver), { ...request, messages: 2, waiting: [] });
    await round.claim(capture, {
      ...request,
      messages: 1,
      waiting: [4n],
      sent: [{ id: 1n, messageId: 77n }],
    });
    if (statement === undefined) throw new Error("the claim ran no statement");
    const literal = (v: unknown) =>
      typeof v === "string" ? `'${v.replaceAll("'", "''")}'` : String(v);
    const args = statement.values.map(literal).join(", ");
    // A prepared statement's plan once PostgreSQL stops planning it per call:
    // parameters unknown, so only what the statement itself says proves a partial index.
    const plan = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL plan_cache_mode = force_generic_plan");
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      await tx.$executeRawUnsafe(`PREPARE claim_plan AS ${statement?.text}`);
      const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN EXECUTE claim_plan(${args})`,
      );
      await tx.$executeRawUnsafe("DEALLOCATE claim_plan");
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toMatch(/OutboxMessage_pending_head_idx/);
    expect(plan).toMatch(/OutboxMessage_pending_answer_idx/);
    expect(plan).not.toMatch(/OutboxMessage_chatId_id_idx|Seq Scan on "OutboxMessage"/);
  });

  it("is planned once, not at every claim: PostgreSQL settles on its generic plan", async () => {
    db = await createTestDatabase(kind);
    // A busy bot's backlog, with statistics: the planner's costs are those of a real table.
    await db.prisma.$executeRaw`
      INSERT INTO "OutboxMessage" ("chatId", "method", "payload")
      SELECT 1000 + i % 200, 'sendMessage', jsonb_build_object('chat_id', (1000 + i % 200)::text, 'text', 'reply ' || i)
        FROM generate_series(1, 3400) AS i`;
    await db.prisma.$executeRawUnsafe(`ANALYZE "OutboxMessage"`);
    const { driver, close } = oneSession(db);
    try {
      const round = new OutboxClaim();
      let sent: { id: bigint; messageId: bigint }[] = [];
      // As the sender claims: each claim carries the sent marks of the last one's messages.
      for (let i = 0; i < 10; i++) {
        const got = await round.claim(viaDriver(driver), {
          ...request,
          answers: 50,
          messages: 1,
          waiting: [],
          sent,
        });
        expect(got).toHaveLength(1);
        sent = got.map((m) => ({ id: m.id, messageId: 100n + m.id }));
      }
      // Planned for its first five runs, as PostgreSQL does before comparing; from then on
      // the generic plan serves. A custom plan every time costs more than the claim itself.
      const [walk, ...others] = await plansOf(driver, "%WITH RECURSIVE walk%");
      expect(others).toEqual([]);
      expect(walk?.custom).toBe(5);
      expect(walk?.generic).toBeGreaterThanOrEqual(5);
    } finally {
      await close();
    }
  });
});
