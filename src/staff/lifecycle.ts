import {
  type Actor,
  type CaseAction,
  type Decision,
  decide,
  lastEvent,
  moved,
  type TransitionRequest,
} from "../cases/transition.ts";
import type { ChatContext } from "../chat/context.ts";
import type { StaffDeps } from "./deps.ts";
import { customerNotice, ratingRequest } from "./notify.ts";
import { isAdmin } from "./roles.ts";
import { cardEdits, type HeldView, loadView } from "./show-case.ts";
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
 * The case as read and the move `action` would make on it; null when the
 * action does not apply, once the staff member is told why (a pop-up on a
 * button): the case is missing, claimed by someone else, or in a state the
 * action does not apply to (who put it there, and when), with its cards
 * brought up to date, since they may show an older state than the one met.
 */
export async function allowedMove(
  ctx: ChatContext,
  deps: StaffDeps,
  caseId: number,
  action: Exclude<CaseAction, "answer">,
  /** the case as the caller has just read it, if it did */
  read?: HeldView | null,
): Promise<{ v: HeldView; d: Extract<Decision, { kind: "move" }> } | null> {
  const v = read === undefined ? await loadView(ctx.tx, caseId) : read;
  if (v === null) {
    ctx.notify("staff:refusal.notFound", { id: caseId }, { alert: true });
    return null;
  }
  const d = decide(v.case, actorOf(ctx), action);
  switch (d.kind) {
    case "move":
      return { v, d };
    case "not_found":
      ctx.notify("staff:refusal.notFound", { id: caseId }, { alert: true });
      return null;
    case "taken":
      // A case waiting for its customer cannot be released: its holder or an admin acts on it.
      ctx.notify(
        d.status === "needs_info" ? "staff:refusal.takenAsking" : "staff:refusal.taken",
        { id: caseId, name: nameOf(v.assignee) },
        { alert: true },
      );
      ctx.out.push(...(await cardEdits(ctx.tx, deps, caseId, "skip", v)));
      return null;
    case "wrong_state": {
      const state = ctx.t(`staff:state.${d.status}`);
      const last = await lastEvent(ctx.tx, caseId);
      // "Already approved by X" only when someone moved the case; a case
      // still as submitted just is not in a state the action applies to.
      if (last === null || last.actorId === null || d.status === "submitted") {
        ctx.notify("staff:refusal.wrongState", { id: caseId, state }, { alert: true });
      } else {
        const who =
          last.actorId === ctx.user.id
            ? ctx.user
            : await ctx.tx.user.findUnique({ where: { id: last.actorId } });
        ctx.notify(
          "staff:refusal.alreadyBy",
          { id: caseId, state, name: nameOf(who), at: ctx.date(last.at) },
          { alert: true },
        );
      }
      ctx.out.push(...(await cardEdits(ctx.tx, deps, caseId, "skip", v)));
      return null;
    }
  }
}

/**
 * Runs one staff action on a case and says what happened: to the staff member
 * (a button's own answer, or a message after a typed command), to the
 * customer when they are concerned, and on the case's cards, edited in place;
 * or — when the action lost a race or does not apply — why (`allowedMove`).
 * The case is read once, with its
 * people and card holders; its move goes with the update's write, conditional
 * on the case's version as read (`ctx.caseMove`), so everything said here is
 * written with it or not at all, with or without a transaction.
 */
export async function performAction(
  ctx: ChatContext,
  deps: StaffDeps,
  caseId: number,
  req: TransitionRequest & { action: Exclude<CaseAction, "answer"> },
  /** the case as the caller has just read it, if it did */
  read?: HeldView | null,
): Promise<void> {
  const allowed = await allowedMove(ctx, deps, caseId, req.action, read);
  if (allowed === null) return;
  const { v, d } = allowed;
  ctx.caseMove = {
    caseId,
    version: v.case.version,
    from: v.case.status,
    to: d.to,
    assigneeId: d.assigneeId,
    decided: d.decided,
    actorId: ctx.user.id,
    note: req.note ?? null,
  };
  // Everything below is drawn from the case as the move leaves it.
  const after = {
    ...v,
    case: moved(v.case, d, ctx.now),
    assignee: d.assigneeId === null ? null : d.assigneeId === ctx.user.id ? ctx.user : v.assignee,
  };
  const c = after.case;
  ctx.notify(RESULT_KEYS[req.action], { id: c.id, name: nameOf(ctx.user) });
  ctx.out.push(...(await cardEdits(ctx.tx, deps, c.id, "post", after)));
  const key = customerKey(req.action, c.kind);
  if (key !== null) {
    ctx.out.push(
      await customerNotice(
        ctx.tx,
        deps,
        c,
        key,
        { reason: req.note ?? "", question: req.note ?? "" },
        after.customer,
      ),
    );
  }
  // Staff are finished with the case: the customer is asked, this once, how it went.
  if (c.status === "done" || c.status === "rejected") {
    ctx.out.push(await ratingRequest(ctx.tx, deps, c, after.customer));
  }
  deps.logger.info(
    { caseId: c.id, actorId: ctx.user.id, from: v.case.status, to: c.status },
    "case transition",
  );
}
