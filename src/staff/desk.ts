import type { Outcome } from "../../machines/refund/flow.ts";
import type { EvidenceFile } from "../cases/evidence.ts";
import type { Submitted } from "../cases/submit.ts";
import type { ChatContext } from "../chat/context.ts";
import { takeAnswer, takeFile } from "./answers.ts";
import type { CaseView } from "./card.ts";
import type { StaffDeps } from "./deps.ts";
import { showFind } from "./find.ts";
import { handoffFromConversation, replyToHandoff, requestHuman, takeQuestion } from "./handoff.ts";
import { actorOf, allowedMove, performAction } from "./lifecycle.ts";
import { addNote } from "./notes.ts";
import { showQueue } from "./queue.ts";
import { ratingChanged } from "./rated.ts";
import { changeReply, expandSaved, listReplies, type ReplyChange } from "./replies.ts";
import { isAdmin, setRole, staffMembers } from "./roles.ts";
import { CARD_REF, cardEdits, loadView, newCaseCards, showCase, showFiles } from "./show-case.ts";
import { showStats } from "./stats.ts";
import { takeNext } from "./take-next.ts";
import { nameOf } from "./words.ts";

/** Where an update came from, as the staff side sees it. */
export type Place = "private" | "staff_group";

const CONFIRM_REF = "confirm:";

/** The D3 question a staff member is asked before approving: its button goes once answered. */
function confirmRef(caseId: number, userId: bigint): string {
  return `${CONFIRM_REF}${caseId}:${userId}`;
}

/** A reject or ask button's request for words: in a group, the words reply to it. */
function promptRef(action: "reject" | "ask", caseId: number, userId: bigint): string {
  return `prompt:${action}:${caseId}:${userId}`;
}

/** What a staff member's text answers: a live prompt, one no longer open, or none. */
type Answered = { kind: "words"; action: "reject" | "ask"; caseId: number } | { kind: "stale" };

/** A button's request for words (reason, question) is answered within this time. */
const PROMPT_MS = 30 * 60 * 1000;
/** An expired prompt is kept this long, so that a late reply to it is told it expired. */
const EXPIRED_KEPT_MS = 24 * 60 * 60 * 1000;

/** A change of someone's role: /staff add|remove, /admin add|remove. */
export interface RoleChange {
  role: "staff" | "admin";
  op: "add" | "remove";
  userId: bigint;
}

/**
 * The staff side of the bot: what staff commands and buttons do in staff
 * members' private chats and in the staff group, and what the customer chat
 * hands over to staff. Who may do what is declared with each command and
 * button in src/routes/, which checks the role read from the database first;
 * everything here runs in the update's transaction.
 */
export interface StaffDesk {
  /** Logs an attempt by someone who is not staff: the user id and what they tried, never text. */
  refuse(ctx: ChatContext, what: string): void;
  queue(ctx: ChatContext, page: number): Promise<void>;
  stats(ctx: ChatContext): Promise<void>;
  /** Claims the unclaimed case with the oldest deadline and shows it. */
  next(ctx: ChatContext, place: Place): Promise<void>;
  show(ctx: ChatContext, caseId: number, place: Place): Promise<void>;
  act(ctx: ChatContext, caseId: number, req: ActionRequest): Promise<void>;
  /** Approving asks for the D3 check first (settled reading 3); the confirm button approves. */
  askD3(ctx: ChatContext, caseId: number, note: string | null): Promise<void>;
  /**
   * The confirm button: approves with D3 confirmed and the note /approve left;
   * false when the question can no longer be confirmed by whoever pressed it.
   */
  confirm(ctx: ChatContext, caseId: number, place: Place): Promise<boolean>;
  /**
   * The reject and ask buttons: the staff member's words are their next
   * message in a private chat, their reply to the prompt in a group.
   */
  promptFor(
    ctx: ChatContext,
    action: "reject" | "ask",
    caseId: number,
    place: Place,
  ): Promise<void>;
  /** A staff member's text (`replyTo`: the message it replies to): the words a button asked for; false when none were asked. */
  takePrompted(
    ctx: ChatContext,
    text: string,
    replyTo: number | undefined,
    place: Place,
  ): Promise<boolean>;
  reply(ctx: ChatContext, handoffId: number, text: string): Promise<void>;
  /** /find: a page of cases matching what staff remember of them. */
  find(ctx: ChatContext, text: string, page: number): Promise<void>;
  /** /note: an internal note on a case, never shown to the customer. */
  note(ctx: ChatContext, caseId: number, text: string): Promise<void>;
  /** /replies: the saved replies; admins add and remove them. */
  replies(ctx: ChatContext, change: ReplyChange | null): Promise<void>;
  /** Staff's words, or the saved reply `:name` stands for; null (and said) for an unknown name. */
  expand(ctx: ChatContext, text: string): Promise<string | null>;
  team(ctx: ChatContext): Promise<void>;
  role(ctx: ChatContext, change: RoleChange): Promise<void>;
  /** The customer asked for a person (the menu button or an FAQ "handoff" match). */
  human(ctx: ChatContext, origin: "menu" | "faq"): Promise<void>;
  /** A customer's text outside a refund conversation: true when it was an answer or a question for staff. */
  takeWords(ctx: ChatContext, text: string): Promise<boolean>;
  /** A customer's photo or file: true when one of their cases waited for information and took it. */
  takeFile(ctx: ChatContext, file: EvidenceFile): Promise<boolean>;
  /** The refund service's hook: a submitted case's card goes to staff. */
  onSubmitted(ctx: ChatContext, submitted: Submitted): Promise<void>;
  /** A case's files, copied into this chat. */
  files(ctx: ChatContext, caseId: number): Promise<void>;
  /** The case changed outside the staff side (the customer withdrew it): its cards follow. */
  cardsChanged(ctx: ChatContext, caseId: number): Promise<void>;
  /** The customer rated the closed case or commented on the rating: cards follow, staff are told. */
  rated(ctx: ChatContext, caseId: number, what: "stars" | "comment"): Promise<void>;
  /** The refund service's hook: the conversation asked for a person. */
  onHandoff(ctx: ChatContext, outcome: Extract<Outcome, { kind: "handoff" }>): Promise<void>;
}

