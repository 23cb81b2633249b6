import type { ChatContext } from "../chat/context.ts";
import { dataDocument } from "../chat/privacy.ts";
import { requestErasure } from "../privacy/erasure.ts";
import { isAdmin } from "./roles.ts";

/**
 * An admin exports or erases a customer's data on their request (by mail, by
 * phone). The export goes to the admin's private chat, never to the staff
 * group; staff members are not erased this way.
 */
export async function personsData(
  ctx: ChatContext,
  op: "export" | "forget",
  userId: bigint,
): Promise<void> {
  if (!isAdmin(ctx.user)) {
    ctx.say("staff:privacy.adminsOnly");
    return;
  }
  const id = String(userId);
  const person = await ctx.tx.user.findUnique({ where: { id: userId }, select: { role: true } });
  if (person === null) {
    ctx.say("staff:privacy.notFound", { id });
    return;
  }
  if (person.role !== "customer") {
    ctx.say("staff:privacy.notCustomer", { id });
    return;
  }
  if (op === "forget") {
    await requestErasure(ctx.tx, userId, ctx.now);
    ctx.say("staff:privacy.forgetting", { id });
    return;
  }
  ctx.out.push({
    ...(await dataDocument(ctx, { id: userId }, ctx.user.id)),
    about: userId,
    caption: ctx.t("staff:privacy.exportCaption", { id, date: ctx.date(ctx.now) }),
  });
  if (ctx.chatId !== ctx.user.id) ctx.say("staff:privacy.exported", { id });
}
