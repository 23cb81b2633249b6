import type { ChatContext } from "../chat/context.ts";
import type { CaseStatus } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import { startOfMonth, startOfWeek } from "../deadlines/business-days.ts";

export const STATUSES: readonly CaseStatus[] = [
  "submitted",
  "in_review",
  "needs_info",
  "approved",
  "rejected",
  "done",
  "withdrawn",
];

export interface Stats {
  byState: Record<CaseStatus, number>;
  /** median of submission → decision, over decided cases; null when none */
  medianDecisionMs: number | null;
  /** cases whose deadline fell this week (Monday 00:00 local) before now and was not met */
  missedThisWeek: number;
  /** customers' ratings given this week and this month (the 1st, 00:00 local) */
  ratings: { week: Ratings; month: Ratings };
}

export interface Ratings {
  count: number;
  /** the mean of the stars; null when there are no ratings */
  average: number | null;
  /** how many gave 1, 2, 3, 4 and 5 stars */
  byStars: [number, number, number, number, number];
}

/** The ratings given since `since` (an index on the time keeps this to the period's rows). */
async function ratingsSince(tx: Tx, since: Date): Promise<Ratings> {
  const groups = await tx.caseRating.groupBy({
    by: ["stars"],
    where: { at: { gte: since } },
    _count: { _all: true },
  });
  const byStars: Ratings["byStars"] = [0, 0, 0, 0, 0];
  let sum = 0;
  for (const g of groups) {
    if (g.stars < 1 || g.stars > 5) continue;
    byStars[g.stars - 1] = g._count._all;
    sum += g.stars * g._count._all;
  }
  const count = byStars.reduce((a, b) => a + b, 0);
  return { count, average: count === 0 ? null : sum / count, byStars };
}

/**
 * A deadline is met when what the clause promises happened in time: F2 (payout)
 * asks for a decision, F1 (balance) for the money on the balance (done).
 */
export async function computeStats(tx: Tx, now: Date, timeZone: string): Promise<Stats> {
  const groups = await tx.refundCase.groupBy({ by: ["status"], _count: { _all: true } });
  const byState = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>;
  for (const g of groups) byState[g.status] = g._count._all;

  const [median] = await tx.$queryRaw<{ ms: number | null }[]>`
    SELECT (percentile_cont(0.5) WITHIN GROUP (
      ORDER BY EXTRACT(EPOCH FROM ("decidedAt" - "submittedAt")) * 1000))::float8 AS ms
    FROM "RefundCase" WHERE "decidedAt" IS NOT NULL`;

  const weekStart = startOfWeek(now, timeZone);
  const due = await tx.refundCase.findMany({
    where: { dueAt: { gte: weekStart, lt: now }, status: { not: "withdrawn" } },
    select: {
      kind: true,
      status: true,
      dueAt: true,
      decidedAt: true,
      events: { where: { toStatus: "done" }, select: { at: true } },
    },
  });
  let missed = 0;
  for (const c of due) {
    const metAt =
      c.kind === "payout" || c.status === "rejected" ? c.decidedAt : (c.events[0]?.at ?? null);
    if (metAt === null || metAt > c.dueAt) missed++;
  }
  return {
    byState,
    medianDecisionMs: median?.ms ?? null,
    missedThisWeek: missed,
    ratings: {
      week: await ratingsSince(tx, weekStart),
      month: await ratingsSince(tx, startOfMonth(now, timeZone)),
    },
  };
}

/** /stats */
export async function showStats(ctx: ChatContext, timeZone: string): Promise<void> {
  const s = await computeStats(ctx.tx, ctx.now, timeZone);
  const lines = [ctx.t("staff:stats.header")];
  for (const status of STATUSES) {
    lines.push(
      ctx.t("staff:stats.state", { state: ctx.t(`staff:state.${status}`), n: s.byState[status] }),
    );
  }
  lines.push(
    s.medianDecisionMs === null
      ? ctx.t("staff:stats.noDecisions")
      : ctx.t("staff:stats.median", { hours: oneDecimal(ctx, s.medianDecisionMs / 3_600_000) }),
  );
  lines.push(ctx.t("staff:stats.missed", { n: s.missedThisWeek }));
  lines.push(ratingLine(ctx, "week", s.ratings.week), ratingLine(ctx, "month", s.ratings.month));
  ctx.send(lines.join("\n"));
}

function ratingLine(ctx: ChatContext, period: "week" | "month", r: Ratings): string {
  if (r.average === null) return ctx.t(`staff:stats.noRatings.${period}`);
  const stars = r.byStars
    .map((n, i) => ctx.t("staff:stats.stars", { stars: i + 1, n }))
    .reverse()
    .join(" · ");
  const average = oneDecimal(ctx, r.average);
  return ctx.t(`staff:stats.ratings.${period}`, { average, n: r.count, stars });
}

/** A figure with one decimal, in the reader's notation (12.5 or 12,5). */
function oneDecimal(ctx: ChatContext, n: number): string {
  return new Intl.NumberFormat(ctx.lang, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(n);
}
