import type { CaseAction } from "../cases/transition.ts";
import { type Actor, type TransitionRequest, transition } from "../cases/transition.ts";
import type { ChatContext } from "../chat/context.ts";
import type { StaffDeps } from "./deps.ts";
import { customerNotice, ratingRequest } from "./notify.ts";
import { isAdmin } from "./roles.ts";
import { cardEdits, loadView } from "./show-case.ts";
import { nameOf } from "./words.ts";

export function actorOf(ctx: ChatContext): Actor {
  return { kind: "staff", id: ctx.user.id, admin: isAdmin(ctx.user) };
}

/** What the customer is told after each staff transition (bot namespace). */
function customerKey(action: CaseAction, kind: "balance" | "payout"): string | null {
  switch (action) {
    case "approve":
      return kind === "balance" ? "bot:caseNews.approvedBalance" : "bot:caseNews.approvedPayout";
    case "reject":
      return "bot:caseNews.rejected";
    case "ask":
      return "bot:caseNews.question";
    case "done":
      return kind === "balance" ? "bot:caseNews.doneBalance" : "bot:caseNews.donePayout";
    case "claim":
    case "release":
    case "answer":
      return null;
  }
}

const RESULT_KEYS: Record<Exclude<CaseAction, "answer">, string> = {
  claim: "staff:result.claimed",
  release: "staff:result.released",
  approve: "staff:result.approved",
  reject: "staff:result.rejected",
  ask: "staff:result.asked",
  done: "staff:result.done",
};

/**
 * Runs one staff action on a case in the update's transaction and says what
 * happened: to the staff member (a button's own answer, or a message after a
 * typed command), to the customer when they are concerned, and on the case's
 * cards, edited in place; or — when the action lost a race or does not apply —
 * who did what to the case, and when (a pop-up on a button).
 */
export async function performAction(
  ctx: ChatContext,
  deps: StaffDeps,
  caseId: number,
  req: TransitionRequest & { action: Exclude<CaseAction, "answer"> },
): Promise<void> {
  const r = await transition(ctx.tx, caseId, actorOf(ctx), req, ctx.now);
  switch (r.kind) {
    case "not_found":
      ctx.notify("staff:refusal.notFound", { id: caseId }, { alert: true });
      return;
    case "taken": {
      const who = await ctx.tx.user.findUnique({ where: { id: r.assigneeId } });
      ctx.notify("staff:refusal.taken", { id: caseId, name: nameOf(who) }, { alert: true });
      // The card may show an older state than the one the press met.
      ctx.out.push(...(await cardEdits(ctx.tx, deps, caseId, "skip")));
      return;
    }
    case "wrong_state": {
      const state = ctx.t(`staff:state.${r.status}`);
      // "Already approved by X" only when someone moved the case; a case
      // still as submitted just is not in a state the action applies to.
      if (r.last === null || r.last.actorId === null || r.status === "submitted") {
        ctx.notify("staff:refusal.wrongState", { id: caseId, state }, { alert: true });
        ctx.out.push(...(await cardEdits(ctx.tx, deps, caseId, "skip")));
        return;
      }
      const who =
        r.last.actorId === ctx.user.id
          ? ctx.user
          : await ctx.tx.user.findUnique({ where: { id: r.last.actorId } });
      ctx.notify(
        "staff:refusal.alreadyBy",
        { id: caseId, state, name: nameOf(who), at: ctx.date(r.last.at) },
        { alert: true },
      );
      ctx.out.push(...(await cardEdits(ctx.tx, deps, caseId, "skip")));
      return;
    }
    case "ok": {
      const c = r.case;
      ctx.notify(RESULT_KEYS[req.action], { id: c.id, name: nameOf(ctx.user) });
      // Read once for the cards and the customer's language.
      const view = await loadView(ctx.tx, c.id);
      const customer = view?.customer;
      ctx.out.push(...(await cardEdits(ctx.tx, deps, c.id, "post", view)));
      const key = customerKey(req.action, c.kind);
      if (key !== null) {
        ctx.out.push(
          await customerNotice(
            ctx.tx,
            deps,
            c,
            key,
            { reason: req.note ?? "", question: req.note ?? "" },
            customer,
          ),
        );
      }
      // Staff are finished with the case: the customer is asked, this once, how it went.
      if (c.status === "done" || c.status === "rejected") {
        ctx.out.push(await ratingRequest(ctx.tx, deps, c, customer));
      }
      deps.logger.info(
        { caseId: c.id, actorId: ctx.user.id, from: r.from, to: c.status },
        "case transition",
      );
      return;
    }
  }
}
