import { z } from "zod";
import { findText, type STAFF_ACTIONS } from "../callbacks/data.ts";
import { type ChatContext, inTransaction, oneStatement } from "../chat/context.ts";
import type { Place } from "../staff/desk.ts";
import { answerErase, personsData } from "../staff/privacy.ts";
import { REPLY_NAME } from "../staff/replies.ts";
import type { Needs } from "../updates/chat-state.ts";
import { type ButtonKind, button, type Command, command, type Features } from "./route.ts";

/**
 * Staff commands' arguments, parsed with zod from what follows the command.
 * Anything that does not parse gets the command's usage line; nothing is guessed.
 */
function split(args: string): { head: string; rest: string } {
  const m = /^(\S*)\s*([\s\S]*)$/.exec(args.trim());
  return { head: m?.[1] ?? "", rest: (m?.[2] ?? "").trim() };
}

const number = z
  .string()
  .regex(/^#?[1-9]\d{0,9}$/)
  .transform((s) => Number(s.replace("#", "")))
  .pipe(z.number().int().max(2_147_483_647));

const userId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/)
  .transform((s) => BigInt(s));

const none = z.literal("");
const words = z.string().trim().min(1).max(2000);

/** The arguments as a head word and the rest, parsed by `shape`. */
const headAndRest = <T extends z.ZodType<unknown, { head: string; rest: string }>>(shape: T) =>
  z.string().transform(split).pipe(shape);

const noArgs = z.string().trim().pipe(none);
const page = z
  .string()
  .transform(split)
  .pipe(
    z.union([
      z.object({ head: none, rest: z.string() }).transform(() => 0),
      z.object({ head: number, rest: none }).transform((p) => p.head - 1),
    ]),
  );
