import type { ChatContext } from "../chat/context.ts";
import type { CaseNote, User } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import type { Speaker } from "../i18n/speaker.ts";
import { nameOf } from "./words.ts";

/**
 * Internal notes: staff's words on a case for each other (/note N text). They
 * live in their own table, beside the case's audit log, and show on /case N;
 * nothing sent to the customer reads them. The customer's /mydata export does
 * include them (src/privacy/personal-data.ts): what staff write about a person
 * is that person's data, which the right of access covers.
 */
export async function addNote(ctx: ChatContext, caseId: number, text: string): Promise<void> {
  const c = await ctx.tx.refundCase.findUnique({
    where: { id: caseId },
    select: { customerId: true },
  });
  if (c === null) {
    ctx.say("staff:refusal.notFound", { id: caseId });
    return;
  }
  await ctx.tx.caseNote.create({ data: { caseId, authorId: ctx.user.id, at: ctx.now, text } });
  // About the customer: erasing them takes the confirmation with their case's other traces.
  ctx.out.push({
    kind: "message",
    chatId: ctx.chatId,
    text: ctx.t("staff:notes.added", { id: caseId }),
    about: c.customerId,
  });
}

export function caseNotes(tx: Tx, caseId: number): Promise<CaseNote[]> {
  return tx.caseNote.findMany({ where: { caseId }, orderBy: { id: "asc" } });
}

/** The notes as lines under their heading, oldest first; nothing when there are none. */
export function noteLines(
  s: Speaker,
  notes: readonly CaseNote[],
  people: ReadonlyMap<bigint, Pick<User, "id" | "firstName" | "username">>,
): string[] {
  if (notes.length === 0) return [];
  return [
    "",
    s.t("staff:notes.heading"),
    ...notes.map((n) =>
      s.t("staff:notes.line", {
        at: s.date(n.at),
        who: nameOf(people.get(n.authorId) ?? null),
        text: n.text,
      }),
    ),
  ];
}
