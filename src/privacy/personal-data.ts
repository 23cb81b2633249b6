import type { PayoutDetails } from "../../machines/refund/flow.ts";
import { maskDetails } from "../../machines/refund/mask.ts";
import type { Tx } from "../database/open.ts";

/**
 * Everything the bot holds about one person, as the JSON document `/mydata`
 * sends them (the right of access): their profile, the conversation in
 * progress, their requests with each step of their history, the decisions
 * the bot recorded, and their questions for a person. Payout details are
 * masked here as everywhere else; staff members are named by their role, not
 * by who they are. Staff's internal notes on a request are included: what
 * staff write about a person is that person's data, which the right of
 * access covers, and notes are written knowing it.
 */
export interface PersonalData {
  exportedAt: string;
  user: {
    id: string;
    language: string | null;
    firstName: string | null;
    username: string | null;
    firstContact: string;
  } | null;
  conversation: {
    startedAt: string;
    lastActivityAt: string;
    answers: Record<string, string>;
  } | null;
  requests: {
    id: number;
    status: string;
    refund: string;
    clauses: string[];
    service: string;
    account: string;
    numberOrOrder: string;
    amount: string;
    currency: string;
    comment: string | null;
    payoutMethod: string | null;
    payoutDetails: string | null;
    submittedAt: string;
    dueAt: string;
    decidedAt: string | null;
    history: {
      at: string;
      from: string | null;
      to: string;
      by: "you" | "staff" | "the bot";
      note: string | null;
    }[];
    staffNotes: { at: string; note: string }[];
    rating: { stars: number; comment: string | null; at: string } | null;
  }[];
  decisions: { at: string; outcome: string; clauses: string[] }[];
  /** photos and files sent as evidence: to a request (its id), or to the one in progress (null) */
  files: {
    request: number | null;
    kind: string;
    type: string | null;
    bytes: number | null;
    sentAt: string;
    telegramFileId: string;
  }[];
  questionsForAPerson: {
    id: number;
    status: string;
    question: string | null;
    askedAt: string;
    answeredAt: string | null;
  }[];
}

/** Answers typed in a conversation that are shown masked (the payout details). */
const MASKED_ANSWERS = new Set(["details"]);

export async function personalData(db: Tx, userId: bigint, now: Date): Promise<PersonalData> {
  const [user, conversation, cases, decisions, files, handoffs] = await Promise.all([
    db.user.findUnique({ where: { id: userId } }),
    db.conversation.findFirst({ where: { userId } }),
    db.refundCase.findMany({
      where: { customerId: userId },
      orderBy: { id: "asc" },
      include: {
        events: { orderBy: { id: "asc" } },
        notes: { orderBy: { id: "asc" } },
        rating: true,
      },
    }),
    db.decision.findMany({ where: { userId }, orderBy: { id: "asc" } }),
    db.attachment.findMany({ where: { customerId: userId }, orderBy: { id: "asc" } }),
    db.handoff.findMany({ where: { customerId: userId }, orderBy: { id: "asc" } }),
  ]);
  return {
    exportedAt: now.toISOString(),
    user:
      user === null
        ? null
        : {
            id: String(user.id),
            language: user.language,
            firstName: user.firstName,
            username: user.username,
            firstContact: user.createdAt.toISOString(),
          },
    conversation:
      conversation === null
        ? null
        : {
            startedAt: conversation.createdAt.toISOString(),
            lastActivityAt: conversation.lastActivityAt.toISOString(),
            answers: answersOf(conversation.snapshot),
          },
    requests: cases.map((c) => ({
      id: c.id,
      status: c.status,
      refund: c.kind,
      clauses: c.clauses,
      service: c.service,
      account: c.accountId,
      numberOrOrder: c.serviceRef,
      amount: c.amount.toString(),
      currency: c.currency,
      comment: c.comment,
      payoutMethod: c.payoutMethod,
      payoutDetails: masked(c.payoutDetails),
      submittedAt: c.submittedAt.toISOString(),
      dueAt: c.dueAt.toISOString(),
      decidedAt: c.decidedAt?.toISOString() ?? null,
      history: c.events.map((e) => ({
        at: e.at.toISOString(),
        from: e.fromStatus,
        to: e.toStatus,
        by: e.actorId === null ? "the bot" : e.actorId === userId ? "you" : "staff",
        note: e.note,
      })),
      staffNotes: c.notes.map((n) => ({ at: n.at.toISOString(), note: n.text })),
      rating:
        c.rating === null
          ? null
          : { stars: c.rating.stars, comment: c.rating.comment, at: c.rating.at.toISOString() },
    })),
    decisions: decisions.map((d) => ({
      at: d.at.toISOString(),
      outcome: d.outcome,
      clauses: d.clauses,
    })),
    files: files.map((f) => ({
      request: f.caseId,
      kind: f.kind,
      type: f.mimeType,
      bytes: f.size,
      sentAt: f.createdAt.toISOString(),
      telegramFileId: f.fileId,
    })),
    questionsForAPerson: handoffs.map((h) => ({
      id: h.id,
      status: h.status,
      question: h.question,
      askedAt: h.createdAt.toISOString(),
      answeredAt: h.answeredAt?.toISOString() ?? null,
    })),
  };
}

function masked(stored: string | null): string | null {
  if (stored === null) return null;
  try {
    return maskDetails(JSON.parse(stored) as PayoutDetails);
  } catch {
    return "•••";
  }
}

/** The answers a stored conversation holds (its persisted machine snapshot), the payout details masked. */
function answersOf(stored: unknown): Record<string, string> {
  const answers = (stored as { snapshot?: { context?: { answers?: unknown } } } | null)?.snapshot
    ?.context?.answers;
  if (answers === null || typeof answers !== "object") return {};
  return Object.fromEntries(
    Object.entries(answers as Record<string, unknown>)
      .filter((e): e is [string, string] => typeof e[1] === "string")
      .map(([k, v]) => [k, MASKED_ANSWERS.has(k) ? "•••" : v]),
  );
}
