/**
 * Events the service sends to the conversation, and the zod schema of the
 * small ones that travel in Telegram callback data (never trusted).
 */
import { z } from "zod";
import { QUESTION_IDS } from "./ids.ts";

const question = z.enum(QUESTION_IDS);

/** What a button carries (the bot adds `now` when it is pressed). JSON of each is at most ~52 bytes. */
export const ButtonEventSchema = z.discriminatedUnion("type", [
  /** Answer question `q` with option / date / "skip" `v`. */
  z.strictObject({ type: z.literal("choose"), q: question, v: z.string().min(1).max(16) }),
  /** Change the answer to `q` (from the summary). */
  z.strictObject({ type: z.literal("edit"), q: question }),
  z.strictObject({ type: z.literal("back") }),
  z.strictObject({ type: z.literal("cancel") }),
  z.strictObject({ type: z.literal("submit") }),
  /** Ask for a person (handoff). */
  z.strictObject({ type: z.literal("human") }),
]);
export type ButtonEvent = z.infer<typeof ButtonEventSchema>;

/** Typed text (any message that is not a command the bot handles itself). */
export interface TextEvent {
  type: "text";
  text: string;
  /**
   * The language the reader reads the chat in as they type: amounts and dates
   * are read in it, since it may have changed since the start (/language).
   * Without it (or one the machine does not know), the conversation's own.
   */
  lang?: string;
}

const now = z.number().int().min(0).max(8.64e15);

/** Every event carries the current time `now` (epoch ms); the machine has no clock. */
export type RefundEvent = (ButtonEvent | TextEvent) & { now: number };

export const RefundEventSchema: z.ZodType<RefundEvent> = z.union([
  z.strictObject({
    type: z.literal("text"),
    text: z.string().max(4096),
    lang: z.string().max(16).optional(),
    now,
  }),
  ...ButtonEventSchema.options.map((o) => o.extend({ now })),
]) as unknown as z.ZodType<RefundEvent>;

/** Most bytes a button event may take as JSON (Telegram allows 64 bytes of callback data, less a version prefix). */
export const MAX_BUTTON_EVENT_BYTES = 58;
