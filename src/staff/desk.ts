import type { Outcome } from "../../machines/refund/flow.ts";
import type { Callback } from "../callbacks/data.ts";
import type { ChatContext } from "../chat/context.ts";
import type { CustomerHooks, CustomerInbound } from "../chat/customer.ts";
import { cutText } from "../outbox/write.ts";
import { takeAnswer } from "./answers.ts";
import { isStaffCommand, parseStaffCommand, type StaffCommand } from "./commands.ts";
import type { StaffDeps } from "./deps.ts";
import { handoffFromConversation, replyToHandoff, requestHuman, takeQuestion } from "./handoff.ts";
import { actorOf, performAction } from "./lifecycle.ts";
import { showQueue } from "./queue.ts";
import { isAdmin, isStaff, setRole, staffMembers } from "./roles.ts";
import { newCaseCards, showCase } from "./show-case.ts";
import { showStats } from "./stats.ts";
import { takeNext } from "./take-next.ts";
import { nameOf } from "./words.ts";

/** Where an update came from, as the staff side sees it. */
export type Place = "private" | "staff_group";

/** A button's request for words (reason, question) is answered within this time. */
const PROMPT_MS = 30 * 60 * 1000;

export interface StaffDesk {
  /** Handles the update when it is the staff side's; false leaves it to the customer chat. */
  handle(
    ctx: ChatContext,
    inbound: CustomerInbound,
    callback: Callback | undefined,
    place: Place,
  ): Promise<boolean>;
  /** The refund service's hook: a submitted case's card goes to staff. */
  onSubmitted(ctx: ChatContext, caseId: number): Promise<void>;
  /** The refund service's hook: the conversation asked for a person. */
  onHandoff(ctx: ChatContext, outcome: Extract<Outcome, { kind: "handoff" }>): Promise<void>;
  /** What the customer chat asks of the staff side (answers, hand-off). */
  readonly customerHooks: CustomerHooks;
}

/**
 * The staff side of the bot: commands and buttons in staff members' private
 * chats and in the staff group. The caller's role is read from the database
 * in this update's transaction every time; anyone else gets exactly what a
 * customer gets for an unknown command or a stale button, and is logged.
 */
