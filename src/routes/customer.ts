import { z } from "zod";
import { direct, inTransaction, type Plan } from "../chat/context.ts";
import { answerForget, askToForget, sendMyData } from "../chat/privacy.ts";
import { commentRating, promptComment, rateCase } from "../chat/rating.ts";
import { type ButtonKind, button, type Command, command, type Features, mapPlan } from "./route.ts";

/** What a /start deep link names; anything else is a plain start. */
const startPayload = z
  .string()
  .trim()
  .transform((p): { kind: "greet" | "refund" | "status" } | { kind: "faq"; entry: string } => {
    if (p === "refund" || p === "status") return { kind: p };
    const faq = /^faq_([a-z][a-z0-9_]{0,31})$/.exec(p);
    return faq?.[1] === undefined ? { kind: "greet" } : { kind: "faq", entry: faq[1] };
  });

/**
 * The customer's commands, in the order of Telegram's menu. Anyone may use
 * them in a private chat; their arguments are ignored, but for /comment's.
 */
export const CUSTOMER_COMMANDS = {
  refund: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.refund" },
    needs: "by its step",
    plan: (f, ctx) => mapPlan(f.refunds.start(ctx), () => {}),
  }),
  status: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.status" },
    needs: "transaction",
    run: (f, ctx) => f.customer.status(ctx),
  }),
  faq: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.faq" },
    needs: "direct",
    run: async (f, ctx) => f.customer.topics(ctx),
  }),
  language: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.language" },
    needs: "direct",
    run: async (f, ctx) => f.customer.chooseLanguage(ctx),
  }),
  cancel: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.cancel" },
    needs: "by its step",
    plan: (f, ctx) =>
      mapPlan(f.refunds.cancel(ctx), (cancelled) => {
        if (!cancelled) ctx.say("bot:conversation.nothingToCancel");
      }),
  }),
  mydata: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.mydata" },
    needs: "transaction",
    run: (_f, ctx) => sendMyData(ctx),
  }),
  forget: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.forget" },
    needs: "direct",
    run: async (_f, ctx) => askToForget(ctx),
  }),
  // Not in the menu: it follows a rating, whose thanks says how to use it.
  comment: command({
    who: "anyone",
    // The length is checked where the comment is saved, which says why it was refused.
    args: { schema: z.string().trim().min(1), usage: "bot:rating.commentUsage" },
    needs: "transaction",
    run: async (f, ctx, text) => {
      const caseId = await commentRating(ctx, text);
      if (caseId !== null) await f.staff.rated(ctx, caseId, "comment");
    },
  }),
  help: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.help" },
    needs: "direct",
    run: async (f, ctx) => f.customer.help(ctx),
  }),
  settings: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.settings" },
    needs: "direct",
    run: async (f, ctx) => f.customer.settings(ctx),
  }),
  start: command({
    who: "anyone",
    menu: { scope: "customer", description: "bot:commands.start" },
    // A deep link (t.me/<bot>?start=<payload>) opens the chat at what it names.
    args: { schema: startPayload, usage: "bot:errors.unknownCommand" },
    needs: "by its step",
    plan(f, ctx, at) {
      switch (at.kind) {
        case "refund":
          return mapPlan(f.refunds.start(ctx), () => {});
        case "status":
          return inTransaction((ctx) => f.customer.status(ctx));
        case "faq":
          return direct(async (ctx) => {
            if (!f.customer.entry(ctx, at.entry)) f.customer.greet(ctx);
          });
        case "greet":
          return direct(async (ctx) => f.customer.greet(ctx));
      }
    },
  }),
} satisfies Record<string, Command>;

/** "Talk to a person": a hand-off awaiting the customer's question. */
export function human(f: Features, origin: "menu" | "faq"): Plan {
  return inTransaction((ctx) => f.staff.human(ctx, origin));
}

/** The customer's buttons, by their callback kind (src/callbacks/data.ts). */
export const CUSTOMER_BUTTONS = {
  refund: button("refund", {
    who: "anyone",
    answers: true,
    needs: "by its step",
    plan: (f, ctx, c) =>
      mapPlan(f.refunds.send(ctx, { type: "button", json: c.event }), (r) => r === "ok"),
  }),
  menu: button("menu", {
    who: "anyone",
    needs: "by its step",
    plan(f, ctx, c) {
      const p =
        c.action === "human"
          ? human(f, "menu")
          : CUSTOMER_COMMANDS[c.action].plan(f, ctx, "", "private");
      return "usage" in p ? direct(async () => false) : mapPlan(p, () => true);
    },
  }),
  language: button("language", {
    who: "anyone",
    answers: true,
    needs: "transaction",
    run: (f, ctx, c) => f.customer.setLanguage(ctx, c.language),
  }),
  topic: button("topic", {
    who: "anyone",
    needs: "direct",
    run: async (f, ctx, c) => f.customer.topic(ctx, c.topic),
  }),
  faq: button("faq", {
    who: "anyone",
    needs: "direct",
    run: async (f, ctx, c) => f.customer.entry(ctx, c.entry),
  }),
  begin: button("begin", {
    who: "anyone",
    answers: true,
    needs: "by its step",
    plan: (f, ctx, c) => {
      const { language } = c;
      // From an answer in another language than the chat's (the question was written in
      // it): the chat speaks it from now on, the request included.
      if (language === undefined || language === ctx.lang)
        return f.refunds.start(ctx, c.start, c.want, c.since);
      return inTransaction(async (ctx) => {
        await f.customer.setLanguage(ctx, language);
        return f.refunds.start(ctx, c.start, c.want, c.since).run(ctx);
      });
    },
  }),
  withdraw: button("withdraw", {
    who: "anyone",
    // The /status list it sits on is out of date once one request is withdrawn.
    answers: true,
    needs: "transaction",
    run: async (f, ctx, c) => {
      const withdrawn = await f.customer.withdraw(ctx, c.caseId);
      if (withdrawn) await f.staff.cardsChanged(ctx, c.caseId);
      return withdrawn;
    },
  }),
  rate: button("rate", {
    who: "anyone",
    answers: true,
    needs: "transaction",
    run: async (f, ctx, c) => {
      const r = await rateCase(ctx, c.caseId, c.stars);
      if (r === "rated") await f.staff.rated(ctx, c.caseId, "stars");
      // A second press takes the stars off: its answer says which were kept.
      return r === "rated";
    },
  }),
  comment: button("comment", {
    who: "anyone",
    answers: true,
    needs: "transaction",
    run: (_f, ctx, c) => promptComment(ctx, c.caseId),
  }),
  privacy: button("privacy", {
    who: "anyone",
    answers: true,
    needs: "transaction",
    run: async (_f, ctx, c) => {
      await answerForget(ctx, c.action);
      return true;
    },
  }),
} satisfies Record<string, ButtonKind>;
