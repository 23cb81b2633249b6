import { caseFiles } from "../cases/evidence.ts";
import type { ChatContext } from "../chat/context.ts";
import type { Attachment, RefundCase } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import { createSpeaker, type Speaker } from "../i18n/speaker.ts";
import { MAX_MESSAGE_LENGTH, type Outgoing } from "../outbox/write.ts";
import type { StaffChats, Why } from "../privacy/erasure.ts";
import { type CaseView, cardButtons, cardText, historyLines } from "./card.ts";
import type { StaffDeps } from "./deps.ts";
import { caseNotes, noteLines } from "./notes.ts";
import { groupSpeaker, staffChatSpeakers, staffSpeakers } from "./notify.ts";
import { forgetRef } from "./privacy.ts";
import { nameOf } from "./words.ts";

/** How every case card's name begins. */
export const CARD_REF = "card:";

/** A case's card is one message per staff chat, named so that every change edits it. */
export function cardRef(caseId: number): string {
  return `${CARD_REF}${caseId}`;
}

const PERSON = { id: true, firstName: true, username: true, language: true } as const;

/** An /approve waiting for its D3 confirmation (src/staff/desk.ts): its note, and when it was asked. */
export interface ApprovalPrompt {
  note: string | null;
  at: Date;
}

/** A case as staff see it, with the chats that hold its card (to be edited when it changes). */
export interface HeldView extends CaseView {
  holders: bigint[];
  /** the /approve note of the staff member it was read for (`loadView`'s `promptOf`) waiting for its D3 confirmation, if any */
  prompt: ApprovalPrompt | null;
}

interface ViewRow extends RefundCase {
  cu_firstName: string | null;
  cu_username: string | null;
  cu_language: string | null;
  as_firstName: string | null;
  as_username: string | null;
  files: number;
  rt_stars: number | null;
  rt_comment: string | null;
  holders: bigint[];
  sp_note: string | null;
  sp_at: Date | null;
}

/**
 * The case with its people, files, rating and card holders (each named
 * message's chats in the outbox), and the /approve prompt of `promptOf` for it in their chat
 * when given, in one statement.
 */
export async function loadView(
  tx: Tx,
  caseId: number,
  promptOf?: { userId: bigint; chatId: bigint },
): Promise<HeldView | null> {
  const [r] = await tx.$queryRaw<ViewRow[]>`
    SELECT rc.*,
      cu."firstName" AS "cu_firstName", cu."username" AS "cu_username", cu."language" AS "cu_language",
      a."firstName" AS "as_firstName", a."username" AS "as_username",
      (SELECT count(*) FROM "Attachment" f WHERE f."caseId" = rc."id")::int AS "files",
      rt."stars" AS "rt_stars", rt."comment" AS "rt_comment",
      ARRAY(SELECT DISTINCT o."chatId" FROM "OutboxMessage" o
             WHERE o."ref" = ${cardRef(caseId)}) AS "holders",
      sp."note" AS "sp_note", sp."at" AS "sp_at"
    FROM "RefundCase" rc
    JOIN "User" cu ON cu."id" = rc."customerId"
    LEFT JOIN "User" a ON a."id" = rc."assigneeId"
    LEFT JOIN "CaseRating" rt ON rt."caseId" = rc."id"
    LEFT JOIN "StaffPrompt" sp
      ON sp."userId" = ${promptOf?.userId ?? null}::bigint
     AND sp."chatId" = ${promptOf?.chatId ?? null}::bigint AND sp."caseId" = rc."id"
     AND sp."action" = 'approve'
    WHERE rc."id" = ${caseId}`;
  if (r === undefined) return null;
  const {
    cu_firstName,
    cu_username,
    cu_language,
    as_firstName,
    as_username,
    files,
    rt_stars,
    rt_comment,
    holders,
    sp_note,
    sp_at,
    ...row
  } = r;
  return {
    case: row,
    customer: {
      id: row.customerId,
      firstName: cu_firstName,
      username: cu_username,
      language: cu_language,
    },
    assignee:
      row.assigneeId === null
        ? null
        : { id: row.assigneeId, firstName: as_firstName, username: as_username },
    files,
    rating: rt_stars === null ? null : { stars: rt_stars, comment: rt_comment },
    holders,
    prompt: sp_at === null ? null : { note: sp_note, at: sp_at },
  };
}

