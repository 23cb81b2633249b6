import type { Callback } from "../callbacks/data.ts";
import { isOpen, OPEN } from "../cases/transition.ts";
import type { ChatContext } from "../chat/context.ts";
import type { RefundCase, User } from "../database/generated/client.ts";
import type { Speaker } from "../i18n/speaker.ts";
import type { Button } from "../outbox/write.ts";
import { nameOf } from "./words.ts";

export const PAGE_SIZE = 8;

/** /queue: open cases, oldest deadline first, a page at a time, each with a button to open it. */
export async function showQueue(ctx: ChatContext, page: number): Promise<void> {
  const where = { status: { in: [...OPEN] } };
  const total = await ctx.tx.refundCase.count({ where });
  if (total === 0) {
    ctx.say("staff:queue.empty", {}, [[nextButton(ctx)]]);
    return;
  }
  const pages = Math.ceil(total / PAGE_SIZE);
  const p = Math.min(Math.max(0, page), pages - 1);
  const cases = await ctx.tx.refundCase.findMany({
    where,
    orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    skip: p * PAGE_SIZE,
    take: PAGE_SIZE,
    include: { assignee: { select: { id: true, firstName: true, username: true } } },
  });
  const lines = [ctx.t("staff:queue.header", { page: p + 1, pages, total })];
  for (const c of cases) lines.push(caseLine(ctx, c));
  ctx.send(lines.join("\n"), [
    ...openButtons(ctx, cases),
    ...pagingRow(ctx, p, p < pages - 1, (page) => ({ kind: "queue", page })),
    [nextButton(ctx)],
  ]);
}

/** A case in a list (/queue, /find): number, state, amount, deadline, who holds it. */
export function caseLine(
  ctx: ChatContext,
  c: Pick<RefundCase, "id" | "status" | "amount" | "currency" | "dueAt"> & {
    assignee: Pick<User, "id" | "firstName" | "username"> | null;
  },
): string {
  return (
    ctx.t("staff:queue.item", {
      id: c.id,
      state: ctx.t(`staff:state.${c.status}`),
      amount: ctx.money(c.amount, c.currency),
      due: ctx.date(c.dueAt),
    }) +
    (c.dueAt < ctx.now && isOpen(c.status) ? ` ${ctx.t("staff:queue.overdue")}` : "") +
    (c.assignee === null ? "" : ` · ${nameOf(c.assignee)}`)
  );
}

/** A button to open each case (the card and its history), four to a row. */
export function openButtons(
  s: Pick<Speaker, "t">,
  cases: readonly Pick<RefundCase, "id">[],
): Button[][] {
  const rows: Button[][] = [];
  for (let i = 0; i < cases.length; i += 4) {
    rows.push(
      cases.slice(i, i + 4).map((c) => ({
        text: s.t("staff:queue.open", { id: c.id }),
        callback: { kind: "staff", action: "view", caseId: c.id },
      })),
    );
  }
  return rows;
}

/** « Previous and More » for page `p` of a list, as a row when either applies. */
export function pagingRow(
  ctx: ChatContext,
  p: number,
  more: boolean,
  to: (page: number) => Callback,
): Button[][] {
  const paging: Button[] = [];
  if (p > 0) paging.push({ text: ctx.t("staff:buttons.previous"), callback: to(p - 1) });
  if (more) paging.push({ text: ctx.t("staff:buttons.more"), callback: to(p + 1) });
  return paging.length > 0 ? [paging] : [];
}

export function nextButton(ctx: ChatContext): Button {
  // The case id is unused for "next"; the schema wants a positive number.
  return {
    text: ctx.t("staff:buttons.next"),
    callback: { kind: "staff", action: "next", caseId: 1 },
  };
}
