import type { Speaker } from "../i18n/speaker.ts";
import type { Button } from "../outbox/write.ts";
import type { ChatContext } from "./context.ts";

/**
 * The customer's rating of a closed case. The ask goes with the "done" or
 * "rejected" notice (src/staff/lifecycle.ts) as five buttons; the first press
 * is kept, so the figures staff see cannot be nudged by pressing again, and a
 * later press only says what was recorded. The thanks opens the customer's
 * reply box: their reply to it is the comment (/comment works too).
 */

/** The states in which a case may be rated: staff are finished with it. */
const RATEABLE = new Set(["done", "rejected"]);

/** A comment is taken for a rating given within this time. */
const COMMENT_MS = 7 * 24 * 60 * 60 * 1000;

export const MAX_COMMENT = 1000;

/** The thanks for a case's rating, by its name in the chat: a reply to it is the comment. */
function commentRef(caseId: number): string {
  return `comment:${caseId}`;
}

/** The question and its five stars, in the customer's language. */
export function ratingAsk(s: Speaker, caseId: number): { text: string; buttons: Button[][] } {
  return {
    text: s.t("bot:rating.ask", { id: caseId }),
    buttons: [
      [1, 2, 3, 4, 5].map((stars) => ({
        text: s.t("bot:rating.star", { stars }),
        callback: { kind: "rate", caseId, stars },
      })),
    ],
  };
}

/**
 * A star pressed: recorded once. False (a stale button) when the case is not
 * the presser's or not closed, so a forwarded or forged button changes nothing.
 */
export async function rateCase(ctx: ChatContext, caseId: number, stars: number): Promise<boolean> {
  const c = await ctx.tx.refundCase.findUnique({
    where: { id: caseId },
    select: { customerId: true, status: true, rating: { select: { stars: true } } },
  });
  if (c === null || c.customerId !== ctx.user.id || !RATEABLE.has(c.status)) return false;
  if (c.rating !== null) {
    ctx.say("bot:rating.already", { id: caseId, stars: c.rating.stars });
    return true;
  }
  await ctx.tx.caseRating.createMany({
    data: [{ caseId, stars, at: ctx.now }],
    skipDuplicates: true,
  });
  ctx.out.push({
    kind: "message",
    chatId: ctx.chatId,
    text: ctx.t("bot:rating.thanks", { id: caseId, stars }),
    ref: commentRef(caseId),
    forceReply: { placeholder: ctx.t("bot:rating.placeholder") },
  });
  return true;
}

/** The customer's ratings that may still take a comment, newest first. */
function recentRatings(ctx: ChatContext) {
  return ctx.tx.caseRating.findMany({
    where: {
      case: { customerId: ctx.user.id },
      at: { gt: new Date(ctx.now.getTime() - COMMENT_MS) },
    },
    orderBy: { at: "desc" },
    select: { caseId: true },
  });
}

/** /comment text: the words go with the customer's latest recent rating; a second comment replaces the first. */
export async function commentRating(ctx: ChatContext, text: string): Promise<void> {
  const [latest] = await recentRatings(ctx);
  if (latest === undefined) {
    ctx.say("bot:rating.nothingToComment");
    return;
  }
  await saveComment(ctx, latest.caseId, text);
}

/**
 * A text that replies to a rating's thanks is the comment on that case.
 * False when it replies to anything else (or to a thanks too old to take
 * one): the text is then read as any other.
 */
export async function commentByReply(
  ctx: ChatContext,
  replyTo: number,
  text: string,
): Promise<boolean> {
  const byRef = new Map((await recentRatings(ctx)).map((r) => [commentRef(r.caseId), r.caseId]));
  if (byRef.size === 0) return false;
  const thanks = await ctx.tx.outboxMessage.findFirst({
    where: { chatId: ctx.chatId, messageId: BigInt(replyTo), ref: { in: [...byRef.keys()] } },
    select: { ref: true },
  });
  const caseId = thanks?.ref === null || thanks === null ? undefined : byRef.get(thanks.ref);
  if (caseId === undefined) return false;
  const words = text.trim();
  if (words.length > MAX_COMMENT) ctx.say("bot:rating.tooLong", { max: MAX_COMMENT });
  else if (words !== "") await saveComment(ctx, caseId, words);
  return true;
}

async function saveComment(ctx: ChatContext, caseId: number, text: string): Promise<void> {
  await ctx.tx.caseRating.update({
    where: { caseId },
    data: { comment: text, commentedAt: ctx.now },
  });
  ctx.say("bot:rating.commented", { id: caseId });
}