type ActionRequest = Parameters<typeof performAction>[3];

export function createStaffDesk(deps: StaffDeps): StaffDesk {
  const { config, logger } = deps;

  async function askD3(ctx: ChatContext, caseId: number, note: string | null): Promise<void> {
    // Asked only while approving applies: the case exists, may be approved, and is not someone else's.
    if ((await allowedMove(ctx, deps, caseId, "approve")) === null) return;
    const ref = confirmRef(caseId, ctx.user.id);
    // The question asked before for this case (its note replaced) is no longer open: its button goes.
    if (await setPrompt(ctx, "approve", caseId, note, false))
      ctx.out.push({ kind: "unbutton", chatId: ctx.chatId, target: { ref } });
    ctx.out.push({
      kind: "message",
      chatId: ctx.chatId,
      text: ctx.t("staff:d3.confirm", { id: caseId }),
      buttons: [
        [
          {
            text: ctx.t("staff:buttons.confirm", { id: caseId }),
            callback: { kind: "staff", action: "confirm", caseId },
          },
        ],
      ],
      ref,
    });
  }

  /**
   * Sets the staff member's prompt of `action` for the case in this chat; their
   * ones there expired a day ago go, and with `alone` (a private chat, where the
   * next message is the words) their other reject and ask prompts too. True
   * when they had been asked for it already (its message is still there).
   */
  async function setPrompt(
    ctx: ChatContext,
    action: "approve" | "reject" | "ask",
    caseId: number,
    note: string | null,
    alone: boolean,
  ): Promise<boolean> {
    // One statement: it may run outside a transaction. Its SELECT sees the prompts as they were.
    const since = new Date(ctx.now.getTime() - EXPIRED_KEPT_MS).toISOString();
    const [r] = await ctx.tx.$queryRaw<{ asked: boolean }[]>`
      WITH dropped AS (
        DELETE FROM "StaffPrompt"
         WHERE "userId" = ${ctx.user.id} AND "chatId" = ${ctx.chatId}
           AND NOT ("caseId" = ${caseId} AND "action" = ${action})
           AND ("at" <= ${since}::timestamp(3) OR (${alone}::boolean AND "action" IN ('reject', 'ask')))
      ), upserted AS (
        INSERT INTO "StaffPrompt" ("userId", "chatId", "caseId", "action", "note", "at")
        VALUES (${ctx.user.id}, ${ctx.chatId}, ${caseId}, ${action}, ${note}, ${ctx.now.toISOString()}::timestamp(3))
        ON CONFLICT ("userId", "chatId", "caseId", "action") DO UPDATE
          SET "note" = EXCLUDED."note", "at" = EXCLUDED."at"
      )
      SELECT EXISTS (SELECT 1 FROM "StaffPrompt"
                      WHERE "userId" = ${ctx.user.id} AND "chatId" = ${ctx.chatId}
                        AND "caseId" = ${caseId} AND "action" = ${action}) AS "asked"`;
    return r?.asked === true;
  }

  /**
   * The reject or ask prompt these words answer: in a group, the prompt they
   * reply to (other talk in the group is not for the bot); in a private chat,
   * the one they reply to, else the open one. A reply to a prompt no longer
   * open (over 30 minutes old, or replaced) answers nothing, and says so.
   */
  async function promptAnswered(
    ctx: ChatContext,
    replyTo: number | undefined,
    place: Place,
  ): Promise<Answered | null> {
    if (place === "staff_group" && replyTo === undefined) return null;
    const since = new Date(ctx.now.getTime() - PROMPT_MS).toISOString();
    const [p] = await ctx.tx.$queryRaw<
      { action: "reject" | "ask"; caseId: number; fresh: boolean; replied: boolean }[]
    >`
      SELECT p."action", p."caseId", p."at" > ${since}::timestamp(3) AS "fresh",
             EXISTS (SELECT 1 FROM "OutboxMessage" o
                      WHERE o."ref" = 'prompt:' || p."action" || ':' || p."caseId" || ':' || p."userId"
                        AND o."chatId" = p."chatId" AND o."messageId" = ${replyTo ?? null}::bigint) AS "replied"
        FROM "StaffPrompt" p
       WHERE p."userId" = ${ctx.user.id} AND p."chatId" = ${ctx.chatId} AND p."action" IN ('reject', 'ask')
       ORDER BY "replied" DESC, p."at" DESC
       LIMIT 1`;
    const words = p === undefined ? null : ({ kind: "words", ...p } as const);
    if (p?.replied === true) return p.fresh ? words : { kind: "stale" };
    if (place === "staff_group") return null;
    // A reply to a prompt replaced since: its words were for that case, not the open one's.
    if (replyTo !== undefined && (await isPrompt(ctx, replyTo))) return { kind: "stale" };
    return p?.fresh === true ? words : null;
  }

  /**
   * Someone no longer on staff: the case cards (`cardRef`) and D3 questions
   * (`confirmRef`) in their private chat lose their buttons now, not at the
   * case's next change: a chat that is no longer a staff chat keeps them without.
   */
  async function staffButtonsOff(ctx: ChatContext, userId: bigint): Promise<void> {
    const named = await ctx.tx.outboxMessage.findMany({
      where: {
        chatId: userId,
        OR: [{ ref: { startsWith: CARD_REF } }, { ref: { startsWith: CONFIRM_REF } }],
      },
      distinct: ["ref"],
      select: { ref: true },
    });
    for (const { ref } of named)
      if (ref !== null) ctx.out.push({ kind: "unbutton", chatId: userId, target: { ref } });
  }

  /** Whether message `messageId` of this chat is a prompt of the bot's (a private chat: few messages). */
  async function isPrompt(ctx: ChatContext, messageId: number): Promise<boolean> {
    const n = await ctx.tx.outboxMessage.count({
      where: { chatId: ctx.chatId, messageId: BigInt(messageId), ref: { startsWith: "prompt:" } },
    });
    return n > 0;
  }

  return {
    refuse(ctx, what) {
      logger.warn(
        { userId: ctx.user.id, chatId: ctx.chatId, attempt: what },
        "staff action refused: not staff",
      );
    },

    queue: showQueue,

    async stats(ctx) {
      await showStats(ctx, config.timeZone);
    },

    async next(ctx, place) {
      const actor = actorOf(ctx);
      if (actor.kind !== "staff") return;
      const c = await takeNext(ctx.tx, actor, ctx.now);
      if (c === null) {
        ctx.notify("staff:next.none");
        return;
      }
      ctx.notify("staff:result.claimed", { id: c.id, name: nameOf(ctx.user) });
      // Other chats' cards follow; this chat gets the case as its card.
      ctx.out.push(...(await cardEdits(ctx.tx, deps, c.id, "skip")));
      await showCase(ctx, deps, c.id, place === "private");
    },

    async show(ctx, caseId, place) {
      await showCase(ctx, deps, caseId, place === "private");
    },

    async act(ctx, caseId, req) {
      await performAction(ctx, deps, caseId, req);
    },

    askD3,

    async confirm(ctx, caseId, place) {
      // The prompt /approve left comes with the case, and goes with the update's write.
      const v = await loadView(ctx.tx, caseId, { userId: ctx.user.id, chatId: ctx.chatId });
      const p = v?.prompt ?? null;
      if (v !== null && (p === null || p.at.getTime() <= ctx.now.getTime() - PROMPT_MS)) {
        // Approved already (a second tap): said so. Else someone else's question, or one
        // asked too long ago: approving asks again.
        if ((await allowedMove(ctx, deps, caseId, "approve", v)) !== null)
          ctx.notify("staff:d3.notYours", { id: caseId }, { alert: true });
        // Their own question expired: its button goes. (In a private chat the dispatch
        // takes the pressed one's off; in a group that may be someone else's question.)
        if (p !== null && place === "staff_group")
          ctx.out.push({
            kind: "unbutton",
            chatId: ctx.chatId,
            target: { ref: confirmRef(caseId, ctx.user.id) },
          });
        return false;
      }
      ctx.promptTaken = { action: "approve", caseId };
      // The question is answered: its button goes, whatever the approval meets.
      ctx.out.push({
        kind: "unbutton",
        chatId: ctx.chatId,
        target: { ref: confirmRef(caseId, ctx.user.id) },
      });
      await performAction(
        ctx,
        deps,
        caseId,
        { action: "approve", d3Confirmed: true, note: p?.note ?? null },
        v,
      );
      return true;
    },

    async promptFor(ctx, action, caseId, place) {
      // Asked only while the action applies: a reason is not written for nothing.
      if ((await allowedMove(ctx, deps, caseId, action)) === null) return;
      await setPrompt(ctx, action, caseId, null, place === "private");
      // Opens the reply, so the words are an answer to this prompt without tapping Reply.
      ctx.out.push({
        kind: "message",
        chatId: ctx.chatId,
        text: ctx.t(`staff:prompt.${action}`, { id: caseId }),
        forceReply: { placeholder: ctx.t(`staff:prompt.placeholder.${action}`, { id: caseId }) },
        ref: promptRef(action, caseId, ctx.user.id),
      });
    },

    async takePrompted(ctx, text, replyTo, place) {
      const p = await promptAnswered(ctx, replyTo, place);
      if (p === null) return false;
      if (p.kind === "stale") {
        ctx.say("staff:prompt.stale");
        return true;
      }
      const words = await expandSaved(ctx, text);
      // A mistyped saved reply's name keeps the prompt: the next message still answers it.
      if (words === null) return true;
      await ctx.tx.staffPrompt.deleteMany({
        where: { userId: ctx.user.id, chatId: ctx.chatId, caseId: p.caseId, action: p.action },
      });
      await performAction(ctx, deps, p.caseId, { action: p.action, note: words });
      return true;
    },

    async reply(ctx, handoffId, text) {
      const r = await replyToHandoff(ctx, deps, handoffId, text);
      const said = { sent: "replied", not_found: "notFound", erased: "erased" } as const;
      ctx.say(`staff:handoff.${said[r]}`, { id: handoffId });
    },

    find: showFind,

    note: addNote,

    async replies(ctx, change) {
      await (change === null ? listReplies(ctx) : changeReply(ctx, change));
    },

    expand: expandSaved,

    async team(ctx) {
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
    },

    async role(ctx, c) {
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
      if (
        role === null ||
        (c.op === "remove" && (current === null || current.role === "customer"))
      ) {
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
      if (role === "customer") await staffButtonsOff(ctx, c.userId);
      logger.info({ userId: c.userId, role, by: ctx.user.id }, "role changed");
      deps.onRoleChanged?.(c.userId, role);
    },

    async human(ctx, origin) {
      await requestHuman(ctx, origin);
    },

    async takeWords(ctx, text) {
      return (await takeQuestion(ctx, deps, text)) || (await takeAnswer(ctx, deps, text));
    },

    async takeFile(ctx, file) {
      return takeFile(ctx, deps, file);
    },

    async onSubmitted(ctx, { case: c, files }) {
      // The case is written with this update: its card is built from it as it will be.
      const view: CaseView = {
        case: c,
        customer: ctx.user,
        assignee: null,
        files: files.length,
        rating: null,
      };
      ctx.out.push(...(await newCaseCards(ctx.tx, deps, view, files)));
    },

    async cardsChanged(ctx, caseId) {
      ctx.out.push(...(await cardEdits(ctx.tx, deps, caseId, "post")));
    },

    rated: (ctx, caseId, what) => ratingChanged(ctx, deps, caseId, what),

    files: showFiles,

    async onHandoff(ctx, outcome) {
      await handoffFromConversation(ctx, deps, outcome);
    },
  };
}
