import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCallback } from "../../src/callbacks/data.ts";
import {
  document,
  editsTo,
  makeStaff,
  photo,
  press,
  pressWith,
  STAFF_ENV,
  STAFF_GROUP,
  send,
  sendMedia,
  submitBalanceRequest,
  textsTo,
  toEvidence,
} from "../staff/helpers.ts";
import type { TestBot } from "../support/bot.ts";
import { TestBot as Bot } from "../support/bot.ts";
import { databaseKinds } from "../support/database.ts";

const ENV = {
  ...STAFF_ENV,
  EVIDENCE_MAX_FILES: "2",
  EVIDENCE_MAX_MB: "1",
  EVIDENCE_TYPES: "image/*, application/pdf",
};

/** The copyMessage calls made since `from`. */
function copies(bot: TestBot, from: number) {
  return bot.api.calls.slice(from).filter((c) => c.method === "copyMessage");
}

describe.each(databaseKinds)("evidence on a case (%s)", (kind) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await Bot.create(kind, ENV);
    await makeStaff(bot.db.prisma, 901);
  });
  afterAll(async () => {
    await bot.close();
  });

  it("takes photos and PDFs during a request, refuses the rest politely, and links them to the case", async () => {
    const ann = bot.customer(3101, "en");
    const asked = await toEvidence(ann);
    expect(asked.at(-1)?.text).toMatch(/^Anything to show our team/);

    const first = await sendMedia(ann, photo("ph-1"));
    expect(first[0]?.text).toBe("Got it: file 1 of 2. Send more, or tap Done.");
    expect((await sendMedia(ann, document("doc-x", "application/zip")))[0]?.text).toBe(
      "I can't attach this kind of file. I can take photos or PDF.",
    );
    expect((await sendMedia(ann, document("doc-big", "application/pdf", 3_000_000)))[0]?.text).toBe(
      "This file is too big: the limit is 1 MB. A screenshot will do.",
    );
    expect((await sendMedia(ann, { sticker: { file_id: "st" } }))[0]?.text).toMatch(
      /^I can't attach this kind of file/,
    );
    expect((await send(ann, "here it is"))[0]?.text).toBe(
      "Send photos or files here, or tap Skip to go on.",
    );
    // Further files keep the one message about them current, instead of adding one each.
    const before = bot.api.calls.length;
    expect(await sendMedia(ann, document("doc-1", "application/pdf"))).toEqual([]);
    expect(await sendMedia(ann, photo("ph-3"))).toEqual([]);
    expect(editsTo(bot, 3101, before).map((r) => r.text)).toEqual([
      "Got it: file 2 of 2. Send more, or tap Done.",
      "Got it: 2 files, the most a request can take; anything more wasn't added. Tap Done to go on.",
    ]);

    const summary = (await pressWith(ann, first, '"q":"evidence"')).replies;
    expect(summary.at(-1)?.text).toContain("Files: 2 files");
    const from = bot.api.calls.length;
    const done = (await pressWith(ann, summary, '"type":"submit"')).replies;
    const id = Number(/#(\d+)/.exec(done.map((r) => r.text).join("\n"))?.[1]);

    const files = await bot.db.prisma.attachment.findMany({
      where: { caseId: id },
      orderBy: { id: "asc" },
    });
    expect(files.map((f) => [f.kind, f.fileId, f.mimeType])).toEqual([
      ["photo", "ph-1", "image/jpeg"],
      ["document", "doc-1", "application/pdf"],
    ]);
    // The card says how many; each file follows it into the staff group, copied from the customer's chat.
    expect(textsTo(bot, STAFF_GROUP, from).some((t) => t.includes("📎 Files: 2"))).toBe(true);
    expect(copies(bot, from).map((c) => c.payload)).toEqual(
      files.map((f) => ({
        chat_id: String(STAFF_GROUP),
        from_chat_id: String(3101),
        message_id: f.messageId,
      })),
    );
  });

  it("starts the request's idle clock again with every file sent, taken or not", async () => {
    const u = bot.customer(5090, "en");
    await toEvidence(u);
    const idleSince = async (minutesAgo: number) =>
      bot.db.prisma.conversation.update({
        where: { chatId: 5090n },
        data: {
          lastActivityAt: new Date(Date.now() - minutesAgo * 60_000),
          remindedAt: new Date(),
        },
      });
    const clock = () => bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 5090n } });
    for (const file of [photo("idle-photo"), { sticker: { file_id: "s" } }]) {
      await idleSince(50);
      const before = Date.now() - 60_000;
      await sendMedia(u, file);
      const c = await clock();
      expect(c.lastActivityAt.getTime()).toBeGreaterThan(before);
      expect(c.remindedAt).toBeNull();
    }
  });

  it("counts the files it holds, whatever the button claims", async () => {
    const bea = bot.customer(3102, "en");
    await toEvidence(bea);
    await sendMedia(bea, photo("bea-1"));
    const forged = encodeCallback({
      kind: "refund",
      event: JSON.stringify({ type: "choose", q: "evidence", v: "9" }),
    });
    const summary = (await bea.press(forged)).replies;
    expect(summary.at(-1)?.text).toContain("Files: 1 file");
  });

  it("pressed once the time limit has passed, the answer records the refusal with the request's end", async () => {
    const dan = bot.customer(3109, "en");
    const asked = await toEvidence(dan);
    // As if the customer had been asked 40 days ago, the problem that day: the press comes
    // past the monthly limit (E1), which is checked at the moment of the press.
    const row = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 3109n } });
    const stored = row.snapshot as {
      snapshot: { context: { now: number; answers: Record<string, string> } };
    };
    const { context } = stored.snapshot;
    expect(Object.keys(context.answers)).toContain("problem_date");
    context.now -= 40 * 86_400_000;
    context.answers.problem_date = new Date(context.now).toISOString().slice(0, 10);
    await bot.db.prisma.conversation.update({
      where: { chatId: 3109n },
      data: { snapshot: stored },
    });
    const refused = (await pressWith(dan, asked, '"q":"evidence","v":"skip"')).replies;
    expect(refused.map((r) => r.text).join("\n")).toMatch(/last calendar month.*\(clause E1\)/s);
    expect(await bot.db.prisma.decision.count({ where: { userId: 3109n } })).toBe(1);
    const after = await bot.db.prisma.conversation.findUniqueOrThrow({ where: { chatId: 3109n } });
    expect((after.snapshot as { snapshot: { value: unknown } }).snapshot.value).toBe("refused");
    expect(
      await bot.db.prisma.inboundUpdate.count({ where: { lane: 3109n, error: { not: null } } }),
    ).toBe(0);
  });

  it("skipping shows no files; a new request leaves the files of the one it replaces behind", async () => {
    const cid = bot.customer(3103, "en");
    await toEvidence(cid);
    await sendMedia(cid, photo("cid-old"));
    const asked = await toEvidence(cid);
    const summary = (await pressWith(cid, asked, '"q":"evidence","v":"skip"')).replies;
    expect(summary.at(-1)?.text).toContain("Files: —");
    expect(await bot.db.prisma.attachment.count({ where: { chatId: 3103n } })).toBe(0);
  });

  it("a caption with a card number is deleted like such a text, and nothing is attached", async () => {
    const fay = bot.customer(3106, "ru");
    await toEvidence(fay);
    const from = bot.api.calls.length;
    const said = await sendMedia(fay, { ...photo("fay-1"), caption: "карта 4111 1111 1111 1111" });
    expect(bot.api.calls.slice(from).map((c) => c.method)).toContain("deleteMessage");
    expect(said[0]?.text).toMatch(/номер карты/i);
    expect(await bot.db.prisma.attachment.count({ where: { chatId: 3106n } })).toBe(0);
  });

  it("a cancelled request drops its files at once", async () => {
    const gil = bot.customer(3107, "en");
    await toEvidence(gil);
    await sendMedia(gil, photo("gil-1"));
    expect(await bot.db.prisma.attachment.count({ where: { chatId: 3107n } })).toBe(1);
    await send(gil, "/cancel");
    expect(await bot.db.prisma.attachment.count({ where: { chatId: 3107n } })).toBe(0);
  });

  it("outside a request, media get the note that the bot reads text", async () => {
    const dee = bot.customer(3104, "en");
    expect((await sendMedia(dee, photo("dee-1")))[0]?.text).toMatch(/^I can't take this here\./);
    expect(await bot.db.prisma.attachment.count({ where: { chatId: 3104n } })).toBe(0);
  });

  it("while a case waits for the customer's answer, a file joins it and staff are told; /case lists it", async () => {
    const eve = bot.customer(3105, "en", "Eve");
    const id = await submitBalanceRequest(eve);
    const sam = bot.member(901, STAFF_GROUP);
    await send(sam, `/claim ${id}`);
    await send(sam, `/ask ${id} Can you show the order page?`);
    const from = bot.api.calls.length;
    expect((await sendMedia(eve, photo("eve-1", 240_000)))[0]?.text).toBe(
      `Thank you — I've attached it to request #${id} and let our team know.`,
    );
    expect(textsTo(bot, STAFF_GROUP, from)).toEqual([
      `The customer of case #${id} (Eve) sent a photo, 234 KB. The case still waits for their answer.`,
    ]);
    expect(copies(bot, from).map((c) => c.payload.chat_id)).toEqual([String(STAFF_GROUP)]);
    // The caption of a second file is the answer staff asked for.
    await sendMedia(eve, { ...photo("eve-2"), caption: "This is the order page." });
    const events = await bot.db.prisma.caseEvent.findMany({ where: { caseId: id } });
    expect(events.map((e) => e.note)).toContain("This is the order page.");
    const c = await bot.db.prisma.refundCase.findUniqueOrThrow({ where: { id } });
    expect(c.status).toBe("in_review");

    const shown = bot.api.calls.length;
    const card = await send(sam, `/case ${id}`);
    const text = card.map((r) => r.text).join("\n");
    expect(text).toContain("📎 Files: 2");
    expect(text).toMatch(/Eve: attached a photo, 234 KB/);
    // Opening the case again posts no files: they are a button away.
    expect(copies(bot, shown)).toHaveLength(0);
    const show = card.at(-1)?.buttons.find((b) => b.data === `1|s|files|${id}`);
    expect(show?.text).toBe("📎 Show files (2)");
    const pressed = bot.api.calls.length;
    await press(sam, show?.data ?? "");
    expect(copies(bot, pressed).map((c) => c.payload.chat_id)).toEqual([
      String(STAFF_GROUP),
      String(STAFF_GROUP),
    ]);
  });
});
