import type { ChatContext } from "../chat/context.ts";
import { dataDocument } from "../chat/privacy.ts";
import type { TParams } from "../i18n/index.ts";
import type { Button } from "../outbox/write.ts";
import { requestErasure } from "../privacy/erasure.ts";
import { isAdmin } from "./roles.ts";
import { nameOf } from "./words.ts";

/**
 * An admin exports or erases a customer's data on their request (by mail, by
 * phone). The export goes to the admin's private chat, never to the staff
 * group; erasing asks first, naming who it is, since it cannot be undone.
 * Staff members are not erased this way.
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
  const person = await customer(ctx, userId);
  if (person === null) return;
  const id = String(userId);
  if (op === "forget") {
    const cases = await ctx.tx.refundCase.count({ where: { customerId: userId } });
    const choice = (action: "erase" | "cancel"): Button => ({
      text: ctx.t(`staff:privacy.${action}`),
      callback: { kind: "erase", action, userId },
    });
    aboutThem(
      ctx,
      userId,
      "staff:privacy.forgetAsk",
      { id, name: nameOf(person), cases },
      {
        buttons: [[choice("erase"), choice("cancel")]],
        ref: forgetRef(userId),
      },
    );
    return;
  }
  // From the group the file goes to the admin's private chat, which must exist: Telegram
  // refuses a bot's first message to someone, and "sent" would be untrue. A message that
  // reached them there, and no block since, is the proof.
  if (ctx.chatId !== ctx.user.id) {
    const reached = await ctx.tx.outboxMessage.findFirst({
      where: { chatId: ctx.user.id, status: "sent" },
      select: { id: true },
    });
    if (reached === null || ctx.user.blockedAt !== null) {
      ctx.say("staff:privacy.startPrivate");
      return;
    }
  }
  ctx.out.push({
    ...(await dataDocument(ctx, { id: userId }, ctx.user.id)),
    caption: ctx.t("staff:privacy.exportCaption", { id, date: ctx.date(ctx.now) }),
    about: userId,
  });
  if (ctx.chatId !== ctx.user.id) aboutThem(ctx, userId, "staff:privacy.exported", { id });
}

/**
 * The admin's answer to "erase this customer's data?". The button is staff's,
 * its data anyone's to forge: the role and the person are checked again.
 */
export async function answerErase(
  ctx: ChatContext,
  action: "erase" | "cancel",
  userId: bigint,
): Promise<void> {
  if (!isAdmin(ctx.user)) {
    ctx.notify("staff:privacy.adminsOnly", {}, { alert: true });
    return;
  }
  // The question is answered: its buttons go.
  ctx.out.push({ kind: "unbutton", chatId: ctx.chatId, target: { ref: forgetRef(userId) } });
  if (action === "cancel") {
    ctx.say("staff:privacy.cancelled");
    return;
  }
  if ((await customer(ctx, userId)) === null) return;
  await requestErasure(ctx.tx, userId, ctx.now);
  aboutThem(ctx, userId, "staff:privacy.forgetting", { id: String(userId) });
}

/** The customer with this id; null (and said) when there is none or they are on the team. */
async function customer(ctx: ChatContext, userId: bigint) {
  const id = String(userId);
  const person = await ctx.tx.user.findUnique({ where: { id: userId } });
  if (person === null) ctx.say("staff:privacy.notFound", { id });
  else if (person.role !== "customer") ctx.say("staff:privacy.notCustomer", { id });
  return person?.role === "customer" ? person : null;
}

/** The erase question in a chat: one per person, its buttons removed once answered. */
export function forgetRef(userId: bigint): string {
  return `forget:${userId}`;
}

/** A message to this chat that names the person: erasing them changes it too. */
function aboutThem(
  ctx: ChatContext,
  userId: bigint,
  key: string,
  params: TParams,
  more: { buttons?: Button[][]; ref?: string } = {},
): void {
  ctx.out.push({
    kind: "message",
    chatId: ctx.chatId,
    text: ctx.t(key, params),
    about: userId,
    ...more,
  });
}
