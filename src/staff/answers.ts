import { transition } from "../cases/transition.ts";
import type { ChatContext } from "../chat/context.ts";
import type { Outgoing } from "../outbox/write.ts";
import type { StaffDeps } from "./deps.ts";
import { staffSpeakers } from "./notify.ts";
import { cardEdits } from "./show-case.ts";
import { nameOf } from "./words.ts";

/**
 * A customer's message while one of their cases waits for information: the
 * message is the answer. It is stored as the note of the needs_info →
 * in_review event (the audit log keeps it with who and when), the case goes
 * back to review, and staff are told: the staff group, else whoever asked.
 */
export async function takeAnswer(
  ctx: ChatContext,
  deps: StaffDeps,
  text: string,
): Promise<boolean> {
  const c = await ctx.tx.refundCase.findFirst({
    where: { customerId: ctx.user.id, status: "needs_info" },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  if (c === null) return false;
  const r = await transition(
    ctx.tx,
    c.id,
    { kind: "customer", id: ctx.user.id },
    { action: "answer", note: text },
    ctx.now,
  );
  if (r.kind !== "ok") return false;
  ctx.say("bot:caseNews.answerReceived", { id: c.id });
  const assignee =
    r.case.assigneeId === null
      ? null
      : await ctx.tx.user.findUnique({ where: { id: r.case.assigneeId } });
  const out: Outgoing[] = (await staffSpeakers(ctx.tx, deps, assignee)).map(({ chatId, s }) => {
    return {
      kind: "message",
      chatId,
      text: s.t("staff:answer.received", { id: c.id, name: nameOf(ctx.user), text }),
      // The card holds the buttons of the case's state and is kept current; this
      // notice only leads to it, which never goes out of date.
      buttons: [
        [
          {
            text: s.t("staff:buttons.view"),
            callback: { kind: "staff", action: "view", caseId: c.id },
          },
        ],
      ],
    };
  });
  ctx.out.push(...out, ...(await cardEdits(ctx.tx, deps, c.id, "post")));
  return true;
}
