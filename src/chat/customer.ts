import type { Callback, MENU_ACTIONS } from "../callbacks/data.ts";
import { withdrawCase } from "../cases/withdraw.ts";
import type { Config } from "../config/load.ts";
import { FAQ_KEYS, type Faq, type FaqMatch, type RefundTo, sinceDay } from "../faq/index.ts";
import type { I18n } from "../i18n/index.ts";
import type { Button } from "../outbox/write.ts";
import type { Inbound } from "../updates/parse.ts";
import type { ChatContext } from "./context.ts";
import { showStatus } from "./status.ts";

/** The refund conversation as the customer chat sees it (src/conversation/). */
export interface RefundConversations {
  /** Whether the chat has a refund request in progress. */
  active(ctx: ChatContext): Promise<boolean>;
  /**
   * Starts a new request (dropping one in progress), optionally at an FAQ's starting point,
   * with where the money goes and the day (YYYY-MM-DD) the question said the problem began, to
   * propose; false for an unknown starting point.
   */
  start(ctx: ChatContext, at?: string, want?: RefundTo, since?: string): Promise<boolean>;
  /** Feeds typed text or a button's event; "stale" when the event no longer applies. */
  send(
    ctx: ChatContext,
    input: { type: "text"; text: string } | { type: "button"; json: string },
  ): Promise<"ok" | "stale">;
  /** Cancels the request in progress; false when there was none. */
  cancel(ctx: ChatContext): Promise<boolean>;
}

/** What the staff side takes from the customer chat (src/staff/desk.ts). */
export interface CustomerHooks {
  /** The customer asked for a person (the menu button or an FAQ "handoff" match). */
  human(ctx: ChatContext, origin: "menu" | "faq"): Promise<void>;
  /** Text outside a refund conversation: true when it was an answer or a question for staff. */
  text(ctx: ChatContext, text: string): Promise<boolean>;
}

export interface CustomerDeps {
  config: Config;
  i18n: I18n;
  faq: Faq;
  refunds: RefundConversations;
  hooks?: CustomerHooks;
}

export type CustomerInbound = Exclude<Inbound, { kind: "blocked" }>;

/**
 * A customer's private chat: commands, menus, the FAQ, and the refund
 * conversation. Everything it says goes to `ctx.out`.
 */
