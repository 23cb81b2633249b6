import type { ChatContext } from "../chat/context.ts";
import { cutText } from "../outbox/write.ts";
import { isAdmin } from "./roles.ts";

/**
 * Saved replies: frequent answers kept under a short name. Staff write
 * `:name` instead of the words in /reply, /ask and /reject (and as the words a
 * Reject or Ask button asks for); admins add and remove them. One text per
 * name, sent as written: staff choose the language by the name they use
 * (`:late_en`, `:late_ru`), as they do when they type an answer themselves.
 */

/** A saved reply's name as typed after ":": a letter or digit, then letters, digits, "_" or "-". */
export const REPLY_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** The words as typed, or the saved reply `:name` stands for; null (and said) for an unknown name. */
export async function expandSaved(ctx: ChatContext, text: string): Promise<string | null> {
  const m = /^:(\S+)$/.exec(text.trim());
  const name = m?.[1]?.toLowerCase();
  if (name === undefined || !REPLY_NAME.test(name)) return text;
  const r = await ctx.tx.savedReply.findUnique({ where: { name } });
  if (r === null) {
    ctx.say("staff:replies.unknown", { name });
    return null;
  }
  return r.text;
}

/** /replies: every saved reply, by name, each with the beginning of its text. */
export async function listReplies(ctx: ChatContext): Promise<void> {
  const all = await ctx.tx.savedReply.findMany({ orderBy: { name: "asc" } });
  if (all.length === 0) {
    ctx.say("staff:replies.empty");
    return;
  }
  const lines = [ctx.t("staff:replies.header")];
  for (const r of all) {
    const text = r.text.length > 80 ? `${cutText(r.text, 79)}…` : r.text;
    lines.push(ctx.t("staff:replies.item", { name: r.name, text }));
  }
  ctx.send(lines.join("\n"));
}

export type ReplyChange =
  | { op: "add"; name: string; text: string }
  | { op: "remove"; name: string };

/** /replies add|remove: for admins; adding a name that exists replaces its text. */
export async function changeReply(ctx: ChatContext, c: ReplyChange): Promise<void> {
  if (!isAdmin(ctx.user)) {
    ctx.say("staff:replies.adminsOnly");
    return;
  }
  if (c.op === "remove") {
    const { count } = await ctx.tx.savedReply.deleteMany({ where: { name: c.name } });
    ctx.say(count === 0 ? "staff:replies.unknown" : "staff:replies.removed", { name: c.name });
    return;
  }
  const existing = await ctx.tx.savedReply.findUnique({
    where: { name: c.name },
    select: { name: true },
  });
  await ctx.tx.savedReply.upsert({
    where: { name: c.name },
    create: { name: c.name, text: c.text, createdById: ctx.user.id, createdAt: ctx.now },
    update: { text: c.text, createdById: ctx.user.id, createdAt: ctx.now },
  });
  ctx.say(existing === null ? "staff:replies.added" : "staff:replies.replaced", { name: c.name });
}