/**
 * /case N: the card, then the audit log, as the chat's card of the case. The payout details are shown in full
 * only to the staff member who holds an approved payout case, in a private
 * chat: they are the one who pays it out.
 */
export async function showCase(
  ctx: ChatContext,
  deps: Pick<StaffDeps, "config" | "i18n">,
  caseId: number,
  privateChat: boolean,
): Promise<void> {
  const v = await loadView(ctx.tx, caseId);
  if (v === null) {
    // A press (a forged Open button) is refused by pop-up: the chat gains no message.
    ctx.notify("staff:refusal.notFound", { id: caseId }, { alert: true });
    return;
  }
  const events = await ctx.tx.caseEvent.findMany({ where: { caseId }, orderBy: { id: "asc" } });
  const files = await caseFiles(ctx.tx, caseId);
  const notes = await caseNotes(ctx.tx, caseId);
  const actorIds = [
    ...new Set([
      ...events.flatMap((e) => (e.actorId === null ? [] : [e.actorId])),
      ...files.map((f) => f.customerId),
      ...notes.map((n) => n.authorId),
    ]),
  ];
  const people = new Map(
    (await ctx.tx.user.findMany({ where: { id: { in: actorIds } }, select: PERSON })).map((u) => [
      u.id,
      u,
    ]),
  );
  // The group's card is the whole group's, edited by everyone's actions: in the group's language.
  const s = privateChat ? ctx : groupSpeaker(deps);
  const full = privateChat && v.case.status === "approved" && v.case.assigneeId === ctx.user.id;
  // The log: the transitions and the attachments, in the order they happened.
  const transitions = historyLines(s, events, people).map((line, i) => ({
    at: events[i]?.at.getTime() ?? 0,
    line,
  }));
  const attached = files.map((f) => ({
    at: f.createdAt.getTime(),
    line: s.t("staff:files.event", {
      at: s.date(f.createdAt),
      who: nameOf(people.get(f.customerId) ?? null),
      file: fileLabel(s, f),
    }),
  }));
  const log = [...transitions, ...attached].sort((a, b) => a.at - b.at).map((e) => e.line);
  const text = caseMessage(
    cardText(s, v, { fullDetails: full }),
    s.t("staff:card.history"),
    log,
    noteLines(s, notes, people),
  );
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
    // The files are a button away: opening a case again must not post them all again.
    buttons: cardButtons(s, v.case, v.files),
    ref,
    about: v.case.customerId,
  });
}

/** The case's files, copied into this chat (its card's "Show files" button). */
export async function showFiles(ctx: ChatContext, caseId: number): Promise<void> {
  const files = await caseFiles(ctx.tx, caseId);
  if (files.length === 0) ctx.notify("staff:files.none", { id: caseId }, { alert: true });
  for (const f of files) ctx.out.push(copyOf(ctx.chatId, f));
}

/**
 * The card, the log and the notes in one message within Telegram's limit: a
 * long history loses its oldest lines (shown as "…"), never the card or the
 * notes, which are the newest things staff wrote.
 */
