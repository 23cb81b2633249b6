import type { ChatContext } from "../chat/context.ts";

/** Whether case `caseId` exists; when not, the staff member is told so. */
export async function caseExists(ctx: ChatContext, caseId: number): Promise<boolean> {
  const c = await ctx.tx.refundCase.findUnique({ where: { id: caseId }, select: { id: true } });
  if (c === null) ctx.say("staff:refusal.notFound", { id: caseId });
  return c !== null;
}
