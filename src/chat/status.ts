import { WITHDRAWABLE } from "../cases/withdraw.ts";
import { deadlineRuns } from "../deadlines/deadline.ts";
import type { Button } from "../outbox/write.ts";
import type { ChatContext } from "./context.ts";

/** How many of a customer's latest cases /status shows. */
const SHOWN = 10;

/** /status: the customer's own cases, never anyone else's, with a withdraw button while allowed. */
export async function showStatus(ctx: ChatContext): Promise<void> {
  const cases = await ctx.tx.refundCase.findMany({
    where: { customerId: ctx.user.id },
    orderBy: { id: "desc" },
    take: SHOWN,
  });
  if (cases.length === 0) {
    ctx.say("bot:status.none");
    return;
  }
  const lines = [ctx.t("bot:status.header")];
  const buttons: Button[][] = [];
  for (const c of cases) {
    let line = ctx.t("bot:status.item", {
      id: c.id,
      service: ctx.t(`bot:service.${c.service}`),
      amount: ctx.money(c.amount, c.currency),
      state: ctx.t(`bot:caseState.${c.status}`),
      submitted: ctx.date(c.submittedAt),
    });
    // Approved, a refund to the balance is still to be made by its deadline.
    if (deadlineRuns(c)) line += ` ${ctx.t("bot:status.due", { due: ctx.date(c.dueAt) })}`;
    if (WITHDRAWABLE.includes(c.status)) {
      buttons.push([
        {
          text: ctx.t("bot:status.withdraw", { id: c.id }),
          callback: { kind: "withdraw", caseId: c.id },
        },
      ]);
    }
    lines.push(line);
  }
  ctx.send(lines.join("\n\n"), buttons);
}
