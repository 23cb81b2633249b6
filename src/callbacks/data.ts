import { z } from "zod";

/**
 * Callback data: what an inline button sends back when pressed. Telegram
 * allows at most 64 bytes, and anyone can forge it, so it is versioned, kept
 * short, and parsed by this schema before anything acts on it. A press on a
 * button from an older version of the bot fails to parse and is answered
 * politely, changing nothing.
 *
 *   1|r|<json>        an event for the refund conversation (its own schema checks it)
 *   1|m|<action>      a main-menu action
 *   1|l|<lang>        a language choice
 *   1|t|<topic>       an FAQ topic
 *   1|f|<entry>       an FAQ entry
 *   1|b|<start>[|<want>][|<day>][|<lang>]  begin a refund request at a starting point (from
 *                     an FAQ answer), with where the money goes when the question said it
 *                     (balance | payout), the day (YYYY-MM-DD) it said the problem began, to
 *                     propose, and the language the answer was written in
 *   1|w|<case>        the customer withdraws their case
 *   1|s|<action>|<case>  a staff action on a case ("confirm": approve with D3 confirmed)
 *   1|q|<page>        a page of the staff queue
 *   1|p|<action>      the customer's answer to "erase your data?" (forget | keep)
 *   1|v|<case>|<stars>  the customer rates their closed case (1–5)
 *   1|c|<case>        the customer asks to comment on their rating
 *   1|x|<page>|<text>   a page of a staff search (/find); the text may contain "|"
 *   1|e|<action>|<user>  an admin's answer to "erase this customer's data?" (erase | cancel)
 */
export const CALLBACK_VERSION = "1";
export const MAX_CALLBACK_BYTES = 64;

export const MENU_ACTIONS = ["refund", "faq", "status", "language", "human"] as const;
export const PRIVACY_ACTIONS = ["forget", "keep"] as const;
export const ERASE_ACTIONS = ["erase", "cancel"] as const;
export const STAFF_ACTIONS = [
  "claim",
  "approve",
  "reject",
  "ask",
  "done",
  "release",
  "next",
  "confirm",
  "view",
  "files",
] as const;

/** What /find searches for: short enough for its paging button to carry it. */
export const MAX_FIND_BYTES = 48;
export const findText = z
  .string()
  .trim()
  .min(1)
  .refine((t) => Buffer.byteLength(t, "utf8") <= MAX_FIND_BYTES);

const page = z
  .string()
  .regex(/^(0|[1-9]\d{0,3})$/)
  .transform(Number)
  .or(z.number().int().min(0).max(9999));

const token = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);
const caseId = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^[1-9]\d{0,9}$/)
      .transform(Number),
  ])
  .pipe(z.number().int().positive().max(2_147_483_647));

/** A Telegram user id, as /privacy takes it. */
const userId = z
  .union([
    z.bigint(),
    z
      .string()
      .regex(/^[1-9]\d{0,15}$/)
      .transform((s) => BigInt(s)),
  ])
  .pipe(z.bigint().positive());

export const callbackSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("refund"), event: z.string().min(2).max(60) }),
  z.object({ kind: z.literal("menu"), action: z.enum(MENU_ACTIONS) }),
  z.object({ kind: z.literal("language"), language: z.string().regex(/^[a-z]{2,3}$/) }),
  z.object({ kind: z.literal("topic"), topic: token }),
  z.object({ kind: z.literal("faq"), entry: token }),
  z.object({
    kind: z.literal("begin"),
    start: token,
    want: z.enum(["balance", "payout"]).optional(),
    since: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/)
      .optional(),
  }),
  z.object({ kind: z.literal("withdraw"), caseId }),
  z.object({ kind: z.literal("staff"), action: z.enum(STAFF_ACTIONS), caseId }),
  z.object({ kind: z.literal("privacy"), action: z.enum(PRIVACY_ACTIONS) }),
  z.object({ kind: z.literal("queue"), page }),
  z.object({
    kind: z.literal("rate"),
    caseId,
    stars: z
      .string()
      .regex(/^[1-5]$/)
      .transform(Number)
      .or(z.number().int().min(1).max(5)),
  }),
  z.object({ kind: z.literal("comment"), caseId }),
  z.object({ kind: z.literal("find"), page, text: findText }),
  z.object({ kind: z.literal("erase"), action: z.enum(ERASE_ACTIONS), userId }),
]);

export type Callback = z.output<typeof callbackSchema>;

