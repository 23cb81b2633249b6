import type { ChatContext } from "../chat/context.ts";
import type { Tx } from "../database/open.ts";
import { createSpeaker } from "../i18n/speaker.ts";
import type { Outgoing } from "../outbox/write.ts";
import { type CaseView, cardButtons, cardText, historyLines } from "./card.ts";
import type { StaffDeps } from "./deps.ts";
import { caseNotes, noteLines } from "./notes.ts";
import { staffSpeakers } from "./notify.ts";

/** A case's card is one message per staff chat, named so that every change edits it. */
export function cardRef(caseId: number): string {
  return `card:${caseId}`;
}

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
 * /case N: the card, then the audit log, as the chat's card of the case. The payout details are shown in full
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
  // This becomes the chat's card, kept current from now on; the copy before it keeps its
  // text and loses its buttons, so no chat has two live cards of one case.
  const ref = cardRef(caseId);
  const held = await ctx.tx.outboxMessage.findFirst({
    where: { ref, chatId: ctx.chatId },
    select: { id: true },
  });
  if (held !== null) ctx.out.push({ kind: "unbutton", chatId: ctx.chatId, target: { ref } });
  ctx.out.push({
    kind: "message",
    chatId: ctx.chatId,
    text,
    buttons: cardButtons(ctx, v.case),
    ref,
  });
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
      ref: cardRef(caseId),
    });
  }
  return out;
}

/**
 * The case's cards as its state now is, edited in place in every chat that
 * holds one: state, who holds it, deadline and only the buttons valid now. A
 * chat that is no longer a staff chat keeps the card without buttons. When no
 * chat holds one (its messages have aged out of the outbox), a change of state
 * posts the card anew (`missing: "post"`); a refusal changes nothing.
 */
export async function cardEdits(
  tx: Tx,
  deps: StaffDeps,
  caseId: number,
  missing: "post" | "skip",
): Promise<Outgoing[]> {
  const v = await loadView(tx, caseId);
  if (v === null) return [];
  const ref = cardRef(caseId);
  const holders = await tx.outboxMessage.findMany({
    where: { ref },
    distinct: ["chatId"],
    select: { chatId: true },
  });
  if (holders.length === 0) return missing === "post" ? newCaseCards(tx, deps, caseId) : [];
  const staff = new Map((await staffSpeakers(tx, deps)).map((d) => [d.chatId, d.s]));
  const outsider = createSpeaker(deps.i18n, deps.config.defaultLanguage, deps.config.timeZone);
  return holders.map(({ chatId }): Outgoing => {
    const s = staff.get(chatId);
    return {
      kind: "edit",
      chatId,
      target: { ref },
      text: cardText(s ?? outsider, v),
      ...(s === undefined ? {} : { buttons: cardButtons(s, v.case) }),
    };
  });
}