export function caseMessage(card: string, heading: string, log: string[], notes: string[]): string {
  const join = (lines: string[]) => [card, "", heading, ...lines, ...notes].join("\n");
  let kept = log;
  while (kept.length > 1 && join(kept).length > MAX_MESSAGE_LENGTH) kept = ["…", ...kept.slice(2)];
  return join(kept);
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

/** The customer's message that carried a file, copied into a staff chat (about them). */
export function copyOf(
  chatId: bigint,
  f: Pick<Attachment, "chatId" | "messageId" | "customerId">,
): Outgoing {
  return {
    kind: "copy",
    chatId,
    fromChatId: f.chatId,
    messageId: f.messageId,
    about: f.customerId,
  };
}

/**
 * A case's card posted anew, with its files, to the staff chat, or to each
 * staff member's private chat (each in their language) when no staff group
 * is configured: for a new case (written with the case, by the submitting
 * update's write), or for one whose cards have aged out of the outbox. The
 * sender paces a group to Telegram's ~20 messages a minute.
 */
export async function newCaseCards(
  tx: Tx,
  deps: StaffDeps,
  /** the case as the caller has it (read, or as its move or submission leaves it) */
  v: CaseView,
  /** its files, when the caller has them */
  known?: readonly Attachment[],
): Promise<Outgoing[]> {
  const caseId = v.case.id;
  const files = known ?? (v.files > 0 ? await caseFiles(tx, caseId) : []);
  const out: Outgoing[] = [];
  for (const { chatId, s } of await staffSpeakers(tx, deps)) {
    out.push({
      kind: "message",
      chatId,
      text: cardText(s, v, { fresh: true }),
      buttons: cardButtons(s, v.case, v.files),
      ref: cardRef(caseId),
      about: v.case.customerId,
    });
    // The evidence follows its card, one copy per file: copyMessage keeps the
    // customer's caption, and a media group cannot mix photos with documents.
    for (const f of files) out.push(copyOf(chatId, f));
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
  /** the case as the caller has it: just read, or as its move leaves it (spares reading it again) */
  view?: HeldView,
): Promise<Outgoing[]> {
  const v = view ?? (await loadView(tx, caseId));
  if (v === null) return [];
  const ref = cardRef(caseId);
  if (v.holders.length === 0) return missing === "post" ? newCaseCards(tx, deps, v) : [];
  const staff = await staffChatSpeakers(tx, deps, v.holders);
  const outsider = createSpeaker(deps.i18n, deps.config.defaultLanguage, deps.config.timeZone);
  return v.holders.map((chatId): Outgoing => {
    const s = staff.get(chatId);
    return {
      kind: "edit",
      chatId,
      target: { ref },
      text: cardText(s ?? outsider, v),
      ...(s === undefined ? {} : { buttons: cardButtons(s, v.case, v.files) }),
      about: v.case.customerId,
    };
  });
}

/** The chats that hold a case's card (each named message's chats in the outbox). */
function cardHolders(tx: Tx, ref: string): Promise<{ chatId: bigint }[]> {
  return tx.outboxMessage.findMany({
    where: { ref },
    distinct: ["chatId"],
    select: { chatId: true },
  });
}

/**
 * What the staff chats show once a customer's data is erased (src/privacy/erasure.ts):
 * a request's cards become its number, kind, clauses, amount and state, with no
 * buttons and nothing about the person; any other message about them one line
 * saying so. Each in the chat's language (a staff member's private chat, or the
 * group's), the default for a chat that is no longer a staff chat.
 */
export function erasedStaffChats(deps: StaffDeps): StaffChats {
  async function speakerOf(tx: Tx, chatId: bigint): Promise<Speaker> {
    const staff = (await staffChatSpeakers(tx, deps, [chatId])).get(chatId);
    return staff ?? createSpeaker(deps.i18n, deps.config.defaultLanguage, deps.config.timeZone);
  }
  return {
    async erasedText(tx, chatId, caseId, why) {
      const s = await speakerOf(tx, chatId);
      const c = caseId === null ? null : await tx.refundCase.findUnique({ where: { id: caseId } });
      return c === null ? s.t(ERASED_LINE[why]) : erasedCardText(s, c, why);
    },
    async cards(tx, caseId, why) {
      const c = await tx.refundCase.findUnique({ where: { id: caseId } });
      if (c === null) return [];
      const ref = cardRef(caseId);
      const out: Outgoing[] = [];
      for (const { chatId } of await cardHolders(tx, ref))
        out.push({
          kind: "edit",
          chatId,
          target: { ref },
          text: erasedCardText(await speakerOf(tx, chatId), c, why),
        });
      return out;
    },
    refsNaming: (userId) => [forgetRef(userId)],
  };
}

const ERASED_LINE: Record<Why, string> = {
  request: "staff:card.erased",
  retention: "staff:card.retained",
};

function erasedCardText(s: Speaker, c: RefundCase, why: Why): string {
  return [
    s.t("staff:card.title", { id: c.id, kind: s.t(`staff:card.kind.${c.kind}`) }),
    s.t("staff:card.clauses", { clauses: c.clauses.join(", ") }),
    s.t("staff:card.amount", { amount: s.money(c.amount, c.currency) }),
    s.t("staff:card.state", { state: s.t(`staff:state.${c.status}`) }),
    s.t(ERASED_LINE[why]),
  ].join("\n");
}
