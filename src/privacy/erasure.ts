import { randomInt } from "node:crypto";
import { isOpen } from "../cases/transition.ts";
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

/** What stands in for an erased text that may not be empty. */
export const ERASED = "";

/** Records that a person is to be forgotten; asking twice is one request. */
export async function requestErasure(tx: Tx, userId: bigint, now: Date): Promise<void> {
  await tx.erasureRequest.upsert({
    where: { userId },
    create: { userId, requestedAt: now },
    update: {},
  });
}

/**
 * What the staff chats show of a person once their data goes: their side of
 * src/staff (this module knows no words or languages).
 */
export interface StaffChats {
  /**
   * The text a staff chat's message about the person becomes, in that chat's
   * language: a request's card its anonymous card (`caseId`), anything else a
   * line saying their data was erased (`why`: at their request, or after the
   * retention period).
   */
  erasedText(tx: Tx, chatId: bigint, caseId: number | null, why: Why): Promise<string>;
  /** The edits of a request's cards, by name, in every chat that holds one. */
  cards(tx: Tx, caseId: number, why: Why): Promise<Outgoing[]>;
  /** The names of staff messages that carry the person's id (an admin's question about them). */
  refsNaming(userId: bigint): string[];
}

export type Why = "request" | "retention";

/**
 * Carries out the erasure requests whose messages have left, and, when
 * `keepClosedDays` is set, erases the personal data of requests closed longer
 * ago than that: the scheduler's passes.
 */
export interface ErasureOptions {
  /** erase closed requests' details this many days after they closed */
  keepClosedDays?: number;
  /** what the staff chats' messages about an erased person become (their messages in Telegram) */
  staff?: StaffChats;
  /** told after a pass wrote messages (the outbox sender's kick) */
  onCommitted?: () => void;
}

