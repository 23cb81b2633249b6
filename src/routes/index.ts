import { containsCardNumber } from "../../machines/refund/fields.ts";
import type { Callback } from "../callbacks/data.ts";
import { type ChatContext, direct, inTransaction, NOTHING, type Plan } from "../chat/context.ts";
import { commentByReply } from "../chat/rating.ts";
import { cutText } from "../outbox/write.ts";
import type { Place } from "../staff/desk.ts";
import { isStaff } from "../staff/roles.ts";
import type { ChatState } from "../updates/chat-state.ts";
import type { Inbound } from "../updates/parse.ts";
import { CUSTOMER_BUTTONS, CUSTOMER_COMMANDS, human } from "./customer.ts";
import { allowed, type ButtonKind, type Command, type Features, mapPlan } from "./route.ts";
import { STAFF_BUTTONS, STAFF_COMMANDS } from "./staff.ts";

/**
 * The route table: every command by its name and every button by its
 * callback kind, each declared once with who may use it, its arguments and
 * usage, its menu entry and whether it needs a transaction. The menus are
 * generated from it (src/app/commands-menu.ts).
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  ...CUSTOMER_COMMANDS,
  ...STAFF_COMMANDS,
};

export const BUTTONS: Readonly<Record<Callback["kind"], ButtonKind>> = {
  ...CUSTOMER_BUTTONS,
  ...STAFF_BUTTONS,
};

/** An update someone wrote or pressed in a chat (a blocked bot is no one's words). */
export type ChatInbound = Exclude<Inbound, { kind: "blocked" }>;

/** In the staff group these show the staff commands and the team, as /staff does. */
const STAFF_GROUP_ALIASES: readonly string[] = ["start", "help"];

function say(key: string): Plan {
  return direct(async (ctx) => ctx.say(key));
}

/**
 * What one update will do, decided from the chat as read (`state`) before
 * anything is written: the route, and whether it needs a transaction.
 */
export function planFor(
  f: Features,
  ctx: ChatContext,
  inbound: ChatInbound,
  callback: Callback | undefined,
  place: Place,
  state: Pick<ChatState, "awaitingWords">,
): Plan {
  switch (inbound.kind) {
    case "command":
      return commandPlan(f, ctx, inbound.name, inbound.args, place);
    case "callback":
      return answered(inbound, callback, buttonPlan(f, ctx, callback, place), place);
    case "text":
      return textPlan(f, ctx, inbound, place, state.awaitingWords);
    case "media":
      return place === "private" ? mediaPlan(f, ctx, inbound, state.awaitingWords) : NOTHING;
    case "edited":
      // Where an edit would be lost on someone: the request's answers, and the words staff await.
      return place === "private" && (f.refunds.active(ctx) || state.awaitingWords)
        ? say("bot:errors.edited")
        : NOTHING;
  }
}

/**
 * A photo, a file or other media in a private chat: evidence for the request
 * that asks for it, else for the case that waits for the customer's answer
 * (known from the chat as read: `awaitingWords`), whose caption is then the
 * answer too; anywhere else, a note that the bot cannot take it. A caption
 * holding a card number is treated as such a text: deleted, never attached.
 */
function mediaPlan(
  f: Features,
  ctx: ChatContext,
  inbound: Extract<ChatInbound, { kind: "media" }>,
  awaitingWords: boolean,
): Plan {
  const { file, caption } = inbound;
  if (caption !== undefined && containsCardNumber(caption))
    return cardNumberRemoved(inbound.messageId);
  if (f.refunds.wantsFiles(ctx)) return f.refunds.attach(ctx, file);
  if (file === undefined || !awaitingWords) return say("bot:errors.textOnly");
  return inTransaction(async (ctx) => {
    if (!(await f.staff.takeFile(ctx, file))) ctx.say("bot:errors.textOnly");
    else if (caption !== undefined && caption.trim() !== "")
      await f.staff.takeWords(ctx, cutText(caption.trim(), 2000));
  });
}

function commandPlan(
  f: Features,
  ctx: ChatContext,
  typed: string,
  args: string,
  place: Place,
): Plan {
  const name = place === "staff_group" && STAFF_GROUP_ALIASES.includes(typed) ? "staff" : typed;
  const route = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (route === undefined) return place === "private" ? say("bot:errors.unknownCommand") : NOTHING;
  // A customer's command in the staff group: where it works instead, in one line.
  if (place === "staff_group" && route.who === "anyone")
    return direct(async (ctx) => ctx.say("staff:customerCommand", { command: name }));
  if (!allowed(route.who, ctx.user)) {
    f.staff.refuse(ctx, `/${name}`);
    return say("bot:errors.unknownCommand");
  }
  const plan = route.plan(f, ctx, name === typed ? args : "", place);
  return "usage" in plan ? say(plan.usage) : plan;
}

const STALE: Plan<boolean> = direct(async () => false);

function buttonPlan(
  f: Features,
  ctx: ChatContext,
  c: Callback | undefined,
  place: Place,
): Plan<boolean> {
  if (c === undefined) return STALE;
  const route = BUTTONS[c.kind];
  // The staff group has staff buttons only.
  if (place === "staff_group" && route.who === "anyone") return STALE;
  if (!allowed(route.who, ctx.user)) {
    f.staff.refuse(ctx, `button ${c.kind === "staff" ? c.action : c.kind}`);
    return STALE;
  }
  return route.plan(f, ctx, c, place) ?? STALE;
}