const caseId = headAndRest(z.object({ head: number, rest: none })).transform((a) => a.head);
const caseAndNote = headAndRest(z.object({ head: number, rest: z.string().max(2000) })).transform(
  (a) => ({ id: a.head, note: a.rest === "" ? null : a.rest }),
);
/** A question for a person is "H-3" (hand-off, apart from cases' "#3"); a bare number is one too. */
const handoffNumber = z
  .string()
  .regex(/^([HhНн]-?)?#?[1-9]\d{0,9}$/)
  .transform((s) => Number(s.replace(/^[HhНн]-?/, "").replace("#", "")))
  .pipe(z.number().int().max(2_147_483_647));
const handoffAndWords = headAndRest(z.object({ head: handoffNumber, rest: words })).transform(
  (a) => ({ id: a.head, text: a.rest }),
);

const caseAndWords = headAndRest(z.object({ head: number, rest: words })).transform((a) => ({
  id: a.head,
  text: a.rest,
}));

/** `/staff` and `/admin`: the team (`list`, or nothing for /staff), or a role change. */
const team = (role: "staff" | "admin") =>
  z
    .string()
    .transform(split)
    .pipe(
      z.union([
        z
          .object({ head: role === "staff" ? z.enum(["", "list"]) : z.literal("list"), rest: none })
          .transform(() => ({ kind: "team" as const })),
        z
          .object({
            head: z.enum(["add", "remove"]),
            rest: z
              .string()
              .transform(split)
              .pipe(z.object({ head: userId, rest: none })),
          })
          .transform((a) => ({ kind: "role" as const, op: a.head, userId: a.rest.head, role })),
      ]),
    );

/** `/privacy export|forget <user id>`: a person's data, for admins. */
const privacy = headAndRest(
  z.object({
    head: z.enum(["export", "forget"]),
    rest: z
      .string()
      .transform(split)
      .pipe(z.object({ head: userId, rest: none })),
  }),
).transform((a) => ({ op: a.head, userId: a.rest.head }));

/** `/replies`, `/replies add <name> <text>`, `/replies remove <name>` (a name may be typed with its ":"). */
const replyName = z
  .string()
  .transform((n) => n.replace(/^:/, "").toLowerCase())
  .pipe(z.string().regex(REPLY_NAME));
const replies = z
  .string()
  .transform(split)
  .pipe(
    z.union([
      z.object({ head: z.enum(["", "list"]), rest: none }).transform(() => null),
      z
        .object({
          head: z.literal("add"),
          rest: z
            .string()
            .transform(split)
            .pipe(z.object({ head: replyName, rest: words })),
        })
        .transform((a) => ({ op: "add" as const, name: a.rest.head, text: a.rest.rest })),
      z
        .object({
          head: z.literal("remove"),
          rest: z
            .string()
            .transform(split)
            .pipe(z.object({ head: replyName, rest: none })),
        })
        .transform((a) => ({ op: "remove" as const, name: a.rest.head })),
    ]),
  );

/**
 * A staff command: for staff only, in a transaction (it reads cases, prompts
 * or the team) unless it says otherwise; its usage line and menu description
 * are the locale keys of its name.
 */
function staffCommand<A>(
  name: string,
  schema: z.ZodType<A, string>,
  run: (f: Features, ctx: ChatContext, args: A, place: Place) => Promise<void>,
  needs: Needs = "transaction",
  menu: "staff" | "admin" = "staff",
): Command {
  return command({
    who: "staff",
    args: { schema, usage: `staff:usage.${name}` },
    menu: { scope: menu, description: `staff:menu.${name}` },
    needs,
    run,
  });
}

// An action on a case reads it and goes with the update's write: no transaction.
const onCase = (action: "claim" | "done" | "release") =>
  staffCommand(action, caseId, (f, ctx, id) => f.staff.act(ctx, id, { action }), "statement");

/**
 * Staff's words for the customer, as typed or the saved reply their `:name`
 * stands for, handed to `use`; an unknown name is said, and nothing is done.
 */
async function saved(
  f: Features,
  ctx: ChatContext,
  typed: string,
  use: (text: string) => Promise<void>,
): Promise<void> {
  const text = await f.staff.expand(ctx, typed);
  if (text !== null) await use(text);
}

const withWords = (action: "reject" | "ask") =>
  staffCommand(
    action,
    caseAndWords,
    (f, ctx, a) => saved(f, ctx, a.text, (text) => f.staff.act(ctx, a.id, { action, note: text })),
    "statement",
  );

const teamOrRole = (role: "staff" | "admin") =>
  staffCommand(role, team(role), (f, ctx, a) =>
    a.kind === "team" ? f.staff.team(ctx) : f.staff.role(ctx, { role, op: a.op, userId: a.userId }),
  );

/** The staff commands: for staff in the staff group and in their private chat. */
export const STAFF_COMMANDS = {
  queue: staffCommand("queue", page, (f, ctx, p) => f.staff.queue(ctx, p)),
  case: staffCommand("case", caseId, (f, ctx, id, place) => f.staff.show(ctx, id, place)),
  claim: onCase("claim"),
  next: staffCommand("next", noArgs, (f, ctx, _, place) => f.staff.next(ctx, place)),
  approve: staffCommand(
    "approve",
    caseAndNote,
    (f, ctx, a) => f.staff.askD3(ctx, a.id, a.note),
    "statement",
  ),
  reject: withWords("reject"),
  ask: withWords("ask"),
  done: onCase("done"),
  release: onCase("release"),
  stats: staffCommand("stats", noArgs, (f, ctx) => f.staff.stats(ctx)),
  staff: teamOrRole("staff"),
  admin: teamOrRole("admin"),
  reply: staffCommand("reply", handoffAndWords, (f, ctx, a) =>
    saved(f, ctx, a.text, (text) => f.staff.reply(ctx, a.id, text)),
  ),
  find: staffCommand("find", findText, (f, ctx, text) => f.staff.find(ctx, text, 0)),
  note: staffCommand("note", caseAndWords, (f, ctx, a) => f.staff.note(ctx, a.id, a.text)),
  replies: staffCommand("replies", replies, (f, ctx, change) => f.staff.replies(ctx, change)),
  // For admins (checked in src/staff/privacy.ts): only their menu lists it.
  privacy: staffCommand(
    "privacy",
    privacy,
    (_f, ctx, a) => personsData(ctx, a.op, a.userId),
    "transaction",
    "admin",
  ),
} satisfies Record<string, Command>;

type StaffAction = (typeof STAFF_ACTIONS)[number];

/**
 * Presses done without a transaction: asking for the D3 check (a read of the
 * case, then one upsert, safe to run again), and the actions whose case's move
 * (and the D3 prompt they answer) goes with the update's write.
 */
const WITHOUT_TRANSACTION: ReadonlySet<StaffAction> = new Set([
  "approve",
  "confirm",
  "claim",
  "release",
  "done",
]);

/** What each staff button on a case does (the D3 confirmation says whether it still applied). */
const ON_CASE: Record<
  Exclude<StaffAction, "confirm">,
  (f: Features, ctx: ChatContext, caseId: number, place: Place) => Promise<void>
> = {
  claim: (f, ctx, id) => f.staff.act(ctx, id, { action: "claim" }),
  release: (f, ctx, id) => f.staff.act(ctx, id, { action: "release" }),
  done: (f, ctx, id) => f.staff.act(ctx, id, { action: "done" }),
  approve: (f, ctx, id) => f.staff.askD3(ctx, id, null),
  reject: (f, ctx, id, place) => f.staff.promptFor(ctx, "reject", id, place),
  ask: (f, ctx, id, place) => f.staff.promptFor(ctx, "ask", id, place),
  next: (f, ctx, _, place) => f.staff.next(ctx, place),
  view: (f, ctx, id, place) => f.staff.show(ctx, id, place),
  files: (f, ctx, id) => f.staff.files(ctx, id),
};

/** The staff buttons, by their callback kind. */
export const STAFF_BUTTONS = {
  staff: button("staff", {
    who: "staff",
    needs: "by its step",
    plan: (f, _ctx, c, place) => {
      const run = async (ctx: ChatContext) => {
        // A question that can no longer be confirmed is stale: in a private chat it loses its button.
        if (c.action === "confirm") return f.staff.confirm(ctx, c.caseId, place);
        await ON_CASE[c.action](f, ctx, c.caseId, place);
        return true;
      };
      return WITHOUT_TRANSACTION.has(c.action) ? oneStatement(run) : inTransaction(run);
    },
  }),
  queue: button("queue", {
    who: "staff",
    turnsPage: true,
    needs: "transaction",
    run: async (f, ctx, c) => {
      await f.staff.queue(ctx, c.page);
      return true;
    },
  }),
  // Its press is checked for an admin again (src/staff/privacy.ts): staff may see the question.
  erase: button("erase", {
    who: "staff",
    needs: "transaction",
    run: async (_f, ctx, c) => {
      await answerErase(ctx, c.action, c.userId);
      return true;
    },
  }),
  find: button("find", {
    who: "staff",
    turnsPage: true,
    needs: "transaction",
    run: async (f, ctx, c) => {
      await f.staff.find(ctx, c.text, c.page);
      return true;
    },
  }),
} satisfies Record<string, ButtonKind>;