/** The optional parts of a begin button, in their order. */
const BEGIN_ORDER = ["want", "since", "language"] as const;

const TAGS = {
  refund: "r",
  menu: "m",
  language: "l",
  topic: "t",
  faq: "f",
  begin: "b",
  withdraw: "w",
  staff: "s",
  queue: "q",
  privacy: "p",
  rate: "v",
  comment: "c",
  find: "x",
  erase: "e",
} as const;
const KINDS = Object.fromEntries(Object.entries(TAGS).map(([k, v]) => [v, k])) as Record<
  string,
  Callback["kind"] | undefined
>;

export function encodeCallback(c: Callback): string {
  const parts: string[] = [CALLBACK_VERSION, TAGS[c.kind]];
  switch (c.kind) {
    case "refund":
      parts.push(c.event);
      break;
    case "menu":
      parts.push(c.action);
      break;
    case "language":
      parts.push(c.language);
      break;
    case "topic":
      parts.push(c.topic);
      break;
    case "faq":
      parts.push(c.entry);
      break;
    case "begin":
      parts.push(c.start);
      if (c.want !== undefined) parts.push(c.want);
      if (c.since !== undefined) parts.push(c.since);
      if (c.language !== undefined) parts.push(c.language);
      break;
    case "withdraw":
    case "comment":
      parts.push(String(c.caseId));
      break;
    case "staff":
      parts.push(c.action, String(c.caseId));
      break;
    case "queue":
      parts.push(String(c.page));
      break;
    case "privacy":
      parts.push(c.action);
      break;
    case "rate":
      parts.push(String(c.caseId), String(c.stars));
      break;
    case "find":
      parts.push(String(c.page), c.text);
      break;
    case "erase":
      parts.push(c.action, String(c.userId));
      break;
  }
  const data = parts.join("|");
  if (Buffer.byteLength(data, "utf8") > MAX_CALLBACK_BYTES) {
    throw new Error(`callback data over ${MAX_CALLBACK_BYTES} bytes: ${data}`);
  }
  return data;
}

/** Parses untrusted callback data; undefined for anything stale, foreign or forged. */
export function decodeCallback(data: string): Callback | undefined {
  if (Buffer.byteLength(data, "utf8") > MAX_CALLBACK_BYTES) return undefined;
  const [version, tag, ...rest] = data.split("|");
  if (version !== CALLBACK_VERSION || tag === undefined) return undefined;
  const kind = KINDS[tag];
  const fields: Record<string, unknown> = { kind };
  switch (kind) {
    case "refund":
      // The event is JSON and may itself contain "|".
      fields.event = rest.join("|");
      break;
    case "menu":
      fields.action = rest[0];
      break;
    case "language":
      fields.language = rest[0];
      break;
    case "topic":
      fields.topic = rest[0];
      break;
    case "faq":
      fields.entry = rest[0];
      break;
    case "begin":
      fields.start = rest[0];
      // Each may come alone, in this order, told apart by its shape: a day by its digits,
      // a language by its two or three letters (the schema checks a place).
      {
        let next = 0;
        for (const part of rest.slice(1)) {
          const field = /^\d/.test(part)
            ? "since"
            : /^[a-z]{2,3}$/.test(part)
              ? "language"
              : "want";
          const at = BEGIN_ORDER.indexOf(field);
          if (at < next) return undefined;
          fields[field] = part;
          next = at + 1;
        }
      }
      break;
    case "withdraw":
    case "comment":
      fields.caseId = rest[0];
      break;
    case "staff":
      fields.action = rest[0];
      fields.caseId = rest[1];
      break;
    case "queue":
      fields.page = rest[0];
      break;
    case "privacy":
      fields.action = rest[0];
      break;
    case "rate":
      fields.caseId = rest[0];
      fields.stars = rest[1];
      break;
    case "find":
      fields.page = rest[0];
      fields.text = rest.slice(1).join("|");
      break;
    case "erase":
      fields.action = rest[0];
      fields.userId = rest[1];
      break;
    default:
      return undefined;
  }
  const arity =
    kind === "refund"
      ? rest.length > 0
      : kind === "begin"
        ? rest.length >= 1 && rest.length <= 4
        : kind === "find"
          ? rest.length >= 2
          : rest.length === (kind === "staff" || kind === "rate" || kind === "erase" ? 2 : 1);
  if (!arity) return undefined;
  const parsed = callbackSchema.safeParse(fields);
  return parsed.success ? parsed.data : undefined;
}
