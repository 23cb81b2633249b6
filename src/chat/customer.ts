import type { MENU_ACTIONS } from "../callbacks/data.ts";
import type { EvidenceFile } from "../cases/evidence.ts";
import { withdrawCase } from "../cases/withdraw.ts";
import type { Config } from "../config/load.ts";
import { FAQ_KEYS, type Faq, type FaqMatch, type RefundTo, sinceDay } from "../faq/index.ts";
import type { I18n } from "../i18n/index.ts";
import type { Button } from "../outbox/write.ts";
import type { ChatContext, Plan } from "./context.ts";
import { showStatus } from "./status.ts";

/**
 * The refund conversation as the customer chat sees it (src/conversation/).
 * Each call steps the pure machine at once and returns what applying the
 * step takes: a step that submits a case, records a refusal or hands off
 * needs a transaction, any other does not.
 */
export interface RefundConversations {
  /** Whether the chat has a refund request in progress. */
  active(ctx: ChatContext): boolean;
  /**
   * Starts a new request (dropping one in progress), optionally at an FAQ's starting point,
   * with where the money goes and the day (YYYY-MM-DD) the question said the problem began, to
   * propose; false for an unknown starting point.
   */
  start(ctx: ChatContext, at?: string, want?: RefundTo, since?: string): Plan<boolean>;
  /** Feeds typed text or a button's event; "stale" when the event no longer applies. */
  send(
    ctx: ChatContext,
    input: { type: "text"; text: string } | { type: "button"; json: string },
  ): Plan<"ok" | "stale">;
  /** Cancels the request in progress; false when there was none. */
  cancel(ctx: ChatContext): Plan<boolean>;
  /** Whether the request in progress is asking for photos and files. */
  wantsFiles(ctx: ChatContext): boolean;
  /** A photo or file (undefined: other media) sent while the request asks for them. */
  attach(ctx: ChatContext, file: EvidenceFile | undefined): Plan;
}

export interface CustomerDeps {
  config: Config;
  i18n: I18n;
  faq: Faq;
  /** A staff member's language is being set (by an update not committed yet): their command menu follows. */
  onStaffLanguage?: (userId: bigint, language: string) => void;
}

/** What the customer's private chat shows: menus, the FAQ, status; everything it says goes to `ctx.out`. */
export interface CustomerChat {
  greet(ctx: ChatContext): void;
  /** The customer's settings (their language, for now) and how to change them. */
  settings(ctx: ChatContext): void;
  help(ctx: ChatContext): void;
  chooseLanguage(ctx: ChatContext): void;
  /** Keeps the language chosen; false for a language the bot does not speak. */
  setLanguage(ctx: ChatContext, language: string): Promise<boolean>;
  topics(ctx: ChatContext): void;
  /** One topic's questions; false for an unknown topic. */
  topic(ctx: ChatContext, topicId: string): boolean;
  /** One FAQ answer; false for an unknown entry. */
  entry(ctx: ChatContext, entryId: string): boolean;
  status(ctx: ChatContext): Promise<void>;
  /** Withdraws one of the customer's own cases; false when it is not theirs, does not exist or was decided. */
  withdraw(ctx: ChatContext, caseId: number): Promise<boolean>;
  /** Answers a free-text question as the FAQ matched it; a "handoff" match is `human`'s. */
  answer(ctx: ChatContext, m: Exclude<FaqMatch, { kind: "handoff" }>): void;
}

export function createCustomerChat(deps: CustomerDeps): CustomerChat {
  const { config, i18n, faq } = deps;
  const email = config.supportEmail;

  function mainMenu(ctx: ChatContext): Button[][] {
    const b = (action: (typeof MENU_ACTIONS)[number]): Button => ({
      text: ctx.t(`bot:menu.${action}`),
      callback: { kind: "menu", action },
    });
    return [[b("refund")], [b("faq"), b("status")], [b("language"), b("human")]];
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
      // An answer in another language than the chat's names it: the request goes on in it.
      // One in the chat's names none, so a later /language is not undone by the old button.
      const chat = i18n.pickLanguage(ctx.user.language ?? undefined, config.defaultLanguage);
      buttons.push([
        {
          text: ctx.t("faq:ui.startRequest"),
          callback: {
            kind: "begin",
            start: entry.start,
            ...said,
            ...(ctx.lang === chat ? {} : { language: ctx.lang }),
          },
        },
      ]);
    }
    buttons.push([
      { text: ctx.t("faq:ui.talkToHuman"), callback: { kind: "menu", action: "human" } },
    ]);
    ctx.send(text, buttons);
  }

  return {
    greet(ctx) {
      ctx.say("bot:start.greeting", { name: ctx.user.firstName ?? "" });
      ctx.say("bot:start.intro", {}, mainMenu(ctx));
    },

    settings(ctx) {
      ctx.say("bot:settings.text", { language: ctx.t("bot:language.name") }, [
        [{ text: ctx.t("bot:settings.language"), callback: { kind: "menu", action: "language" } }],
      ]);
    },

    help(ctx) {
      ctx.say("bot:help.text", { email });
    },

    chooseLanguage(ctx) {
      ctx.say(
        "bot:languageMenu.choose",
        {},
        i18n.languages.map((lang) => [
          {
            text: i18n.t(lang, "bot:language.name"),
            callback: { kind: "language", language: lang },
          },
        ]),
      );
    },

    async setLanguage(ctx, language) {
      if (!i18n.languages.includes(language)) return false;
      await ctx.tx.user.update({ where: { id: ctx.user.id }, data: { language } });
      if (ctx.user.role !== "customer") deps.onStaffLanguage?.(ctx.user.id, language);
      ctx.lang = language;
      ctx.say("bot:languageMenu.changed");
      return true;
    },

    topics(ctx) {
      ctx.say(
        "faq:ui.topicsTitle",
        {},
        faq
          .topics(ctx.lang)
          .map((t) => [{ text: t.label, callback: { kind: "topic", topic: t.id } }]),
      );
    },

    topic(ctx, topicId) {
      const topic = faq.topics(ctx.lang).find((t) => t.id === topicId);
      if (topic === undefined) return false;
      ctx.send(
        ctx.t("faq:ui.topicEntries", { topic: topic.label }),
        topic.entries.map((e) => [{ text: e.question, callback: { kind: "faq", entry: e.id } }]),
      );
      return true;
    },

    entry(ctx, entryId) {
      if (faq.entry(entryId) === undefined) return false;
      showEntry(ctx, entryId);
      return true;
    },

    status: showStatus,

    async withdraw(ctx, caseId) {
      const r = await withdrawCase(ctx.tx, ctx.user.id, caseId, ctx.now);
      if (r.kind === "not_found") return false;
      // A decided case's button is out of date: a pop-up says why, and the list loses its buttons.
      if (r.kind !== "withdrawn") {
        ctx.notify("bot:case.cannotWithdraw", { id: caseId }, { alert: true });
        return false;
      }
      ctx.say("bot:case.withdrawn", { id: caseId });
      return true;
    },

    answer(ctx, m) {
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
    },
  };
}
