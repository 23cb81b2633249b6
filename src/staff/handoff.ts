import type { Outcome } from "../../machines/refund/flow.ts";
import type { ChatContext } from "../chat/context.ts";
import { sayWhenStaffAreBack } from "../chat/staff-away.ts";
import type { Handoff } from "../database/generated/client.ts";
import type { Tx } from "../database/open.ts";
import type { Speaker } from "../i18n/speaker.ts";
import type { Outgoing } from "../outbox/write.ts";
import type { StaffDeps } from "./deps.ts";
import { customerSpeaker, staffSpeakers } from "./notify.ts";
import { nameOf } from "./words.ts";

/**
 * Hand-off to a person. The customer asks for a person (the
 * menu button, an FAQ "handoff" match, or the refund conversation's "talk to
 * a person"); their question goes to the staff chat as a numbered request;
 * staff answer with `/reply <n> text`, and the answer reaches the customer
 * through the outbox.
 */

/** How long the bot waits for the question after "Talk to a person". */
const AWAIT_MS = 24 * 60 * 60 * 1000;

/** The customer asked for a person: their next message is the question. */
export async function requestHuman(ctx: ChatContext, origin: "menu" | "faq"): Promise<void> {
  // One waiting request per customer: asking twice does not make two.
  await ctx.tx.handoff.deleteMany({ where: { customerId: ctx.user.id, status: "awaiting" } });
  await ctx.tx.handoff.create({
    data: { customerId: ctx.user.id, chatId: ctx.chatId, origin, createdAt: ctx.now },
  });
  ctx.say("bot:human.prompt");
}

/** Takes the customer's message as the question they were asked for; false when none was asked. */
export async function takeQuestion(
  ctx: ChatContext,
  deps: StaffDeps,
  text: string,
): Promise<boolean> {
  const waiting = await ctx.tx.handoff.findFirst({
    where: {
      customerId: ctx.user.id,
      status: "awaiting",
      createdAt: { gt: new Date(ctx.now.getTime() - AWAIT_MS) },
    },
    orderBy: { id: "desc" },
  });
  if (waiting === null) return false;
  const { count } = await ctx.tx.handoff.updateMany({
    where: { id: waiting.id, status: "awaiting" },
    data: { status: "open", question: text, sentAt: ctx.now },
  });
  if (count === 0) return false;
  ctx.out.push(...(await staffNotices(ctx.tx, deps, { ...waiting, question: text }, ctx)));
  ctx.say("bot:human.sent", { email: deps.config.supportEmail });
  sayWhenStaffAreBack(ctx, deps.config);
  return true;
}

/** The refund conversation ended in "talk to a person": staff get where the customer was. */
export async function handoffFromConversation(
  ctx: ChatContext,
  deps: StaffDeps,
  o: Extract<Outcome, { kind: "handoff" }>,
): Promise<void> {
  const origin = o.after !== null ? `refused:${o.after.clause}` : `conversation:${o.at}`;
  const h = await ctx.tx.handoff.create({
    data: {
      customerId: ctx.user.id,
      chatId: ctx.chatId,
      origin,
      status: "open",
      createdAt: ctx.now,
      sentAt: ctx.now,
    },
  });
  ctx.out.push(...(await staffNotices(ctx.tx, deps, h, ctx)));
}

async function staffNotices(
  tx: Tx,
  deps: StaffDeps,
  h: Handoff,
  ctx: ChatContext,
): Promise<Outgoing[]> {
  const out: Outgoing[] = [];
  for (const { chatId, s } of await staffSpeakers(tx, deps)) {
    const params = {
      id: h.id,
      name: nameOf(ctx.user),
      userId: String(ctx.user.id),
      lang: languageName(s.lang, ctx.lang),
      where: whereFrom(s, h.origin),
      text: h.question ?? "",
    };
    out.push({
      kind: "message",
      chatId,
      text: s.t(h.question === null ? "staff:handoff.request" : "staff:handoff.question", params),
      about: ctx.user.id,
    });
  }
  return out;
}

export type ReplyResult = "sent" | "not_found" | "erased";

/** Staff answer a hand-off: the text reaches the customer's chat, framed in their language. */
export async function replyToHandoff(
  ctx: ChatContext,
  deps: StaffDeps,
  id: number,
  text: string,
): Promise<ReplyResult> {
  const h = await ctx.tx.handoff.findUnique({ where: { id } });
  if (h === null || h.status === "awaiting") return "not_found";
  // Its customer was forgotten: there is no one to send it to.
  if (h.status === "closed") return "erased";
  // Kept open to further replies: a conversation may need more than one.
  await ctx.tx.handoff.update({
    where: { id },
    data: { status: "answered", answeredAt: ctx.now, answeredById: ctx.user.id },
  });
  const s = await customerSpeaker(ctx.tx, deps, h.customerId);
  ctx.out.push({ kind: "message", chatId: h.chatId, text: s.t("bot:human.reply", { id, text }) });
  return "sent";
}

/** Where the customer asked, as staff read it: a request's step by its question's label. */
function whereFrom(s: Speaker, origin: string): string {
  const [where, at = ""] = origin.split(":");
  if (where !== "conversation") return s.t(`staff:handoff.where.${where}`, { clause: at });
  if (at === "summary") return s.t("staff:handoff.where.summary");
  return s.t("staff:handoff.where.conversation", { at: s.t(`conversation:field.${at}`) });
}

/** A language's name in the reader's language ("Ukrainian", "украинский"). */
function languageName(reader: string, lang: string): string {
  return new Intl.DisplayNames([reader], { type: "language" }).of(lang) ?? lang;
}