/**
 * Answers the button's callback query first. A stale button gets a pop-up and,
 * in a private chat, its keyboard removed; a button that answers its message
 * leaves the message showing the choice, without the keyboard. (The staff
 * group's cards are brought up to date by the staff side.)
 */
function answered(
  inbound: Extract<ChatInbound, { kind: "callback" }>,
  callback: Callback | undefined,
  p: Plan<boolean>,
  place: Place,
): Plan {
  return {
    needs: p.needs,
    run: async (ctx) => {
      const ok = await p.run(ctx);
      // A button that no longer applies may say why (its own answer), else the general notice.
      const said = ok
        ? ctx.pressAnswer
        : (ctx.pressAnswer ?? { text: ctx.t("bot:errors.staleButton"), alert: true });
      ctx.out.unshift({
        kind: "answer",
        chatId: ctx.chatId,
        callbackQueryId: inbound.callbackQueryId,
        ...(said === undefined ? {} : { text: said.text }),
        ...(said?.alert === true ? { alert: true } : {}),
      });
      const target = { messageId: inbound.messageId };
      const route = callback === undefined ? undefined : BUTTONS[callback.kind];
      if (ok && route?.turnsPage === true) {
        turnPage(ctx, target);
        return;
      }
      if (place !== "private") return;
      const answers = route?.answers === true;
      if (ok && !answers) return;
      // Shown before what the press caused: the question with its answer, then what follows.
      ctx.out.splice(
        1,
        0,
        ok && inbound.pressed !== undefined
          ? {
              kind: "edit",
              chatId: ctx.chatId,
              target,
              text: ctx.t("bot:answered", inbound.pressed),
            }
          : { kind: "unbutton", chatId: ctx.chatId, target },
      );
    },
  };
}

/** The page a press showed takes the place of the page it was pressed on. */
function turnPage(ctx: ChatContext, target: { messageId: number }): void {
  const i = ctx.out.findIndex((o) => o.kind === "message" && o.chatId === ctx.chatId);
  const page = ctx.out[i];
  if (page?.kind !== "message") return;
  ctx.out[i] = {
    kind: "edit",
    chatId: ctx.chatId,
    target,
    text: page.text,
    buttons: page.buttons ?? [],
  };
}

/**
 * Plain text. Staff may be answering a button's prompt (a reason, a
 * question), which is looked up in a transaction; staff are few. A customer's
 * text goes to their refund conversation, whose step decides; outside one it
 * is an FAQ question, which needs no transaction unless staff await the
 * customer's words (`awaitingWords`, read with the chat) or the question asks
 * for a person.
 */
function textPlan(
  f: Features,
  ctx: ChatContext,
  inbound: Extract<ChatInbound, { kind: "text" }>,
  place: Place,
  awaitingWords: boolean,
): Plan {
  const typed = inbound.text;
  if (place === "private" && containsCardNumber(typed)) return cardNumberRemoved(inbound.messageId);
  const mine =
    place === "private" ? customerText(f, ctx, typed, awaitingWords, inbound.replyTo) : NOTHING;
  const text = cutText(typed.trim(), 2000);
  if (!isStaff(ctx.user) || text === "") return mine;
  return inTransaction(async (ctx) => {
    if (!(await f.staff.takePrompted(ctx, text, inbound.replyTo, place))) await mine.run(ctx);
  });
}

/**
 * A full card number in a private chat is never acted on, passed to staff or
 * kept: the message is deleted from the chat (a bot may delete in private
 * chats) and the customer is told why.
 */
function cardNumberRemoved(messageId: number): Plan {
  return direct(async (ctx) => {
    ctx.out.push({ kind: "delete", chatId: ctx.chatId, target: { messageId } });
    ctx.say("bot:errors.cardDeleted");
  });
}

function customerText(
  f: Features,
  ctx: ChatContext,
  text: string,
  awaitingWords: boolean,
  replyTo: number | undefined,
): Plan {
  if (f.refunds.active(ctx)) return mapPlan(f.refunds.send(ctx, { type: "text", text }), () => {});
  const question = faqText(f, ctx, text, awaitingWords);
  // A reply may answer a comment prompt: then it is that case's comment.
  if (replyTo === undefined) return question;
  return inTransaction(async (ctx) => {
    const comment = await commentByReply(ctx, replyTo, text);
    if (comment === "not a comment") await question.run(ctx);
    else if (comment !== null) await f.staff.rated(ctx, comment, "comment");
  });
}

/** Outside a refund conversation, a customer's text is a question for the FAQ (or staff's awaited words). */
function faqText(f: Features, ctx: ChatContext, text: string, awaitingWords: boolean): Plan {
  const m = f.faq.match(text, { userLanguage: ctx.lang });
  const answer =
    m.kind === "handoff" ? human(f, "faq") : direct(async (ctx) => f.customer.answer(ctx, m));
  const run = async (ctx: ChatContext) => {
    // Words for staff are confirmed in their own language when they tell one, else in the
    // chat's: an order number or an e-mail address tells none, and a guess would be foreign.
    if (awaitingWords) {
      ctx.lang = f.faq.languageTold(text) ?? ctx.lang;
      if (await f.staff.takeWords(ctx, text)) return;
    }
    // An FAQ question gets everything in its own language: the answer, a hand-off's prompt.
    // The chat's setting stays as it is.
    ctx.lang = m.language;
    await answer.run(ctx);
  };
  return awaitingWords || answer.needs === "transaction" ? inTransaction(run) : direct(run);
}
