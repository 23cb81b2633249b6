import { caseFiles } from "../cases/evidence.ts";
import type { ChatContext } from "../chat/context.ts";
import type { Attachment } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import type { Speaker } from "../i18n/speaker.ts";
import type { Outgoing } from "../outbox/write.ts";
import { type CaseView, cardButtons, cardText, historyLines } from "./card.ts";
import type { StaffDeps } from "./deps.ts";
import { staffSpeakers } from "./notify.ts";
import { nameOf } from "./words.ts";

const PERSON = { id: true, firstName: true, username: true, language: true } as const;

export async function loadView(tx: Tx, caseId: number): Promise<CaseView | null> {
  const c = await tx.refundCase.findUnique({
    where: { id: caseId },
    include: {
      customer: { select: PERSON },
      assignee: { select: PERSON },
      _count: { select: { attachments: true } },
    },
  });
  if (c === null) return null;
  const { customer, assignee, _count, ...row } = c;
  return { case: row, customer, assignee, files: _count.attachments };
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
  const files = await caseFiles(ctx.tx, caseId);
  const actorIds = [
    ...new Set([
      ...events.flatMap((e) => (e.actorId === null ? [] : [e.actorId])),
      ...files.map((f) => f.customerId),
    ]),
  ];
  const people = new Map(
    (await ctx.tx.user.findMany({ where: { id: { in: actorIds } }, select: PERSON })).map((u) => [
      u.id,
      u,
    ]),
  );
  const full = privateChat && v.case.status === "approved" && v.case.assigneeId === ctx.user.id;
  // The log: the transitions and the attachments, in the order they happened.
  const transitions = historyLines(ctx, events, people).map((line, i) => ({
    at: events[i]?.at.getTime() ?? 0,
    line,
  }));
  const attached = files.map((f) => ({
    at: f.createdAt.getTime(),
    line: ctx.t("staff:files.event", {
      at: ctx.date(f.createdAt),
      who: nameOf(people.get(f.customerId) ?? null),
      file: fileLabel(ctx, f),
    }),
  }));
  const log = [...transitions, ...attached].sort((a, b) => a.at - b.at).map((e) => e.line);
  const text = [
    cardText(ctx, v, { fullDetails: full }),
    "",
    ctx.t("staff:card.history"),
    ...log,
  ].join("\n");
  ctx.send(text, cardButtons(ctx, v.case));
  for (const f of files) ctx.out.push(copyOf(ctx.chatId, f));
}

/** A file as staff read it: photo or document, its type and size when Telegram gave them. */
export function fileLabel(s: Speaker, f: Pick<Attachment, "kind" | "mimeType" | "size">): string {
  const kind = s.t(`staff:files.kind.${f.kind}`);
  const parts = [kind];
  if (f.kind === "document" && f.mimeType !== null) parts.push(f.mimeType);
  if (f.size !== null)
    parts.push(s.t("staff:files.kb", { kb: Math.max(1, Math.round(f.size / 1024)) }));
  return parts.join(", ");
}

/** The customer's message that carried a file, copied into a staff chat. */
export function copyOf(chatId: bigint, f: Pick<Attachment, "chatId" | "messageId">): Outgoing {
  return { kind: "copy", chatId, fromChatId: f.chatId, messageId: f.messageId };
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
  const files = v.files > 0 ? await caseFiles(tx, caseId) : [];
  const out: Outgoing[] = [];
  for (const { chatId, s } of await staffSpeakers(tx, deps)) {
    out.push({
      kind: "message",
      chatId,
      text: cardText(s, v, { fresh: true }),
      buttons: cardButtons(s, v.case),
    });
    // The evidence follows its card, one copy per file: copyMessage keeps the
    // customer's caption, and a media group cannot mix photos with documents.
    for (const f of files) out.push(copyOf(chatId, f));
  }
  return out;
}
