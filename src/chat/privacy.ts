import type { User } from "../database/generated/client.ts";
import { requestErasure } from "../privacy/erasure.ts";
import { personalData } from "../privacy/personal-data.ts";
import type { ChatContext } from "./context.ts";

/**
 * A customer's rights over their data: a copy of everything held about them
 * (`/mydata`) and its erasure (`/forget`, confirmed by a button). Staff are not
 * erased this way: their names stand beside the decisions they made.
 */

/** The document a person's data goes out as, to whichever chat asked for it. */
export async function dataDocument(ctx: ChatContext, user: Pick<User, "id">, to: bigint) {
  const data = await personalData(ctx.tx, user.id, ctx.now);
  return {
    kind: "document" as const,
    chatId: to,
    filename: `data-${user.id}.json`,
    content: `${JSON.stringify(data, null, 2)}\n`,
  };
}

export async function sendMyData(ctx: ChatContext): Promise<void> {
  ctx.out.push({
    ...(await dataDocument(ctx, ctx.user, ctx.chatId)),
    // The file's names are English; the caption says what they are in the customer's language.
    caption: `${ctx.t("bot:privacy.exportCaption", { date: ctx.date(ctx.now) })}\n\n${ctx.t("bot:privacy.exportLegend")}`,
  });
}

export function askToForget(ctx: ChatContext): void {
  if (ctx.user.role !== "customer") {
    ctx.say("bot:privacy.staffAccount");
    return;
  }
  ctx.say("bot:privacy.forgetConfirm", {}, [
    [{ text: ctx.t("bot:privacy.forgetYes"), callback: { kind: "privacy", action: "forget" } }],
    [{ text: ctx.t("bot:privacy.forgetNo"), callback: { kind: "privacy", action: "keep" } }],
  ]);
}

/** The answer to "erase your data?"; the erasure itself follows once this reply has left. */
export async function answerForget(ctx: ChatContext, action: "forget" | "keep"): Promise<void> {
  if (action === "keep") {
    // A confirmed erasure stands: the pass may be under way in another transaction, so
    // withdrawing it here could not promise that nothing was erased.
    const asked = await ctx.tx.erasureRequest.findUnique({ where: { userId: ctx.user.id } });
    ctx.say(asked === null ? "bot:privacy.kept" : "bot:privacy.alreadyErasing");
    return;
  }
  if (ctx.user.role !== "customer") {
    ctx.say("bot:privacy.staffAccount");
    return;
  }
  await requestErasure(ctx.tx, ctx.user.id, ctx.now);
  ctx.say("bot:privacy.forgetting");
}
