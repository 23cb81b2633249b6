// The outbox claim with a backlog: one claim (50 messages, as the sender's
// batch) timed with 1,000, 10,000 and 200,000 pending messages, each figure a
// ratio to the claim at 1,000 on the same database. Beside it, the claim as it
// was before issue #13 (every pending row checked for an earlier one of its
// chat), kept here only to be measured against; and a claim that finds
// nothing because every chat's pace is spent (a busy bot's usual claim: its
// walk passes over every chat it may visit).

import { viaDriver } from "../../src/database/hot-query.ts";
import type { PrismaClient } from "../../src/database/open.ts";
import { type Claimed, OutboxClaim } from "../../src/outbox/claim.ts";
import { VISIT } from "../../src/outbox/sender.ts";
import { createTestDatabase, databaseKinds } from "../support/database.ts";
import { type BenchSection, ms, percentiles } from "./report.ts";

const SIZES = [1_000, 10_000, 200_000];
/** messages waiting per chat: a customer's chat holds at most 20 unsent replies */
const PER_CHAT = 20;
const LIMIT = 50;
const SAMPLES = 40;
/** the first chat id of the backlog */
const FIRST_CHAT = 1000;

function oldClaim(prisma: PrismaClient): Promise<Claimed[]> {
  return prisma.$queryRaw<Claimed[]>`
    UPDATE "OutboxMessage"
       SET "leaseUntil" = now() + make_interval(secs => 30), "attempts" = "attempts" + 1
     WHERE "id" IN (
       SELECT o."id" FROM "OutboxMessage" o
        WHERE o."status" = 'pending' AND o."notBefore" <= now()
          AND (o."leaseUntil" IS NULL OR o."leaseUntil" < now())
          AND (o."method" = 'answerCallbackQuery' OR NOT EXISTS (
            SELECT 1 FROM "OutboxMessage" p
             WHERE p."chatId" = o."chatId" AND p."status" = 'pending'
               AND p."method" <> 'answerCallbackQuery' AND p."id" < o."id"))
        ORDER BY (o."method" = 'answerCallbackQuery') DESC, o."id"
        LIMIT ${LIMIT}
        FOR UPDATE SKIP LOCKED)
    RETURNING "id", "chatId", "method", "payload", "attempts"`;
}

/** Takes the lease off what a timed claim took, so every sample sees the same backlog. */
async function release(prisma: PrismaClient, claimed: readonly Claimed[]): Promise<void> {
  const ids = claimed.map((m) => m.id);
  await prisma.outboxMessage.updateMany({
    where: { id: { in: ids } },
    data: { leaseUntil: null, attempts: 0 },
  });
}

async function fill(prisma: PrismaClient, pending: number): Promise<void> {
  const chats = pending / PER_CHAT;
  await prisma.$executeRaw`
    INSERT INTO "OutboxMessage" ("chatId", "method", "payload")
    SELECT ${FIRST_CHAT} + i % ${chats}, 'sendMessage', jsonb_build_object('chat_id', (${FIRST_CHAT} + i % ${chats})::text, 'text', 'reply ' || i)
      FROM generate_series(1, ${pending}) AS i`;
  await prisma.$executeRawUnsafe(`ANALYZE "OutboxMessage"`);
}

export async function bench(): Promise<BenchSection[]> {
  const rows: BenchSection["rows"] = [];
  for (const kind of databaseKinds) {
    const timings: { pending: number; now: number; before: number; idle: number }[] = [];
    for (const pending of SIZES) {
      const db = await createTestDatabase(kind);
      try {
        await fill(db.prisma, pending);
        // Each column its own round, so that one does not start where the other stopped.
        const claimNow = (round: OutboxClaim, waiting: readonly bigint[] = []) =>
          round.claim(viaDriver(db.driver), {
            leaseSeconds: 30,
            answers: LIMIT,
            messages: LIMIT,
            waiting,
            visit: VISIT,
          });
        // Three claims to warm up, then the samples; each lease is taken off before the next claim.
        const measure = async (claim: () => Promise<Claimed[]>, expected = LIMIT) => {
          const durations: number[] = [];
          for (let i = 0; i < 3 + SAMPLES; i++) {
            const t = performance.now();
            const got = await claim();
            const took = performance.now() - t;
            if (got.length !== expected) throw new Error(`claimed ${got.length}, not ${expected}`);
            await release(db.prisma, got);
            if (i >= 3) durations.push(took);
          }
          return percentiles(durations).p50;
        };
        const everyChat = Array.from({ length: pending / PER_CHAT }, (_, i) =>
          BigInt(FIRST_CHAT + i),
        );
        const round = new OutboxClaim();
        const idleRound = new OutboxClaim();
        timings.push({
          pending,
          idle: await measure(() => claimNow(idleRound, everyChat), 0),
          now: await measure(() => claimNow(round)),
          before: await measure(() => oldClaim(db.prisma)),
        });
      } finally {
        await db.close();
      }
    }
    const base = timings[0];
    for (const t of timings) {
      rows.push({
        database: kind,
        pending: t.pending.toLocaleString("en"),
        chats: (t.pending / PER_CHAT).toLocaleString("en"),
        "claim p50 ms": ms(t.now),
        "÷ claim at 1,000": base ? (t.now / base.now).toFixed(2) : "",
        "claim before #13, p50 ms": ms(t.before),
        "before ÷ its time at 1,000": base ? (t.before / base.before).toFixed(2) : "",
        "before ÷ now": (t.before / t.now).toFixed(1),
        "claim with every chat waiting, p50 ms": ms(t.idle),
      });
    }
  }
  return [
    {
      title: "Outbox: one claim of 50 messages against the backlog",
      rows,
      notes: [
        `${PER_CHAT} pending messages a chat, statistics gathered (ANALYZE); p50 of ${SAMPLES} claims, each lease taken off before the next. Ratios are to the same query at 1,000 pending in the same run.`,
        `With every chat waiting: the pace has spent every chat's allowance (the sender passes them all as waiting), so the claim finds nothing; its walk looks at up to ${VISIT} chats.`,
      ],
    },
  ];
}