/** Telegram lets a bot delete its messages for 48 hours; older copies of files lose their caption instead. */
const DELETABLE_MS = 48 * 3_600_000;
/** Bot API methods whose message is a photo or file (a copy of the customer's, or an export). */
const MEDIA = ["copyMessage", "sendDocument", "sendPhoto", "sendMediaGroup"];

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
   * number or order, comment, payout details, the words typed in its history
   * (the customer's answers, and staff's questions and reasons, which quote
   * them), its files, notes and rating comment, the customer's questions for a
   * person asked as long ago, and its cards in the staff chats go this many
   * days after it closed. Returns how many requests were erased.
   */
  async eraseClosed(now: Date): Promise<number> {
    const days = this.#o.keepClosedDays;
    if (days === undefined) return 0;
    const before = new Date(now.getTime() - days * 86_400_000);
    const closed = {
      status: { in: ["done" as const, "rejected" as const, "withdrawn" as const] },
      updatedAt: { lt: before },
    };
    const due = await this.#prisma.refundCase.findMany({
      where: { ...closed, OR: [{ accountId: { not: ERASED } }, { payoutDetails: { not: null } }] },
      select: { id: true, customerId: true },
      orderBy: { id: "asc" },
      take: 200,
    });
    let wrote = false;
    for (const c of due) {
      // One transaction a request: its rows and its cards' edits go together.
      wrote =
        (await this.#prisma.$transaction((tx) => this.#eraseClosedCase(tx, c, before), {
          timeout: 30_000,
          maxWait: 15_000,
        })) || wrote;
    }
    // Rows a previous version left half done (a comment, a note) need no cards.
    await this.#prisma.attachment.deleteMany({ where: { case: closed } });
    await this.#prisma.caseNote.deleteMany({ where: { case: closed } });
    // StaffPrompt has no relation to its case: an /approve note left on a closed one.
    await this.#prisma.$executeRaw`
      DELETE FROM "StaffPrompt" p USING "RefundCase" c
       WHERE p."caseId" = c."id" AND c."status" IN ('done', 'rejected', 'withdrawn')
         AND c."updatedAt" < ${before.toISOString()}::timestamp(3)`;
    await this.#prisma.caseRating.updateMany({
      where: { case: closed, comment: { not: null } },
      data: { comment: null },
    });
    await this.#prisma.caseEvent.updateMany({
      where: { case: closed, note: { not: null } },
      data: { note: null },
    });
    // A question for a person answered as long ago is closed too, whether or not a request
    // followed it (with one, its request's erasure above took it already).
    await this.#prisma.handoff.updateMany({
      where: { status: "answered", answeredAt: { lt: before }, question: { not: null } },
      data: { question: null },
    });
    if (wrote) this.#o.onCommitted?.();
    if (due.length > 0)
      this.#logger.info({ cases: due.length }, "closed requests' personal data erased");
    return due.length;
  }

  async #eraseClosedCase(
    tx: Tx,
    c: { id: number; customerId: bigint },
    before: Date,
  ): Promise<boolean> {
    const where = { caseId: c.id };
    await tx.attachment.deleteMany({ where });
    await tx.caseNote.deleteMany({ where });
    await tx.caseRating.updateMany({ where, data: { comment: null } });
    await tx.caseEvent.updateMany({ where, data: { note: null } });
    // Their questions for a person as old as that: what they asked about it, or anything else.
    await tx.handoff.updateMany({
      where: { customerId: c.customerId, createdAt: { lt: before }, question: { not: null } },
      data: { question: null },
    });
    await tx.refundCase.update({
      where: { id: c.id },
      data: { accountId: ERASED, serviceRef: ERASED, comment: null, payoutDetails: null },
    });
    // What the customer was sent, and staff were told about them, as long ago (the summary,
    // an answer, a file) keeps its place in the log, not its words.
    await tx.$executeRaw`
      UPDATE "OutboxMessage" SET "payload" = '{"erased":true}'::jsonb
       WHERE ("aboutUserId" = ${c.customerId} OR "chatId" = ${c.customerId})
         AND "status" <> 'pending' AND "createdAt" < ${before}
         AND "payload" <> '{"erased":true}'::jsonb`;
    if (this.#o.staff === undefined) return false;
    const edits = await this.#o.staff.cards(tx, c.id, "retention");
    await enqueue(tx, edits);
    // The card's rows in the outbox held the same details.
    await tx.$executeRaw`
      UPDATE "OutboxMessage" SET "payload" = '{"erased":true}'::jsonb
       WHERE "ref" = ${`card:${c.id}`} AND "status" <> 'pending'`;
    return edits.length > 0;
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
        (tx) => erase(tx, r.userId, now, this.#o.staff),
        {
          timeout: 30_000,
          maxWait: 15_000,
        },
      );
      if (erased) done++;
    }
    // Counts only: the ids were the person's.
    if (done > 0) {
      this.#logger.info({ erased: done }, "erasure requests carried out");
      this.#o.onCommitted?.();
    }
    return done;
  }
}

/**
 * Erases one person; false when messages that hold their data are still to be
 * sent to them, or are being sent about them.
 *
 * What the staff chats were told about them is found by the outbox's
 * `aboutUserId`, never by their words (a name or a word they typed also
 * appears in other people's messages). Messages not yet sent are dropped; sent
 * ones are changed in Telegram — a card to its anonymous card, a notice to one
 * line, a copy of their file deleted (or, past Telegram's 48 hours, its
 * caption replaced) — and their rows lose their words.
 */
export async function erase(
  tx: Tx,
  userId: bigint,
  now: Date,
  staff?: StaffChats,
): Promise<boolean> {
  // Their own chat's messages leave first: the confirmation of this very request.
  const mine = await tx.outboxMessage.count({ where: { chatId: userId, status: "pending" } });
  if (mine > 0) return false;
  // A message about them that a sender holds now may reach Telegram: wait, then change it there.
  const held = await tx.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "OutboxMessage"
     WHERE "aboutUserId" = ${userId} AND "status" = 'pending' AND "leaseUntil" > now()`;
  if ((held[0]?.n ?? 0n) > 0n) return false;
  // The rest never leave. A sender claiming one meanwhile makes it held: the condition is
  // checked again on the row as that claim left it, and the erasure waits.
  await tx.$executeRaw`
    DELETE FROM "OutboxMessage"
     WHERE "aboutUserId" = ${userId} AND "status" = 'pending'
       AND ("leaseUntil" IS NULL OR "leaseUntil" <= now())`;
  if ((await tx.outboxMessage.count({ where: { aboutUserId: userId, status: "pending" } })) > 0)
    return false;

  const standIn = await anonymousStandIn(tx, now);
  const cases = await tx.refundCase.findMany({
    where: { customerId: userId },
    select: { id: true, status: true },
  });
  for (const c of cases.filter((c) => isOpen(c.status))) {
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
  // The words in their requests' history: their answers, and staff's questions and reasons,
  // which quote them; who moved each request where, and when, stays.
  await tx.caseEvent.updateMany({
    where: { case: { customerId: userId } },
    data: { note: null },
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
  await tx.caseEvent.updateMany({
    where: { actorId: userId },
    data: { actorId: standIn, note: null },
  });
  await tx.decision.updateMany({ where: { userId }, data: { userId: standIn, chatId: standIn } });
  // Their photos and files: the file ids are theirs, and the case's log loses those entries.
  await tx.attachment.deleteMany({ where: { OR: [{ customerId: userId }, { chatId: userId }] } });
  // Their questions for a person: nobody is left to answer (a /reply says so).
  await tx.handoff.updateMany({
    where: { customerId: userId, status: { in: ["awaiting", "open"] } },
    data: { status: "closed" },
  });
  await tx.handoff.updateMany({
    where: { customerId: userId },
    data: { customerId: standIn, chatId: standIn, question: null },
  });
  await tx.conversation.deleteMany({ where: { OR: [{ chatId: userId }, { userId }] } });
  // Their own prompts, and staff's about their cases (an /approve note may name them).
  await tx.staffPrompt.deleteMany({
    where: { OR: [{ chatId: userId }, { userId }, { caseId: { in: cases.map((c) => c.id) } }] },
  });
  await tx.inboundUpdate.deleteMany({ where: { lane: userId } });
  await tx.chat.deleteMany({ where: { id: userId } });
  // What their own chat received is theirs alone.
  await tx.outboxMessage.deleteMany({ where: { chatId: userId } });
  if (staff !== undefined) await enqueue(tx, await staffChatEdits(tx, userId, now, staff, cases));
  // The rows of what staff were told keep their place in the log, not their words (the
  // edits just queued are pending and about no one).
  await tx.outboxMessage.updateMany({
    where: { aboutUserId: userId, status: { not: "pending" } },
    data: { payload: { erased: true }, aboutUserId: null },
  });
  if (staff !== undefined) {
    await tx.outboxMessage.updateMany({
      where: { ref: { in: staff.refsNaming(userId) }, status: { not: "pending" } },
      data: { payload: { erased: true }, ref: null },
    });
  }
  await tx.user.deleteMany({ where: { id: userId } });
  await tx.erasureRequest.deleteMany({ where: { userId } });
  return true;
}

/** The messages in the staff chats that showed the person, each changed to show nothing of them. */
async function staffChatEdits(
  tx: Tx,
  userId: bigint,
  now: Date,
  staff: StaffChats,
  cases: readonly { id: number }[],
): Promise<Outgoing[]> {
  // One line per message in Telegram: the rows that sent it and changed it.
  const shown = await tx.$queryRaw<
    {
      chatId: bigint;
      messageId: bigint;
      media: boolean;
      firstSent: Date | null;
      ref: string | null;
    }[]
  >`
    SELECT "chatId", "messageId", bool_or("method" = ANY(${MEDIA})) AS "media",
           min("sentAt") AS "firstSent", max("ref") AS "ref"
      FROM "OutboxMessage"
     WHERE "aboutUserId" = ${userId} AND "status" = 'sent' AND "messageId" IS NOT NULL
     GROUP BY "chatId", "messageId"
     ORDER BY "chatId", "messageId"`;
  const out: Outgoing[] = [];
  const cardChats = new Set<string>();
  for (const m of shown) {
    const target = { messageId: Number(m.messageId) };
    if (m.media) {
      const fresh = m.firstSent !== null && now.getTime() - m.firstSent.getTime() < DELETABLE_MS;
      out.push(
        fresh
          ? { kind: "delete", chatId: m.chatId, target }
          : {
              kind: "caption",
              chatId: m.chatId,
              target,
              caption: await staff.erasedText(tx, m.chatId, null, "request"),
            },
      );
      continue;
    }
    const caseId = caseOfRef(m.ref);
    if (caseId !== null) cardChats.add(`${caseId}:${m.chatId}`);
    out.push({
      kind: "edit",
      chatId: m.chatId,
      target,
      text: await staff.erasedText(tx, m.chatId, caseId, "request"),
    });
  }
  // Cards sent before messages recorded whom they are about: by their name, where not done above.
  for (const c of cases)
    for (const e of await staff.cards(tx, c.id, "request"))
      if (!cardChats.has(`${c.id}:${e.chatId}`)) out.push(e);
  return out;
}

/** The request whose card a message name stands for ("card:12"), if it is one. */
function caseOfRef(ref: string | null): number | null {
  const m = ref === null ? null : /^card:(\d+)$/.exec(ref);
  return m?.[1] === undefined ? null : Number(m[1]);
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
