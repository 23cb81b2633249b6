import type { ChatContext } from "../chat/context.ts";
import type { StaffDeps } from "./deps.ts";
import { staffSpeakers } from "./notify.ts";
import { cardEdits } from "./show-case.ts";

/** Ratings at or below this are brought to staff's attention, not only counted in /stats. */
const LOW_STARS = 3;

/**
 * A customer rated a closed case or commented on their rating: the case's
 * cards show it, and staff are told of a low rating or of any comment — the
 * customer was told their words reached the team.
 */
export async function ratingChanged(
  ctx: ChatContext,
  deps: StaffDeps,
  caseId: number,
  what: "stars" | "comment",
): Promise<void> {
  ctx.out.push(...(await cardEdits(ctx.tx, deps, caseId, "skip")));
  const r = await ctx.tx.caseRating.findUnique({
    where: { caseId },
    select: { stars: true, comment: true, case: { select: { customerId: true } } },
  });
  if (r === null) return;
  const comment = what === "comment" ? r.comment : null;
  if (comment === null && r.stars > LOW_STARS) return;
  for (const { chatId, s } of await staffSpeakers(ctx.tx, deps)) {
    ctx.out.push({
      kind: "message",
      chatId,
      // Erasing the customer finds this notice by them: it may quote their words.
      about: r.case.customerId,
      text:
        comment === null
          ? s.t("staff:rating.low", { id: caseId, stars: r.stars })
          : s.t("staff:rating.comment", { id: caseId, stars: r.stars, comment }),
    });
  }
}
