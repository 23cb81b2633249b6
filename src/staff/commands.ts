import { z } from "zod";

/**
 * Staff commands and their arguments, parsed with zod. Anything that does not
 * parse gets the command's usage line; nothing is guessed.
 */
export const STAFF_COMMANDS = [
  "queue",
  "case",
  "claim",
  "next",
  "approve",
  "reject",
  "ask",
  "done",
  "release",
  "stats",
  "staff",
  "admin",
  "reply",
] as const;

export type StaffCommandName = (typeof STAFF_COMMANDS)[number];

export function isStaffCommand(name: string): name is StaffCommandName {
  return (STAFF_COMMANDS as readonly string[]).includes(name);
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

export type StaffCommand =
  | { name: "queue"; page: number }
  | { name: "stats" }
  | { name: "next" }
  | { name: "case" | "claim" | "done" | "release"; id: number }
  | { name: "approve"; id: number; note: string | null }
  | { name: "reject" | "ask"; id: number; text: string }
  | { name: "reply"; id: number; text: string }
  | { name: "team" }
  | { name: "role"; role: "staff" | "admin"; op: "add" | "remove"; userId: bigint };

function split(args: string): { head: string; rest: string } {
  const m = /^(\S*)\s*([\s\S]*)$/.exec(args.trim());
  return { head: m?.[1] ?? "", rest: (m?.[2] ?? "").trim() };
}

/** The parsed command, or null when its arguments are wrong (the caller shows the usage). */
export function parseStaffCommand(name: StaffCommandName, args: string): StaffCommand | null {
  const { head, rest } = split(args);
  const parse = <T extends z.ZodType>(schema: T, value: unknown): z.output<T> | null => {
    const r = schema.safeParse(value);
    return r.success ? r.data : null;
  };
  switch (name) {
    case "queue": {
      if (head === "") return { name, page: 0 };
      const p = parse(z.object({ page: number, rest: none }), { page: head, rest });
      return p === null ? null : { name, page: p.page - 1 };
    }
    case "stats":
    case "next":
      return args.trim() === "" ? { name } : null;
    case "case":
    case "claim":
    case "done":
    case "release": {
      const p = parse(z.object({ id: number, rest: none }), { id: head, rest });
      return p === null ? null : { name, id: p.id };
    }
    case "approve": {
      const p = parse(z.object({ id: number, note: z.string().max(2000) }), {
        id: head,
        note: rest,
      });
      return p === null ? null : { name, id: p.id, note: p.note === "" ? null : p.note };
    }
    case "reject":
    case "ask":
    case "reply": {
      const p = parse(z.object({ id: number, text: words }), { id: head, text: rest });
      return p === null ? null : { name, id: p.id, text: p.text };
    }
    case "staff":
    case "admin": {
      if (head === "" && name === "staff") return { name: "team" };
      if (head === "list" && rest === "") return { name: "team" };
      const p = parse(z.object({ op: z.enum(["add", "remove"]), userId, rest: none }), {
        op: head,
        userId: split(rest).head,
        rest: split(rest).rest,
      });
      return p === null ? null : { name: "role", role: name, op: p.op, userId: p.userId };
    }
  }
}
