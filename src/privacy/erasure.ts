import { randomInt } from "node:crypto";
import type { PayoutDetails } from "../../machines/refund/flow.ts";
import type { PrismaClient, Tx } from "../database/open.ts";
import type { Logger } from "../logging/logger.ts";
import { enqueue, type Outgoing } from "../outbox/write.ts";

/**
 * Forgetting a person (the right to erasure): their name, username, what they
 * typed and their payout details go; what an audit of decisions needs stays —
 * each request's clauses, amount, dates and history, and each recorded
 * decision — under an anonymous stand-in that is nobody's Telegram id. Open
 * requests are withdrawn first: they cannot be paid without the details.
 *
 * A request is carried out by a background pass, not by the update that asked
 * for it: that update still writes its own processed mark and its reply (the
 * confirmation) in the person's chat, and the pass erases those too, once the
 * reply has left. Everything else is erased in one transaction.
 */

const OPEN = ["submitted", "in_review", "needs_info", "approved"] as const;

/** What stands in for an erased text that may not be empty. */
export const ERASED = "";

/** Text shorter than this is not searched for in old messages: it would match unrelated ones. */
const MIN_TERM = 4;

/** Records that a person is to be forgotten; asking twice is one request. */
export async function requestErasure(tx: Tx, userId: bigint, now: Date): Promise<void> {
  await tx.erasureRequest.upsert({
    where: { userId },
    create: { userId, requestedAt: now },
    update: {},
  });
}

/**
 * Carries out the erasure requests whose messages have left, and, when
 * `keepClosedDays` is set, erases the personal data of requests closed longer
 * ago than that: the scheduler's passes.
 */
export interface ErasureOptions {
  /** erase closed requests' details this many days after they closed */
  keepClosedDays?: number;
  /** what the staff chats' cards of an erased person's request become (their messages in Telegram) */
  cardsOf?: CardsOf;
}

/** The edits that leave a request's cards in the staff chats without the person's data. */
export type CardsOf = (tx: Tx, caseId: number) => Promise<Outgoing[]>;

export class Erasures {
  readonly #prisma: PrismaClient;
  readonly #logger: Logger;
  readonly #o: ErasureOptions;

  constructor(prisma: PrismaClient, logger: Logger, options: ErasureOptions = {}) {
    this.#prisma = prisma;
    this.#logger = logger;
    this.#o = options;
  }

  /**
   * A closed request keeps its decision, not the person's details: account,
   * number or order, comment and payout details go this many days after it
   * closed. Returns how many requests were erased.
   */
  async eraseClosed(now: Date): Promise<number> {
    const days = this.#o.keepClosedDays;
    if (days === undefined) return 0;
    const closed = {
      status: { in: ["done" as const, "rejected" as const, "withdrawn" as const] },
      updatedAt: { lt: new Date(now.getTime() - days * 86_400_000) },
    };
    // The evidence goes with the details: a file id is the person's too; so do staff's
    // notes and the customer's rating comment (the stars stay).
    await this.#prisma.attachment.deleteMany({ where: { case: closed } });
    await this.#prisma.caseNote.deleteMany({ where: { case: closed } });
    await this.#prisma.caseRating.updateMany({
      where: { case: closed, comment: { not: null } },
      data: { comment: null },
    });
    const { count } = await this.#prisma.refundCase.updateMany({
      where: { ...closed, OR: [{ accountId: { not: ERASED } }, { payoutDetails: { not: null } }] },
      data: { accountId: ERASED, serviceRef: ERASED, comment: null, payoutDetails: null },
    });
    if (count > 0) this.#logger.info({ cases: count }, "closed requests' personal data erased");
    return count;
  }

  /** Returns how many requests were carried out; the others wait for their messages. */
  async tick(now: Date): Promise<number> {
    const requests = await this.#prisma.erasureRequest.findMany({
      orderBy: { requestedAt: "asc" },
      take: 20,
    });
    let done = 0;
    for (const r of requests) {
      const erased = await this.#prisma.$transaction(
        (tx) => erase(tx, r.userId, now, this.#o.cardsOf),
        {
          timeout: 30_000,
          maxWait: 15_000,
        },
      );
      if (erased) done++;
    }
    // Counts only: the ids were the person's.
    if (done > 0) this.#logger.info({ erased: done }, "erasure requests carried out");
    return done;
  }
}

