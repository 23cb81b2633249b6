import type { z } from "zod";
import type { Callback } from "../callbacks/data.ts";
import {
  type ChatContext,
  direct,
  inTransaction,
  oneStatement,
  type Plan,
} from "../chat/context.ts";
import type { CustomerChat, RefundConversations } from "../chat/customer.ts";
import type { User } from "../database/generated/client.ts";
import type { Faq } from "../faq/index.ts";
import type { Place, StaffDesk } from "../staff/desk.ts";
import { isStaff } from "../staff/roles.ts";
import type { Needs } from "../updates/chat-state.ts";

/** What the routes act through. */
export interface Features {
  customer: CustomerChat;
  refunds: RefundConversations;
  staff: StaffDesk;
  faq: Faq;
}

/**
 * Who may use a command or a button, checked against the role read from the
 * database with the update. Adding and removing staff is for admins: that is
 * checked on the arguments (`/staff add`), since `/staff` alone is for staff.
 */
export type Who = "anyone" | "staff";

export function allowed(who: Who, user: Pick<User, "role">): boolean {
  return who === "anyone" || isStaff(user);
}

/**
 * Whose Telegram command menu lists a command (src/app/commands-menu.ts):
 * every private chat's, staff's (the staff group and their private chats), or
 * admins' (their private chats: a group's menu is the same for all its members).
 */
export type MenuScope = "customer" | "staff" | "admin";

/** A command's entry in the menu: its scope and the locale key of its description. */
export interface MenuEntry {
  scope: MenuScope;
  description: string;
}

/**
 * How a route acts: with a need known from the route alone, or by a plan that
 * the refund conversation's step decides (only a step that submits, refuses or
 * hands off needs a transaction).
 */
type Acts<A, R> =
  | {
      needs: Needs;
      run(f: Features, ctx: ChatContext, args: A, place: Place): Promise<R>;
    }
  | {
      needs: "by its step";
      plan(f: Features, ctx: ChatContext, args: A, place: Place): Plan<R>;
    };

function planOf<A, R>(
  acts: Acts<A, R>,
  f: Features,
  ctx: ChatContext,
  a: A,
  place: Place,
): Plan<R> {
  if (acts.needs === "by its step") return acts.plan(f, ctx, a, place);
  const run = (ctx: ChatContext) => acts.run(f, ctx, a, place);
  if (acts.needs === "direct") return direct(run);
  return acts.needs === "statement" ? oneStatement(run) : inTransaction(run);
}

/** A command as declared: who may use it, its arguments, its menu entry, its needs, its work. */
export type CommandRoute<A> = {
  who: Who;
  /** what follows the command's name, parsed by `schema`; what does not parse gets `usage` */
  args?: { schema: z.ZodType<A, string>; usage: string };
  /** its entry in Telegram's command menu */
  menu?: MenuEntry;
} & Acts<A, void>;

/** A command as the dispatch uses it. */
export interface Command {
  readonly who: Who;
  readonly menu: MenuEntry | undefined;
  readonly needs: Needs | "by its step";
  /** The plan for these arguments; `usage` when they do not parse. */
  plan(f: Features, ctx: ChatContext, args: string, place: Place): Plan | { usage: string };
}

export function command<A = undefined>(r: CommandRoute<A>): Command {
  return {
    who: r.who,
    menu: r.menu,
    needs: r.needs,
    plan(f, ctx, text, place) {
      if (r.args === undefined) return planOf<A | undefined, void>(r, f, ctx, undefined, place);
      const parsed = r.args.schema.safeParse(text);
      return parsed.success ? planOf(r, f, ctx, parsed.data, place) : { usage: r.args.usage };
    },
  };
}

/**
 * A button as declared: who may press it, its needs, its work (false: the
 * button is stale), and what the press does to its own message: `answers` —
 * a question, a confirmation — keeps the choice and loses the keyboard;
 * `turnsPage` — a list's next page — replaces the message with what the press
 * shows, so the chat holds one list, not one per page (menus stay as they are).
 */
export type ButtonRoute<C> = { who: Who; answers?: true; turnsPage?: true } & Acts<C, boolean>;

/** A button as the dispatch uses it. */
export interface ButtonKind {
  readonly who: Who;
  readonly answers: boolean;
  readonly turnsPage: boolean;
  readonly needs: Needs | "by its step";
  /** The plan for this press; undefined when the callback is of another kind. */
  plan(f: Features, ctx: ChatContext, c: Callback, place: Place): Plan<boolean> | undefined;
}

export function button<K extends Callback["kind"]>(
  kind: K,
  r: ButtonRoute<Extract<Callback, { kind: K }>>,
): ButtonKind {
  const mine = (c: Callback): c is Extract<Callback, { kind: K }> => c.kind === kind;
  return {
    who: r.who,
    answers: r.answers === true,
    turnsPage: r.turnsPage === true,
    needs: r.needs,
    plan: (f, ctx, c, place) => (mine(c) ? planOf(r, f, ctx, c, place) : undefined),
  };
}

/** The same plan, its result turned into another. */
export function mapPlan<T, U>(p: Plan<T>, to: (t: T) => U): Plan<U> {
  return { needs: p.needs, run: async (ctx) => to(await p.run(ctx)) };
}