export function createStaffDesk(deps: StaffDeps): StaffDesk {
  const { config, logger } = deps;

  function refuse(ctx: ChatContext, what: string): void {
    // The user id and what they tried; never what they typed.
    logger.warn(
      { userId: ctx.user.id, chatId: ctx.chatId, attempt: what },
      "staff action refused: not staff",
    );
  }

  async function run(ctx: ChatContext, c: StaffCommand, place: Place): Promise<void> {
    switch (c.name) {
      case "queue":
        await showQueue(ctx, c.page);
        return;
      case "stats":
        await showStats(ctx, config.timeZone);
        return;
      case "next":
        await next(ctx, place);
        return;
      case "case":
        await showCase(ctx, c.id, place === "private");
        return;
      case "claim":
      case "done":
      case "release":
        await performAction(ctx, deps, c.id, { action: c.name });
        return;
      case "approve":
        await askD3(ctx, c.id, c.note);
        return;
      case "reject":
      case "ask":
        await performAction(ctx, deps, c.id, { action: c.name, note: c.text });
        return;
      case "reply": {
        const r = await replyToHandoff(ctx, deps, c.id, c.text);
        ctx.say(r === "sent" ? "staff:handoff.replied" : "staff:handoff.notFound", { id: c.id });
        return;
      }
      case "team":
        await team(ctx);
        return;
      case "role":
        await role(ctx, c);
        return;
    }
  }

  /** Approving asks for the D3 check first (settled reading 3); the confirm button approves. */
  async function askD3(ctx: ChatContext, caseId: number, note: string | null): Promise<void> {
    const exists = await ctx.tx.refundCase.findUnique({
      where: { id: caseId },
      select: { id: true },
    });
    if (exists === null) {
      ctx.say("staff:refusal.notFound", { id: caseId });
      return;
    }
    await setPrompt(ctx, "approve", caseId, note);
    ctx.say("staff:d3.confirm", { id: caseId }, [
      [
        {
          text: ctx.t("staff:buttons.confirm", { id: caseId }),
          callback: { kind: "staff", action: "confirm", caseId },
        },
      ],
    ]);
  }

  async function setPrompt(
    ctx: ChatContext,
    action: "approve" | "reject" | "ask",
    caseId: number,
    note: string | null,
  ): Promise<void> {
    const key = { userId_chatId: { userId: ctx.user.id, chatId: ctx.chatId } };
    const data = { action, caseId, note, at: ctx.now };
    await ctx.tx.staffPrompt.upsert({
      where: key,
      create: { userId: ctx.user.id, chatId: ctx.chatId, ...data },
      update: data,
    });
  }

  /** The staff member's pending prompt of one of `actions` in this chat, consumed. */
  async function takePrompt(ctx: ChatContext, actions: readonly string[]) {
    const key = { userId_chatId: { userId: ctx.user.id, chatId: ctx.chatId } };
    const p = await ctx.tx.staffPrompt.findUnique({ where: key });
    if (p === null || !actions.includes(p.action)) return null;
    await ctx.tx.staffPrompt.delete({ where: key });
    return p.at.getTime() > ctx.now.getTime() - PROMPT_MS ? p : null;
  }

  async function next(ctx: ChatContext, place: Place): Promise<void> {
    const actor = actorOf(ctx);
    if (actor.kind !== "staff") return;
    const c = await takeNext(ctx.tx, actor, ctx.now);
    if (c === null) {
      ctx.say("staff:next.none");
      return;
    }
    ctx.say("staff:result.claimed", { id: c.id, name: nameOf(ctx.user) });
    await showCase(ctx, c.id, place === "private");
  }

  async function team(ctx: ChatContext): Promise<void> {
    const members = await staffMembers(ctx.tx);
    const lines = [ctx.t("staff:help"), "", ctx.t("staff:roles.team")];
    for (const m of members) {
      lines.push(
        ctx.t("staff:roles.member", {
          name: nameOf(m),
          id: String(m.id),
          role: ctx.t(`staff:roles.role.${m.role}`),
        }),
      );
    }
    ctx.send(lines.join("\n"));
  }

  async function role(ctx: ChatContext, c: Extract<StaffCommand, { name: "role" }>): Promise<void> {
    if (!isAdmin(ctx.user)) {
      ctx.say("staff:roles.adminsOnly");
      return;
    }
    const id = String(c.userId);
    const current = await ctx.tx.user.findUnique({
      where: { id: c.userId },
      select: { role: true },
    });
    const role =
      c.op === "add"
        ? c.role
        : c.role === "admin"
          ? current?.role === "admin"
            ? "staff"
            : null
          : "customer";
    if (role === null || (c.op === "remove" && (current === null || current.role === "customer"))) {
      ctx.say("staff:roles.notMember", { id });
      return;
    }
    if (c.op === "add" && c.role === "staff" && current?.role === "admin") {
      ctx.say("staff:roles.alreadyAdmin", { id });
      return;
    }
    const r = await setRole(ctx.tx, config, c.userId, role);
    if (r.kind === "config_admin") {
      ctx.say("staff:roles.configAdmin", { id });
      return;
    }
    ctx.say(`staff:roles.now.${role}`, { id });
    logger.info({ userId: c.userId, role, by: ctx.user.id }, "role changed");
  }

  /** Answers the callback query (a toast for a stale button); always true: handled. */
  function answer(ctx: ChatContext, callbackQueryId: string, ok: boolean): true {
    ctx.out.unshift({
      kind: "answer",
      chatId: ctx.chatId,
      callbackQueryId,
      ...(ok ? {} : { text: ctx.t("bot:errors.staleButton") }),
    });
    return true;
  }

  async function button(ctx: ChatContext, c: Callback, place: Place): Promise<boolean> {
    if (c.kind === "queue") {
      await showQueue(ctx, c.page);
      return true;
    }
    if (c.kind !== "staff") return false;
    switch (c.action) {
      case "claim":
      case "release":
      case "done":
        await performAction(ctx, deps, c.caseId, { action: c.action });
        return true;
      case "approve":
        await askD3(ctx, c.caseId, null);
        return true;
      case "confirm": {
        const p = await takePrompt(ctx, ["approve"]);
        const note = p?.action === "approve" && p.caseId === c.caseId ? p.note : null;
        await performAction(ctx, deps, c.caseId, { action: "approve", d3Confirmed: true, note });
        return true;
      }
      case "reject":
      case "ask": {
        const exists = await ctx.tx.refundCase.findUnique({
          where: { id: c.caseId },
          select: { id: true, status: true },
        });
        if (exists === null) {
          ctx.say("staff:refusal.notFound", { id: c.caseId });
          return true;
        }
        await setPrompt(ctx, c.action, c.caseId, null);
        ctx.say(`staff:prompt.${c.action}`, { id: c.caseId });
        return true;
      }
      case "next":
        await next(ctx, place);
        return true;
      case "view":
        await showCase(ctx, c.caseId, place === "private");
        return true;
    }
  }

  return {
    async handle(ctx, inbound, callback, place) {
      const staff = isStaff(ctx.user);
      switch (inbound.kind) {
        case "command": {
          const name =
            place === "staff_group" && ["start", "help"].includes(inbound.name)
              ? "staff"
              : inbound.name;
          if (!isStaffCommand(name)) return place === "staff_group";
          if (!staff) {
            refuse(ctx, `/${name}`);
            // In a private chat the customer chat gives the unknown-command answer.
            if (place === "staff_group") ctx.say("bot:errors.unknownCommand");
            return place === "staff_group";
          }
          const parsed = parseStaffCommand(name, name === inbound.name ? inbound.args : "");
          if (parsed === null) ctx.say(`staff:usage.${name}`);
          else await run(ctx, parsed, place);
          return true;
        }
        case "callback": {
          const mine = callback?.kind === "staff" || callback?.kind === "queue";
          if (!mine) return place === "staff_group" && answer(ctx, inbound.callbackQueryId, false);
          if (!staff) {
            refuse(ctx, callback.kind === "staff" ? `button ${callback.action}` : "button queue");
            // In a private chat the customer chat gives the stale-button answer.
            return place === "staff_group" && answer(ctx, inbound.callbackQueryId, false);
          }
          return answer(ctx, inbound.callbackQueryId, await button(ctx, callback, place));
        }
        case "text": {
          const text = cutText(inbound.text.trim(), 2000);
          const p = staff && text !== "" ? await takePrompt(ctx, ["reject", "ask"]) : null;
          if (p !== null && (p.action === "reject" || p.action === "ask")) {
            await performAction(ctx, deps, p.caseId, { action: p.action, note: text });
            return true;
          }
          return place === "staff_group";
        }
        case "media":
        case "edited":
          return place === "staff_group";
      }
    },

    async onSubmitted(ctx, caseId) {
      ctx.out.push(...(await newCaseCards(ctx.tx, deps, caseId)));
    },

    async onHandoff(ctx, outcome) {
      await handoffFromConversation(ctx, deps, outcome);
    },

    customerHooks: {
      async human(ctx, origin) {
        await requestHuman(ctx, origin);
      },
      async text(ctx, text) {
        return (await takeQuestion(ctx, deps, text)) || (await takeAnswer(ctx, deps, text));
      },
    },
  };
}
