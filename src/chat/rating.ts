import type { Speaker } from "../i18n/speaker.ts";
import type { Button } from "../outbox/write.ts";
import type { ChatContext } from "./context.ts";

/**
 * The customer's rating of a closed case. The ask goes with the "done" or
 * "rejected" notice (src/staff/lifecycle.ts) as five buttons; the first press
 * is kept, so the figures staff see cannot be nudged by pressing again, and a
 * later press only says what was recorded. A comment follows with /comment.
 */

/** The states in which a case may be rated: staff are finished with it. */
const RATEABLE = new Set(["done", "rejected"]);

/** A comment is taken for the latest rating given within this time. */
const COMMENT_MS = 7 * 24 * 60 * 60 * 1000;

export const MAX_COMMENT = 1000;

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
  ctx.say("bot:rating.thanks", { id: caseId, stars });
  return true;
}

/** /comment text: the words go with the customer's latest recent rating; a second comment replaces the first. */
export async function commentRating(ctx: ChatContext, text: string): Promise<void> {
  const r = await ctx.tx.caseRating.findFirst({
    where: {
      case: { customerId: ctx.user.id },
      at: { gt: new Date(ctx.now.getTime() - COMMENT_MS) },
    },
    orderBy: { at: "desc" },
    select: { caseId: true },
  });
  if (r === null) {
    ctx.say("bot:rating.nothingToComment");
    return;
  }
  await ctx.tx.caseRating.update({
    where: { caseId: r.caseId },
    data: { comment: text, commentedAt: ctx.now },
  });
  ctx.say("bot:rating.commented", { id: r.caseId });
}