/** Erases one person; false when messages that hold their data are still to be sent. */
export async function erase(
  tx: Tx,
  userId: bigint,
  now: Date,
  cardsOf?: CardsOf,
): Promise<boolean> {
  const terms = await termsOf(tx, userId);
  const patterns = terms.map((t) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const waiting = await tx.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "OutboxMessage"
     WHERE "status" = 'pending' AND ("chatId" = ${userId} OR "payload"::text ILIKE ANY(${patterns}))`;
  if ((waiting[0]?.n ?? 0n) > 0n) return false;

  const standIn = await anonymousStandIn(tx, now);
  const cases = await tx.refundCase.findMany({
    where: { customerId: userId },
    select: { id: true, status: true },
  });
  for (const c of cases.filter((c) => (OPEN as readonly string[]).includes(c.status))) {
    await tx.refundCase.update({
      where: { id: c.id },
      data: { status: "withdrawn", version: { increment: 1 } },
    });
    await tx.caseEvent.create({
      data: {
        caseId: c.id,
        actorId: standIn,
        at: now,
        fromStatus: c.status,
        toStatus: "withdrawn",
      },
    });
  }
  // Staff's notes about them and their rating's words go; the stars stay, anonymous.
  await tx.caseNote.deleteMany({ where: { case: { customerId: userId } } });
  await tx.caseRating.updateMany({
    where: { case: { customerId: userId } },
    data: { comment: null },
  });
  await tx.refundCase.updateMany({
    where: { customerId: userId },
    data: {
      customerId: standIn,
      chatId: standIn,
      accountId: ERASED,
      serviceRef: ERASED,
      comment: null,
      payoutDetails: null,
    },
  });
  // The person's own words in a case's history (answers to staff's questions).
  await tx.caseEvent.updateMany({
    where: { actorId: userId },
    data: { actorId: standIn, note: null },
  });
  await tx.decision.updateMany({ where: { userId }, data: { userId: standIn, chatId: standIn } });
  // Their photos and files: the file ids are theirs, and the case's log loses those entries.
  await tx.attachment.deleteMany({ where: { OR: [{ customerId: userId }, { chatId: userId }] } });
  await tx.handoff.updateMany({
    where: { customerId: userId },
    data: { customerId: standIn, chatId: standIn, question: null },
  });
  await tx.conversation.deleteMany({ where: { OR: [{ chatId: userId }, { userId }] } });
  await tx.staffPrompt.deleteMany({ where: { OR: [{ chatId: userId }, { userId }] } });
  await tx.inboundUpdate.deleteMany({ where: { lane: userId } });
  await tx.chat.deleteMany({ where: { id: userId } });
  await tx.outboxMessage.deleteMany({ where: { chatId: userId } });
  // Staff's cards of their requests, as Telegram shows them, lose the person's data too.
  if (cardsOf !== undefined) for (const c of cases) await enqueue(tx, await cardsOf(tx, c.id));
  // What other chats were sent about them (staff's cards and notices) keeps its place, not its words.
  await tx.$executeRaw`
    UPDATE "OutboxMessage" SET "payload" = '{"erased":true}'::jsonb
     WHERE "payload"::text ILIKE ANY(${patterns})`;
  await tx.user.deleteMany({ where: { id: userId } });
  await tx.erasureRequest.deleteMany({ where: { userId } });
  return true;
}

/** The texts that identify the person or that they typed, as found in messages sent about them. */
async function termsOf(tx: Tx, userId: bigint): Promise<string[]> {
  const [user, cases, handoffs, notes] = await Promise.all([
    tx.user.findUnique({ where: { id: userId } }),
    tx.refundCase.findMany({
      where: { customerId: userId },
      select: { accountId: true, serviceRef: true, comment: true, payoutDetails: true },
    }),
    tx.handoff.findMany({ where: { customerId: userId }, select: { question: true } }),
    tx.caseEvent.findMany({ where: { actorId: userId }, select: { note: true } }),
  ]);
  const terms = [
    String(userId),
    user?.username,
    user?.firstName,
    ...cases.flatMap((c) => [
      c.accountId,
      c.serviceRef,
      c.comment,
      ...detailValues(c.payoutDetails),
    ]),
    ...handoffs.map((h) => h.question),
    ...notes.map((n) => n.note),
  ];
  return [
    ...new Set(
      terms.filter((t): t is string => typeof t === "string" && t.trim().length >= MIN_TERM),
    ),
  ];
}

function detailValues(stored: string | null): string[] {
  if (stored === null) return [];
  try {
    const d = JSON.parse(stored) as PayoutDetails;
    return Object.entries(d)
      .filter(([k]) => k !== "method")
      .map(([, v]) => String(v));
  } catch {
    return [stored];
  }
}

/**
 * A stand-in for an erased person: a negative id, which no Telegram user has
 * (negative ids are groups'), so it can never be mistaken for one.
 */
async function anonymousStandIn(tx: Tx, now: Date): Promise<bigint> {
  const id = -BigInt(randomInt(1, 2 ** 47)) - 2n ** 50n;
  await tx.user.create({ data: { id, createdAt: now } });
  return id;
}
