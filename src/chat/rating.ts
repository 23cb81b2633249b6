import type { Speaker } from "../i18n/speaker.ts";
import type { Button } from "../outbox/write.ts";
import type { ChatContext } from "./context.ts";

/**
 * The customer's rating of a closed case. The ask goes with the "done" or
 * "rejected" notice (src/staff/lifecycle.ts) as five buttons; the first press
 * is kept, so the figures staff see cannot be nudged by pressing again, and a
 * later press only says what was recorded. The thanks offers a button that
 * opens the customer's reply box: their reply to that prompt is the comment
 * (/comment works too). A reply box opened unasked would turn whatever the
 * customer writes next into a comment.
 */

/** The states in which a case may be rated: staff are finished with it. */
const RATEABLE = new Set(["done", "rejected"]);

/** A comment is taken for a rating given within this time. */
const COMMENT_MS = 7 * 24 * 60 * 60 * 1000;

export const MAX_COMMENT = 1000;

/** The comment prompt of a case's rating, by its name in the chat: a reply to it is the comment. */
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
 * A star pressed: recorded once ("rated"). A case that is not the presser's
 * or not closed is "stale", so a forwarded or forged button changes nothing;
 * a second press is "already", answered with the stars that were kept.
 */
export async function rateCase(
  ctx: ChatContext,
  caseId: number,
  stars: number,
): Promise<"rated" | "already" | "stale"> {
  const c = await ctx.tx.refundCase.findUnique({
    where: { id: caseId },
    select: { customerId: true, status: true, rating: { select: { stars: true } } },
  });
  if (c === null || c.customerId !== ctx.user.id || !RATEABLE.has(c.status)) return "stale";
  if (c.rating !== null) {
    ctx.notify("bot:rating.already", { id: caseId, stars: c.rating.stars }, { alert: true });
    return "already";
  }
  await ctx.tx.caseRating.createMany({
    data: [{ caseId, stars, at: ctx.now }],
    skipDuplicates: true,
  });
  ctx.say("bot:rating.thanks", { id: caseId, stars }, [
    [{ text: ctx.t("bot:rating.addComment"), callback: { kind: "comment", caseId } }],
  ]);
  return "rated";
}

/**
 * "Add a comment" pressed: a prompt that opens the reply box, named so that
 * the reply is known as the comment. False (stale) unless the presser rated
 * the case recently.
 */
export async function promptComment(ctx: ChatContext, caseId: number): Promise<boolean> {
  const rated = (await recentRatings(ctx)).some((r) => r.caseId === caseId);
  if (!rated) return false;
  ctx.out.push({
    kind: "message",
    chatId: ctx.chatId,
    text: ctx.t("bot:rating.commentPrompt", { id: caseId }),
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

/**
 * /comment text: the words go with the customer's latest recent rating. The
 * case commented on, or null when nothing was saved.
 */
export async function commentRating(ctx: ChatContext, text: string): Promise<number | null> {
  const [latest] = await recentRatings(ctx);
  if (latest === undefined) {
    ctx.say("bot:rating.nothingToComment");
    return null;
  }
  return saveComment(ctx, latest.caseId, text);
}

/**
 * A text that replies to a comment prompt is the comment on that case.
 * "not a comment" when it replies to anything else (or to a prompt too old to
 * take one): the text is then read as any other.
 */
export async function commentByReply(
  ctx: ChatContext,
  replyTo: number,
  text: string,
): Promise<number | null | "not a comment"> {
  const byRef = new Map((await recentRatings(ctx)).map((r) => [commentRef(r.caseId), r.caseId]));
  if (byRef.size === 0) return "not a comment";
  const prompt = await ctx.tx.outboxMessage.findFirst({
    where: { chatId: ctx.chatId, messageId: BigInt(replyTo), ref: { in: [...byRef.keys()] } },
    select: { ref: true },
  });
  const caseId = prompt?.ref === null || prompt === null ? undefined : byRef.get(prompt.ref);
  if (caseId === undefined) return "not a comment";
  return saveComment(ctx, caseId, text);
}

/** Saves a comment within its limit; a second one replaces the first, and the customer is told which. */
async function saveComment(ctx: ChatContext, caseId: number, text: string): Promise<number | null> {
  const words = text.trim();
  if (words === "") return null;
  if (words.length > MAX_COMMENT) {
    ctx.say("bot:rating.tooLong", { max: MAX_COMMENT });
    return null;
  }
  const before = await ctx.tx.caseRating.findUnique({
    where: { caseId },
    select: { comment: true },
  });
  await ctx.tx.caseRating.update({
    where: { caseId },
    data: { comment: words, commentedAt: ctx.now },
  });
  ctx.say(
    before === null || before.comment === null ? "bot:rating.commented" : "bot:rating.replaced",
    {
      id: caseId,
    },
  );
  return caseId;
}
