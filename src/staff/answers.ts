import { transition } from "../cases/transition.ts";
import type { ChatContext } from "../chat/context.ts";
import type { Outgoing } from "../outbox/write.ts";
import type { StaffDeps } from "./deps.ts";
import { staffSpeakers } from "./notify.ts";
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
      buttons: [
        [
          {
            text: s.t("staff:buttons.approve"),
            callback: { kind: "staff", action: "approve", caseId: c.id },
          },
          {
            text: s.t("staff:buttons.reject"),
            callback: { kind: "staff", action: "reject", caseId: c.id },
          },
        ],
        [
          {
            text: s.t("staff:buttons.ask"),
            callback: { kind: "staff", action: "ask", caseId: c.id },
          },
        ],
      ],
    };
  });
  ctx.out.push(...out);
  return true;
}
