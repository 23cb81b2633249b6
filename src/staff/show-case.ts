import type { ChatContext } from "../chat/context.ts";
import type { Tx } from "../database/open.ts";
import type { Outgoing } from "../outbox/write.ts";
import { type CaseView, cardButtons, cardText, historyLines } from "./card.ts";
import type { StaffDeps } from "./deps.ts";
import { caseNotes, noteLines } from "./notes.ts";
import { staffSpeakers } from "./notify.ts";

const PERSON = { id: true, firstName: true, username: true, language: true } as const;

export async function loadView(tx: Tx, caseId: number): Promise<CaseView | null> {
  const c = await tx.refundCase.findUnique({
    where: { id: caseId },
    include: { customer: { select: PERSON }, assignee: { select: PERSON } },
  });
  if (c === null) return null;
  const { customer, assignee, ...row } = c;
  return { case: row, customer, assignee };
}

/**
 * /case N: the card, then the audit log. The payout details are shown in full
 * only to the staff member who holds an approved payout case, in a private
 * chat: they are the one who pays it out.
 */
export async function showCase(
  ctx: ChatContext,
  caseId: number,
  privateChat: boolean,
): Promise<void> {
  const v = await loadView(ctx.tx, caseId);
  if (v === null) {
    ctx.say("staff:refusal.notFound", { id: caseId });
    return;
  }
  const events = await ctx.tx.caseEvent.findMany({ where: { caseId }, orderBy: { id: "asc" } });
  const notes = await caseNotes(ctx.tx, caseId);
  const actorIds = [
    ...new Set([
      ...events.flatMap((e) => (e.actorId === null ? [] : [e.actorId])),
      ...notes.map((n) => n.authorId),
    ]),
  ];
  const people = new Map(
    (await ctx.tx.user.findMany({ where: { id: { in: actorIds } }, select: PERSON })).map((u) => [
      u.id,
      u,
    ]),
  );
  const full = privateChat && v.case.status === "approved" && v.case.assigneeId === ctx.user.id;
  const text = [
    cardText(ctx, v, { fullDetails: full }),
    "",
    ctx.t("staff:card.history"),
    ...historyLines(ctx, events, people),
    ...noteLines(ctx, notes, people),
  ].join("\n");
  ctx.send(text, cardButtons(ctx, v.case));
}

/**
 * A new case's card for the staff chat, or for each staff member's private
 * chat (each in their language) when no staff group is configured. Written to
 * the outbox in the submitting step's transaction; the sender paces a group
 * to Telegram's ~20 messages a minute.
 */
export async function newCaseCards(tx: Tx, deps: StaffDeps, caseId: number): Promise<Outgoing[]> {
  const v = await loadView(tx, caseId);
  if (v === null) return [];
  const out: Outgoing[] = [];
  for (const { chatId, s } of await staffSpeakers(tx, deps)) {
    out.push({
      kind: "message",
      chatId,
      text: cardText(s, v, { fresh: true }),
      buttons: cardButtons(s, v.case),
    });
  }
  return out;
}