export function createCustomerChat(deps: CustomerDeps) {
  const { config, i18n, faq, refunds } = deps;
  const email = config.supportEmail;

  function mainMenu(ctx: ChatContext): Button[][] {
    const b = (action: (typeof MENU_ACTIONS)[number]): Button => ({
      text: ctx.t(`bot:menu.${action}`),
      callback: { kind: "menu", action },
    });
    return [[b("refund")], [b("faq"), b("status")], [b("language"), b("human")]];
  }

  function languageMenu(): Button[][] {
    return i18n.languages.map((lang) => [
      { text: i18n.t(lang, "bot:language.name"), callback: { kind: "language", language: lang } },
    ]);
  }

  function showTopics(ctx: ChatContext): void {
    const topics = faq.topics(ctx.lang);
    ctx.say(
      "faq:ui.topicsTitle",
      {},
      topics.map((t) => [{ text: t.label, callback: { kind: "topic", topic: t.id } }]),
    );
  }

  function showEntry(
    ctx: ChatContext,
    entryId: string,
    said: { want?: RefundTo; since?: string } = {},
  ): void {
    const entry = faq.entry(entryId);
    if (entry === undefined) return;
    const text = ctx.t(`faq:entries.${entryId}.answer`, { email });
    const buttons: Button[][] = [];
    if (entry.start !== "none") {
      buttons.push([
        {
          text: ctx.t("faq:ui.startRequest"),
          callback: { kind: "begin", start: entry.start, ...said },
        },
      ]);
    }
    buttons.push([
      { text: ctx.t("faq:ui.talkToHuman"), callback: { kind: "menu", action: "human" } },
    ]);
    ctx.send(text, buttons);
  }

  async function answerQuestion(ctx: ChatContext, m: FaqMatch): Promise<void> {
    const human: Button = {
      text: ctx.t("faq:ui.talkToHuman"),
      callback: { kind: "menu", action: "human" },
    };
    switch (m.kind) {
      case "answer": {
        // The day goes into the button as a date: pressed tomorrow, "since yesterday" is still
        // the day the customer meant.
        const since = m.since && sinceDay(m.since, ctx.now, config.timeZone);
        showEntry(ctx, m.entryId, {
          ...(m.want === undefined ? {} : { want: m.want }),
          ...(since === undefined ? {} : { since }),
        });
        return;
      }
      case "handoff":
        if (deps.hooks !== undefined) await deps.hooks.human(ctx, "faq");
        else ctx.say("bot:human.prompt");
        return;
      case "smalltalk":
        ctx.say(FAQ_KEYS.smallTalk(m.topic), {}, mainMenu(ctx));
        return;
      case "suggestions":
        ctx.say("faq:ui.suggestions", {}, [
          ...m.entryIds.map((id) => [
            {
              text: ctx.t(`faq:entries.${id}.question`),
              callback: { kind: "faq", entry: id },
            } as Button,
          ]),
          [human],
        ]);
        return;
      case "out_of_scope":
        ctx.say("faq:ui.outOfScope", {}, [[human]]);
        return;
    }
  }

  async function command(ctx: ChatContext, name: string): Promise<void> {
    switch (name) {
      case "start":
        ctx.say("bot:start.greeting", { name: ctx.user.firstName ?? "" });
        ctx.say("bot:start.intro", {}, mainMenu(ctx));
        return;
      case "help":
        ctx.say("bot:help.text", { email });
        return;
      case "refund":
        await refunds.start(ctx);
        return;
      case "status":
        await showStatus(ctx);
        return;
      case "language":
        ctx.say("bot:languageMenu.choose", {}, languageMenu());
        return;
      case "faq":
        showTopics(ctx);
        return;
      case "cancel":
        if (!(await refunds.cancel(ctx))) ctx.say("bot:conversation.nothingToCancel");
        return;
      default:
        ctx.say("bot:errors.unknownCommand");
    }
  }

  /** Acts on a button; false when the button is stale or foreign. */
  async function button(ctx: ChatContext, c: Callback): Promise<boolean> {
    switch (c.kind) {
      case "refund":
        return (await refunds.send(ctx, { type: "button", json: c.event })) === "ok";
      case "menu":
        if (c.action !== "human") await command(ctx, c.action);
        else if (deps.hooks !== undefined) await deps.hooks.human(ctx, "menu");
        else ctx.say("bot:human.prompt");
        return true;
      case "language":
        if (!i18n.languages.includes(c.language)) return false;
        await ctx.tx.user.update({ where: { id: ctx.user.id }, data: { language: c.language } });
        ctx.lang = c.language;
        ctx.say("bot:languageMenu.changed");
        return true;
      case "topic": {
        const topic = faq.topics(ctx.lang).find((t) => t.id === c.topic);
        if (topic === undefined) return false;
        ctx.send(
          ctx.t("faq:ui.topicEntries", { topic: topic.label }),
          topic.entries.map((e) => [{ text: e.question, callback: { kind: "faq", entry: e.id } }]),
        );
        return true;
      }
      case "faq":
        if (faq.entry(c.entry) === undefined) return false;
        showEntry(ctx, c.entry);
        return true;
      case "begin":
        return refunds.start(ctx, c.start, c.want, c.since);
      case "withdraw": {
        const r = await withdrawCase(ctx.tx, ctx.user.id, c.caseId, ctx.now);
        if (r.kind === "not_found") return false;
        ctx.say(r.kind === "withdrawn" ? "bot:case.withdrawn" : "bot:case.cannotWithdraw", {
          id: c.caseId,
        });
        return true;
      }
      case "staff":
      case "queue":
        return false;
    }
  }

  return {
    async handle(
      ctx: ChatContext,
      inbound: CustomerInbound,
      callback: Callback | undefined,
    ): Promise<void> {
      switch (inbound.kind) {
        case "command":
          await command(ctx, inbound.name);
          return;
        case "text":
          if (await refunds.active(ctx))
            await refunds.send(ctx, { type: "text", text: inbound.text });
          else {
            const m = faq.match(inbound.text, { userLanguage: ctx.lang });
            // Everything this message gets is in its own language: the FAQ's answer, a
            // hand-off's prompt, and the confirmation when it is the question for staff. The
            // chat's setting stays as it is.
            ctx.lang = m.language;
            if (!(await deps.hooks?.text(ctx, inbound.text))) await answerQuestion(ctx, m);
          }
          return;
        case "media":
          ctx.say("bot:errors.textOnly");
          return;
        case "edited":
          if (await refunds.active(ctx)) ctx.say("bot:errors.edited");
          return;
        case "callback": {
          const ok = callback !== undefined && (await button(ctx, callback));
          ctx.out.unshift({
            kind: "answer",
            chatId: ctx.chatId,
            callbackQueryId: inbound.callbackQueryId,
            ...(ok ? {} : { text: ctx.t("bot:errors.staleButton") }),
          });
          return;
        }
      }
    },
  };
}
