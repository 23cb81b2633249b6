import { expect } from "vitest";
import type { RefundKind } from "../../src/database/generated/client.ts";
import type { PrismaClient } from "../../src/database/open.ts";
import type { Reply, TestBot, TestUser } from "../support/bot.ts";
import { asReply, replies } from "../support/bot.ts";

export const STAFF_GROUP = -1001234567890;
export const ADMIN = 900;

/** The test bot's configuration for the staff side: one config admin and a staff group. */
export const STAFF_ENV = { ADMIN_IDS: String(ADMIN), STAFF_CHAT_ID: String(STAFF_GROUP) };

/** Texts the bot sent to one chat since `from` calls ago. */
export function textsTo(bot: TestBot, chatId: number, from = 0): string[] {
  return bot.api.calls
    .slice(from)
    .filter((c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(chatId))
    .map((c) => String(c.payload.text));
}

/** What the bot's edits made of one chat's messages since `from` calls ago (text and buttons). */
export function editsTo(bot: TestBot, chatId: number, from = 0): Reply[] {
  return bot.api.calls
    .slice(from)
    .filter((c) => c.method === "editMessageText" && String(c.payload.chat_id) === String(chatId))
    .map(asReply);
}

/**
 * The messages of one chat that still show a keyboard, as Telegram would show
 * them now (sent, then edited or stripped), by message id, with their buttons' data.
 */
export function liveKeyboards(bot: TestBot, chatId: number): Map<number, string[]> {
  const live = new Map<number, string[]>();
  for (const c of bot.api.calls) {
    if (String(c.payload.chat_id) !== String(chatId)) continue;
    const id = c.messageId ?? Number(c.payload.message_id);
    const data = asReply(c).buttons.map((b) => b.data);
    if (c.method === "sendMessage" || (live.has(id) && c.method.startsWith("editMessage")))
      live.set(id, data);
    else if (c.method === "deleteMessage") live.delete(id);
  }
  for (const [id, data] of live) if (data.length === 0) live.delete(id);
  return live;
}

/** Replies (with buttons) sent to one chat since `from` calls ago. */
export function repliesTo(bot: TestBot, chatId: number, from = 0): Reply[] {
  return replies(
    bot.api.calls
      .slice(from)
      .filter((c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(chatId)),
  );
}

/** What the bot answered in the writer's own chat (messages to other chats leave in any order). */
export async function send(u: TestUser, text: string): Promise<Reply[]> {
  const from = u.bot.api.calls.length;
  await u.send(text);
  return repliesTo(u.bot, u.chat.id, from);
}

/**
 * Writes `text` as a reply to the staff member's Reject or Ask prompt for the
 * case, as Telegram's reply box does (in a group the words must reply to it).
 */
export async function answerPrompt(u: TestUser, caseId: number, text: string): Promise<Reply[]> {
  const prompt = await u.bot.db.prisma.outboxMessage.findFirst({
    where: {
      chatId: BigInt(u.chat.id),
      ref: { in: ["reject", "ask"].map((action) => `prompt:${action}:${caseId}:${u.id}`) },
    },
    orderBy: { id: "desc" },
    select: { messageId: true },
  });
  if (prompt?.messageId == null) throw new Error(`no prompt for case ${caseId} in ${u.chat.id}`);
  const from = u.bot.api.calls.length;
  await u.bot.deliver(
    u.message({ text, reply_to_message: { message_id: Number(prompt.messageId) } }),
  );
  return repliesTo(u.bot, u.chat.id, from);
}

/** Presses a button (of message `messageId`); the replies are those in the presser's own chat. */
export async function press(u: TestUser, data: string, messageId?: number) {
  const from = u.bot.api.calls.length;
  const r = await u.press(data, messageId);
  return { replies: repliesTo(u.bot, u.chat.id, from), answer: r.answer };
}

/** Presses the button whose callback data contains `part` in the latest of `rs` that has one. */
export async function pressWith(u: TestUser, rs: Reply[], part: string) {
  for (const r of [...rs].reverse()) {
    const b = r.buttons.find((x) => x.data.includes(part));
    if (b !== undefined) return press(u, b.data);
  }
  throw new Error(`no button with ${part} in ${JSON.stringify(rs.map((r) => r.buttons))}`);
}

/**
 * Presses the button whose callback data contains `part` on the newest message
 * that shows it, as Telegram delivers the press; the replies in the presser's chat.
 */
export async function pressShown(u: TestUser, part: string): Promise<Reply[]> {
  const from = u.bot.api.calls.length;
  await u.pressOn(u.bot.api.showing(u.chat.id, part), part);
  return repliesTo(u.bot, u.chat.id, from);
}

/** A photo as Telegram delivers one: its sizes, smallest first. */
export function photo(id: string, bytes = 50_000): Record<string, unknown> {
  return {
    photo: [
      { file_id: `${id}-small`, file_unique_id: `${id}-s`, width: 90, height: 90, file_size: 900 },
      { file_id: id, file_unique_id: `${id}-u`, width: 1280, height: 960, file_size: bytes },
    ],
  };
}

/** A document as Telegram delivers one. */
export function document(id: string, mime: string, bytes = 80_000): Record<string, unknown> {
  return {
    document: {
      file_id: id,
      file_unique_id: `${id}-u`,
      file_name: "evidence",
      mime_type: mime,
      file_size: bytes,
    },
  };
}

/** Sends a photo, a document or other media; the replies in the sender's own chat. */
export async function sendMedia(u: TestUser, fields: Record<string, unknown>): Promise<Reply[]> {
  const from = u.bot.api.calls.length;
  await u.bot.deliver(u.message(fields));
  return repliesTo(u.bot, u.chat.id, from);
}

/**
 * Drives a customer's refund conversation by buttons (matched by their
 * callback data, which stays put when labels change) to the evidence question
 * of an eligible request: an SMS that never came, refunded to the balance
 * (A4, F1). Returns the replies that ask it.
 */
export async function toEvidence(u: TestUser): Promise<Reply[]> {
  await send(u, "/refund");
  for (const part of [
    '"v":"balance"',
    '"v":"one_time"',
    '"v":"no_sms"',
    '"q":"code_shown","v":"no"',
    '"q":"restrictions","v":"yes"',
    '"q":"problem_date"',
  ])
    await pressShown(u, part);
  await send(u, "ann@example.com");
  await send(u, "+44 7700 900123");
  await send(u, "2.50 EUR");
  return pressShown(u, '"q":"comment","v":"skip"');
}

/** The request of `toEvidence`, with `files`, submitted. Returns the new case's id. */
export async function submitBalanceRequest(
  u: TestUser,
  files: readonly Record<string, unknown>[] = [],
): Promise<number> {
  let rs = await toEvidence(u);
  const step = async (part: string) => {
    rs = (await pressWith(u, rs, part)).replies;
  };
  // A further file edits the first one's message: its buttons stay where they were.
  for (const f of files) {
    const replies = await sendMedia(u, f);
    if (replies.length > 0) rs = replies;
  }
  // Done after files, Skip without: either is the evidence question's button.
  await step('"q":"evidence"');
  await step('"type":"submit"');
  const m = /[#№]\s?(\d+)/.exec(rs.map((r) => r.text).join("\n"));
  expect(m).not.toBeNull();
  return Number(m?.[1]);
}

let seq = 0;

/** A case straight in the database, as a submission leaves it (for tests of the queue itself). */
export async function makeCase(
  prisma: PrismaClient,
  o: {
    customerId: number;
    kind?: RefundKind;
    dueAt?: Date;
    submittedAt?: Date;
    language?: string;
    payoutDetails?: string;
  },
): Promise<number> {
  const customerId = BigInt(o.customerId);
  await prisma.user.upsert({
    where: { id: customerId },
    create: { id: customerId, firstName: "Cus", language: o.language ?? "en" },
    update: {},
  });
  const kind = o.kind ?? "balance";
  const submittedAt = o.submittedAt ?? new Date();
  const c = await prisma.refundCase.create({
    data: {
      customerId,
      chatId: customerId,
      kind,
      clauses: [kind === "balance" ? "A4" : "C2"],
      service: kind === "balance" ? "one_time" : "rented",
      accountId: "ann@example.com",
      serviceRef: `+44 7700 9${String(++seq).padStart(5, "0")}`,
      amount: "2.50",
      currency: "EUR",
      reason: "reason.A4",
      payoutMethod: kind === "payout" ? "paypal" : null,
      payoutDetails:
        kind === "payout"
          ? (o.payoutDetails ?? JSON.stringify({ method: "paypal", email: "bob@example.com" }))
          : null,
      submittedAt,
      dueAt: o.dueAt ?? new Date(submittedAt.getTime() + 5 * 86_400_000),
    },
  });
  await prisma.caseEvent.create({
    data: { caseId: c.id, actorId: customerId, at: submittedAt, toStatus: "submitted" },
  });
  return c.id;
}

/** Makes `id` a staff member (or admin) directly in the database. */
export async function makeStaff(
  prisma: PrismaClient,
  id: number,
  role: "staff" | "admin" = "staff",
  language = "en",
): Promise<void> {
  await prisma.user.upsert({
    where: { id: BigInt(id) },
    create: { id: BigInt(id), role, language, firstName: `S${id}` },
    update: { role },
  });
}
