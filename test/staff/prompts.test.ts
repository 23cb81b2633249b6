import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { TestBot } from "../support/bot.ts";
import { databaseKinds } from "../support/database.ts";
import {
  ADMIN,
  answerPrompt,
  liveKeyboards,
  makeCase,
  makeStaff,
  press,
  repliesTo,
  STAFF_ENV,
  STAFF_GROUP,
  send,
  textsTo,
} from "./helpers.ts";

const staffButton = (action: "reject" | "ask" | "approve" | "confirm" | "claim", caseId: number) =>
  encodeCallback({ kind: "staff", action, caseId });

/**
 * The words staff are asked for (a rejection's reason, a question for the
 * customer, an approval's note) reach the case they were asked for, and only
 * while the action still applies.
 */
describe.each(databaseKinds)("staff prompts (%s)", (kind) => {
  let bot: TestBot;
  let customer = 6000;
  const newCase = (o: Omit<Parameters<typeof makeCase>[1], "customerId"> = {}) =>
    makeCase(bot.db.prisma, { customerId: ++customer, ...o });
  const caseOf = (id: number) => bot.db.prisma.refundCase.findUniqueOrThrow({ where: { id } });
  const lastEvent = async (id: number) =>
    (await bot.db.prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { id: "asc" } })).at(
      -1,
    );

  beforeAll(async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await makeStaff(bot.db.prisma, 951);
    await makeStaff(bot.db.prisma, 952);
  });
  afterAll(async () => {
    await bot.close();
  });

  it("in the group, takes the words from the reply to each prompt, and nothing else said there", async () => {
    const sam = bot.member(951, STAFF_GROUP);
    const a = await newCase();
    const b = await newCase();
    await press(sam, staffButton("reject", a));
    await press(sam, staffButton("ask", b));
    // Talk in the group (a bot that is the group's admin sees it all) is not the words.
    expect(await send(sam, "good morning everyone")).toEqual([]);
    expect((await caseOf(a)).status).toBe("submitted");
    expect((await caseOf(b)).status).toBe("submitted");
    // Each prompt takes its own reply, whichever comes first.
    await answerPrompt(sam, b, "Which order was it?");
    await answerPrompt(sam, a, "It was refunded already.");
    expect(await caseOf(b)).toMatchObject({ status: "needs_info" });
    expect(await caseOf(a)).toMatchObject({ status: "rejected" });
    expect((await lastEvent(b))?.note).toBe("Which order was it?");
    expect((await lastEvent(a))?.note).toBe("It was refunded already.");
    expect(textsTo(bot, customer - 1).join("\n")).toContain("It was refunded already.");
    expect(textsTo(bot, customer - 1).join("\n")).not.toContain("good morning");
  });

  it("in a private chat, takes the next message for the latest prompt", async () => {
    const sam = bot.customer(951);
    const id = await newCase();
    await press(sam, staffButton("reject", id));
    await send(sam, "No such order.");
    expect(await caseOf(id)).toMatchObject({ status: "rejected" });
    expect((await lastEvent(id))?.note).toBe("No such order.");
  });

  it("keeps each /approve note with its case until its confirmation", async () => {
    const sam = bot.member(951, STAFF_GROUP);
    const a = await newCase();
    const b = await newCase();
    await send(sam, `/approve ${a} checked order log A`);
    await send(sam, `/approve ${b} checked order log B`);
    await press(sam, staffButton("confirm", a));
    await press(sam, staffButton("confirm", b));
    expect((await lastEvent(a))?.note).toBe("checked order log A");
    expect((await lastEvent(b))?.note).toBe("checked order log B");
    expect(await bot.db.prisma.staffPrompt.count({ where: { caseId: { in: [a, b] } } })).toBe(0);
  });

  it("lets only whoever asked confirm a D3 question", async () => {
    const sam = bot.member(951, STAFF_GROUP);
    const ivan = bot.member(952, STAFF_GROUP);
    const id = await newCase();
    await send(sam, `/approve ${id} note of Sam`);
    const refused = await press(ivan, staffButton("confirm", id));
    expect(refused.answer?.payload).toMatchObject({
      text: `This button is for whoever started approving case #${id}, or it has expired. To approve the case yourself, send /approve ${id}.`,
      show_alert: true,
    });
    expect((await caseOf(id)).status).toBe("submitted");
    await press(sam, staffButton("confirm", id));
    expect(await caseOf(id)).toMatchObject({ status: "approved", assigneeId: 951n });
    expect((await lastEvent(id))?.note).toBe("note of Sam");
  });

  /** The messages of a chat whose keyboard still confirms case `id`. */
  const liveConfirms = (chatId: number, id: number) =>
    [...liveKeyboards(bot, chatId)].filter(([, data]) => data.includes(staffButton("confirm", id)));
  /** Ages every D3 question past its 30 minutes. */
  const expireQuestions = () =>
    bot.db.prisma.staffPrompt.updateMany({ data: { at: new Date(Date.now() - 31 * 60_000) } });

  it("keeps one live D3 question per case: asking again takes the earlier one's button off", async () => {
    const sam = bot.customer(951);
    const id = await newCase();
    await send(sam, `/approve ${id}`);
    await send(sam, `/approve ${id} paid by hand`);
    const live = liveConfirms(951, id);
    expect(live).toHaveLength(1);
    await press(sam, staffButton("confirm", id), live[0]?.[0]);
    expect(await caseOf(id)).toMatchObject({ status: "approved" });
    expect((await lastEvent(id))?.note).toBe("paid by hand");
    expect(liveConfirms(951, id)).toEqual([]);
  });

  it("takes the button off a D3 question that can no longer be confirmed, with the refusal", async () => {
    const sam = bot.customer(951);
    const expired = await newCase();
    const decided = await newCase();
    await send(sam, `/approve ${expired}`);
    await send(sam, `/approve ${decided}`);
    await expireQuestions();
    await send(bot.customer(ADMIN), `/reject ${decided} Not eligible.`);
    for (const id of [expired, decided]) {
      const [question] = liveConfirms(951, id);
      const r = await press(sam, staffButton("confirm", id), question?.[0]);
      expect(r.answer?.payload).toMatchObject({ show_alert: true });
      expect(liveConfirms(951, id)).toEqual([]);
    }
    expect((await caseOf(expired)).status).toBe("submitted");
  });

  it("in the group, takes the button off a question its asker can no longer confirm, not off another's", async () => {
    const sam = bot.member(951, STAFF_GROUP);
    const ivan = bot.member(952, STAFF_GROUP);
    const id = await newCase();
    await send(sam, `/approve ${id}`);
    const [question] = liveConfirms(STAFF_GROUP, id);
    // Ivan did not ask: Sam's question stays Sam's to confirm.
    await press(ivan, staffButton("confirm", id), question?.[0]);
    expect(liveConfirms(STAFF_GROUP, id)).toHaveLength(1);
    await expireQuestions();
    const r = await press(sam, staffButton("confirm", id), question?.[0]);
    expect(r.answer?.payload).toMatchObject({ show_alert: true });
    expect(liveConfirms(STAFF_GROUP, id)).toEqual([]);
  });

  it("refuses Reject, Ask and Approve at the press where they do not apply, asking for nothing", async () => {
    const sam = bot.member(951, STAFF_GROUP);
    const ivan = bot.member(952, STAFF_GROUP);
    const rejected = await newCase();
    await send(sam, `/reject ${rejected} No such order.`);
    for (const action of ["reject", "ask", "approve"] as const) {
      const r = await press(sam, staffButton(action, rejected));
      expect(r.replies).toEqual([]);
      expect(r.answer?.payload).toMatchObject({ show_alert: true });
      expect(String(r.answer?.payload.text)).toMatch(/is already rejected/);
    }
    // Someone else's case: told before writing a reason, not after.
    const samsCase = await newCase();
    await send(sam, `/claim ${samsCase}`);
    const r = await press(ivan, staffButton("reject", samsCase));
    expect(r.replies).toEqual([]);
    expect(r.answer?.payload).toMatchObject({
      text: `Case #${samsCase} is claimed by S951. Ask them or an admin to release it.`,
      show_alert: true,
    });
    const missing = await press(sam, staffButton("reject", 999_999));
    expect(missing.replies).toEqual([]);
    expect(missing.answer?.payload).toMatchObject({ text: "There is no case #999999." });
    expect(await bot.db.prisma.staffPrompt.count({ where: { userId: 952n } })).toBe(0);
  });

  it("keeps a case whose customer is asked with whoever asked, and gives the answer to the question asked last", async () => {
    const sam = bot.member(951, STAFF_GROUP);
    const first = await newCase();
    // The same customer's second case.
    const second = await makeCase(bot.db.prisma, { customerId: customer });
    // Asked the newer case first: the answer follows the question, not the case's number.
    await send(sam, `/ask ${second} Which order?`);
    await send(sam, `/ask ${first} Which e-mail?`);
    expect((await send(sam, `/release ${first}`))[0]?.text).toMatch(
      new RegExp(`^Case #${first} is already waiting for the customer`),
    );
    // Someone else is told whose it is, and that it waits for its customer.
    const ivan = bot.member(952, STAFF_GROUP);
    expect((await press(ivan, staffButton("reject", first))).answer?.payload).toMatchObject({
      text: `Case #${first} is claimed by S951 and is waiting for the customer's answer: only S951 or an admin can act on it.`,
    });
    const thanks = await send(bot.customer(customer), "ann@example.com");
    expect(thanks[0]?.text).toContain(`request #${first}`);
    expect(await caseOf(first)).toMatchObject({ status: "in_review" });
    expect(await caseOf(second)).toMatchObject({ status: "needs_info" });
  });

  it("takes a reply to the prompt it answers, action and all, and says when that prompt is no longer open", async () => {
    const sam = bot.member(951, STAFF_GROUP);
    const id = await newCase();
    await press(sam, staffButton("ask", id));
    await press(sam, staffButton("reject", id));
    const promptOf = async (action: string) =>
      Number(
        (
          await bot.db.prisma.outboxMessage.findFirstOrThrow({
            where: { ref: `prompt:${action}:${id}:951` },
            orderBy: { id: "desc" },
          })
        ).messageId,
      );
    const reply = async (text: string, to: number) => {
      const from = bot.api.calls.length;
      await bot.deliver(sam.message({ text, reply_to_message: { message_id: to } }));
      return repliesTo(bot, STAFF_GROUP, from);
    };
    const asked = await promptOf("ask");
    const rejecting = await promptOf("reject");
    // The reply to the Ask prompt asks, though Reject was pressed after it.
    await reply("Which order number was it?", asked);
    expect(await caseOf(id)).toMatchObject({ status: "needs_info" });
    expect((await lastEvent(id))?.note).toBe("Which order number was it?");
    // The Reject prompt, older than 30 minutes: nothing done, and said so.
    await bot.db.prisma.staffPrompt.updateMany({
      where: { caseId: id, action: "reject" },
      data: { at: new Date(Date.now() - 31 * 60_000) },
    });
    // Another prompt set meanwhile keeps the expired one's row: the reply is still told.
    await send(sam, `/approve ${await newCase()}`);
    expect((await reply("No such order.", rejecting))[0]?.text).toMatch(
      /^That prompt is no longer open/,
    );
    expect(await caseOf(id)).toMatchObject({ status: "needs_info" });
  });

  it("in a private chat, a new prompt closes the one before, and a reply to that one takes nothing", async () => {
    const sam = bot.customer(951);
    const a = await newCase();
    const b = await newCase();
    await press(sam, staffButton("reject", a));
    const toA = bot.api.calls.findLast(
      (c) => c.method === "sendMessage" && c.payload.chat_id === "951",
    )?.messageId;
    await press(sam, staffButton("ask", b));
    await send(sam, "Which order?");
    expect(await caseOf(b)).toMatchObject({ status: "needs_info" });
    // The next message is no longer for any prompt: it is not case A's reason.
    await send(sam, "hello, how do refunds work?");
    expect(await caseOf(a)).toMatchObject({ status: "submitted" });
    const from = bot.api.calls.length;
    await bot.deliver(
      sam.message({ text: "Refunded already.", reply_to_message: { message_id: toA } }),
    );
    expect(textsTo(bot, 951, from)[0]).toMatch(/^That prompt is no longer open/);
    expect(await caseOf(a)).toMatchObject({ status: "submitted" });
  });

  it("tells whoever confirms a D3 question twice that the case is approved, by them", async () => {
    const sam = bot.member(951, STAFF_GROUP);
    const id = await newCase();
    await send(sam, `/approve ${id}`);
    await press(sam, staffButton("confirm", id));
    const again = await press(sam, staffButton("confirm", id));
    expect(String(again.answer?.payload.text)).toMatch(
      new RegExp(`^Case #${id} is already approved: S951 did it at`),
    );
  });

  it("answers a press in the group that fails for good, with a pop-up and no message", async () => {
    const sam = bot.member(951, STAFF_GROUP);
    // Payout details the card cannot show: every try of the press fails.
    const id = await newCase({ kind: "payout", payoutDetails: '{"method":"card"}' });
    const r = await press(sam, staffButton("claim", id));
    expect(r.replies).toEqual([]);
    expect(r.answer?.payload).toMatchObject({
      text: "Sorry, something went wrong on our side. Please try again in a minute; nothing you sent is lost.",
      show_alert: true,
    });
  });
});
