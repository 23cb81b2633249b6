import { afterEach, describe, expect, it } from "vitest";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { Retention } from "../../src/database/retention.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { Erasures, requestErasure } from "../../src/privacy/erasure.ts";
import { personalData } from "../../src/privacy/personal-data.ts";
import { erasedStaffChats } from "../../src/staff/show-case.ts";
import {
  ADMIN,
  document,
  makeCase,
  makeStaff,
  photo,
  press,
  pressWith,
  STAFF_ENV,
  STAFF_GROUP,
  send,
  sendMedia,
  submitBalanceRequest,
} from "../staff/helpers.ts";
import { TestBot } from "../support/bot.ts";
import { databaseKinds } from "../support/database.ts";

const ZEB = 730001;
/** Another customer of the same name, whose words overlap theirs: erasing Zeb leaves them be. */
const OTHER = 730002;
const OTHER_QUESTION = "Zebulon here too: my order never arrived, please help";
const EMAIL = "zebulon.private@example.org";
const QUESTION = "Zebulon here: my order ZX-99187 never arrived";
const ANSWER = "It was the order QV-55613 from Tuesday";
/** Telegram's ids of the files they sent: one with the request, one answering staff. */
const PHOTO_ID = "AgACAgIAAxkBAAIZebulonPhoto";
const DOCUMENT_ID = "BQACAgIAAxkBAAIZebulonDocument";

/** Every row of every table of the program, as text. */
/** Staff's internal note about the customer: their data too. */
const NOTE = "Zebulon sounded upset on the phone";

async function everyRow(bot: TestBot): Promise<string[]> {
  const tables = await bot.db.prisma.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
       AND table_name <> '_prisma_migrations'`;
  const rows: string[] = [];
  for (const { name } of tables) {
    const found = await bot.db.prisma.$queryRawUnsafe<{ row: string }[]>(
      `SELECT t::text AS row FROM "${name}" t`,
    );
    rows.push(...found.map((r) => `${name}: ${r.row}`));
  }
  return rows;
}

/** The background erasure pass of a test bot, as the program runs it. */
function erasuresOf(b: TestBot, keepClosedDays?: number): Erasures {
  return new Erasures(b.db.prisma, createLogger("silent"), {
    ...(keepClosedDays === undefined ? {} : { keepClosedDays }),
    staff: erasedStaffChats({
      config: b.config,
      i18n: b.core.i18n,
      logger: createLogger("silent"),
    }),
  });
}

describe.each(databaseKinds)("privacy (%s)", (kind) => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.close();
  });

  /** A customer with a history: two requests, evidence, a hand-off question, an answer to staff. */
  async function customerWithHistory(b: TestBot) {
    await makeStaff(b.db.prisma, 901);
    const zeb = b.customer(ZEB, "en", "Zebulon");
    const balance = await submitBalanceRequest(zeb, [photo(PHOTO_ID)]);
    const payout = await makeCase(b.db.prisma, {
      customerId: ZEB,
      kind: "payout",
      payoutDetails: JSON.stringify({ method: "paypal", email: EMAIL }),
    });
    const sam = b.member(901, Number(STAFF_ENV.STAFF_CHAT_ID));
    await send(sam, `/claim ${balance}`);
    await send(sam, `/ask ${balance} Which order was it?`);
    await sendMedia(zeb, document(DOCUMENT_ID, "application/pdf"));
    await send(sam, `/note ${balance} ${NOTE}`);
    await send(zeb, ANSWER);
    await press(zeb, encodeCallback({ kind: "menu", action: "human" }));
    await send(zeb, QUESTION);
    // Their Telegram profile follows every update: now with a username.
    await b.deliver({
      ...zeb.message({ text: "/start" }),
      message: {
        ...zeb.message({ text: "/start" }).message,
        from: { ...zeb.from, username: "zeb_the_tester" },
      },
    });
    await b.flush();
    return { balance, payout };
  }

  it("exports everything held about a person, payout details masked", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    const { balance, payout } = await customerWithHistory(bot);
    const data = await personalData(bot.db.prisma, BigInt(ZEB), new Date());
    expect(data.user).toMatchObject({
      id: String(ZEB),
      firstName: "Zebulon",
      username: "zeb_the_tester",
    });
    expect(data.requests.map((r) => r.id)).toEqual([balance, payout]);
    const text = JSON.stringify(data);
    expect(text).toContain(QUESTION);
    expect(text).toContain(ANSWER);
    expect(text).not.toContain(EMAIL);
    expect(data.requests[1]?.payoutDetails).toBe("z•••@example.org");
    expect(data.requests[0]?.history.map((h) => h.by)).toEqual(["you", "staff", "staff", "you"]);
    expect(data.files.map((f) => [f.request, f.kind, f.telegramFileId])).toEqual([
      [balance, "photo", PHOTO_ID],
      [balance, "document", DOCUMENT_ID],
    ]);
    expect(data.requests[0]?.staffNotes.map((n) => n.note)).toEqual([NOTE]);
  });

  it("forgets a person: no row holds their id, name, username or anything they typed; decisions stay, anonymous", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    const b = bot;
    const { balance, payout } = await customerWithHistory(bot);
    // A staff member's approval note about them, waiting for its D3 confirmation.
    await send(
      bot.member(901, Number(STAFF_ENV.STAFF_CHAT_ID)),
      `/approve ${payout} Zebulon confirmed it on the phone`,
    );
    expect(await bot.db.prisma.staffPrompt.count({ where: { caseId: payout } })).toBe(1);
    // Another Zebulon asks for a person, in words much like Zeb's.
    const other = bot.customer(OTHER, "en", "Zebulon");
    await press(other, encodeCallback({ kind: "menu", action: "human" }));
    await send(other, OTHER_QUESTION);
    const held = await bot.db.prisma.refundCase.findMany({ where: { customerId: BigInt(ZEB) } });
    const traces = [
      String(ZEB),
      "zeb_the_tester",
      EMAIL,
      "ZX-99187",
      "QV-55613",
      PHOTO_ID,
      DOCUMENT_ID,
      ...held.flatMap((c) => [c.accountId, c.serviceRef]),
    ];
    const group = STAFF_ENV.STAFF_CHAT_ID;
    const shown = () => JSON.stringify(b.api.view(Number(group)));
    // Before: the staff group shows Zeb's card, question, answer and files.
    for (const seen of ["ZX-99187", "QV-55613", `id ${ZEB}`, `of ${ZEB}`])
      expect(shown(), seen).toContain(seen);
    expect((await everyRow(bot)).filter((r) => r.includes("Zebulon")).length).toBeGreaterThan(0);
    expect((await everyRow(bot)).filter((r) => r.includes(PHOTO_ID)).length).toBeGreaterThan(0);
    const othersRows = await bot.db.prisma.outboxMessage.findMany({
      where: { OR: [{ aboutUserId: BigInt(OTHER) }, { chatId: BigInt(OTHER) }] },
      orderBy: { id: "asc" },
    });
    expect(othersRows.some((r) => JSON.stringify(r.payload).includes(OTHER_QUESTION))).toBe(true);

    await requestErasure(bot.db.prisma, BigInt(ZEB), new Date());
    const erasures = erasuresOf(b);
    expect(await erasures.tick(new Date())).toBe(1);
    await bot.flush();
    // The staff group as Telegram shows it: nothing of Zeb — cards anonymous, notices one
    // line, copies of their files deleted — and the other Zebulon's question as it was.
    const view = bot.api.view(Number(group));
    for (const trace of [...traces, "Which order", NOTE])
      expect(JSON.stringify(view), trace).not.toContain(trace);
    expect(view.filter((m) => m.text.includes("Zebulon")).map((m) => m.text)).toEqual([
      expect.stringContaining(OTHER_QUESTION),
    ]);
    expect(view.filter((m) => m.text.startsWith("copy of"))).toEqual([]);
    expect(view.some((m) => m.text === "The customer's data was erased at their request.")).toBe(
      true,
    );
    const card = view.find((m) => m.text.startsWith(`Case #${balance}`));
    expect(card?.text).toContain("The customer's data was erased at their request.");
    // The other customer's rows are untouched.
    expect(
      await bot.db.prisma.outboxMessage.findMany({
        where: { id: { in: othersRows.map((r) => r.id) } },
        orderBy: { id: "asc" },
      }),
    ).toEqual(othersRows);

    const rows = (await everyRow(bot)).filter((r) => !r.includes(String(OTHER)));
    for (const trace of [...traces, "Zebulon"])
      expect(
        rows.filter((r) => r.toLowerCase().includes(trace.toLowerCase())),
        trace,
      ).toEqual([]);
    // What an audit needs: both requests, withdrawn where open, with clauses, amounts and history.
    const kept = await bot.db.prisma.refundCase.findMany({
      where: { id: { in: [balance, payout] } },
      include: { events: { orderBy: { id: "asc" } } },
      orderBy: { id: "asc" },
    });
    expect(kept.map((c) => c.status)).toEqual(["withdrawn", "withdrawn"]);
    expect(kept.every((c) => c.customerId < 0n && c.clauses.length > 0)).toBe(true);
    expect(kept[0]?.amount.toString()).toBe("2.5");
    expect(kept[0]?.events.map((e) => e.toStatus)).toEqual([
      "submitted",
      "in_review",
      "needs_info",
      "in_review",
      "withdrawn",
    ]);
    expect(await bot.db.prisma.erasureRequest.count()).toBe(0);
  });

  it("drops unsent messages about the person, waits for one being sent, and captions copies past Telegram's 48 hours", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    const b = bot;
    await makeStaff(bot.db.prisma, 901);
    const zeb = bot.customer(ZEB, "en", "Zebulon");
    await submitBalanceRequest(zeb, [photo(PHOTO_ID)]);
    const group = BigInt(STAFF_ENV.STAFF_CHAT_ID);
    const copy = bot.api.calls.find((c) => c.method === "copyMessage");
    expect(copy?.messageId).toBeDefined();
    const about = (text: string, leaseUntil: Date | null) => ({
      chatId: group,
      method: "sendMessage",
      payload: { chat_id: String(group), text },
      aboutUserId: BigInt(ZEB),
      leaseUntil,
    });
    const unsent = await bot.db.prisma.outboxMessage.create({
      data: about("Zebulon, unsent", null),
    });
    const sending = await bot.db.prisma.outboxMessage.create({
      data: about("Zebulon, being sent", new Date(Date.now() + 60_000)),
    });
    await requestErasure(bot.db.prisma, BigInt(ZEB), new Date());
    const erasures = erasuresOf(b);
    // A sender holds one: it may reach Telegram, so the erasure waits to change it there.
    expect(await erasures.tick(new Date())).toBe(0);
    await bot.db.prisma.outboxMessage.update({
      where: { id: sending.id },
      data: { status: "sent", leaseUntil: null, sentAt: new Date(), messageId: 900n },
    });
    // Three days on: too late to delete the copy of the photo, so its caption goes.
    expect(await erasures.tick(new Date(Date.now() + 3 * 86_400_000))).toBe(1);
    expect(await bot.db.prisma.outboxMessage.findUnique({ where: { id: unsent.id } })).toBeNull();
    const from = bot.api.calls.length;
    await bot.flush();
    const calls = bot.api.calls.slice(from);
    expect(calls.map((c) => c.method).sort()).toEqual([
      "editMessageCaption",
      "editMessageText",
      "editMessageText",
    ]);
    expect(calls.find((c) => c.method === "editMessageCaption")?.payload).toMatchObject({
      chat_id: String(group),
      message_id: copy?.messageId,
      caption: "The customer's data was erased at their request.",
    });
    expect(calls.some((c) => c.payload.message_id === 900)).toBe(true);
    expect(JSON.stringify(calls)).not.toContain("Zebulon");
  });

  it("closes an erased person's open questions for a person; /reply says their data was erased", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await makeStaff(bot.db.prisma, 901);
    const zeb = bot.customer(ZEB, "en", "Zebulon");
    await press(zeb, "1|m|human");
    await send(zeb, QUESTION);
    const [h] = await bot.db.prisma.handoff.findMany();
    expect(h?.status).toBe("open");
    await requestErasure(bot.db.prisma, BigInt(ZEB), new Date());
    expect(await new Erasures(bot.db.prisma, createLogger("silent")).tick(new Date())).toBe(1);
    expect(await bot.db.prisma.handoff.findUnique({ where: { id: h?.id ?? 0 } })).toMatchObject({
      status: "closed",
      question: null,
    });
    const sam = bot.member(901, Number(STAFF_ENV.STAFF_CHAT_ID));
    const from = bot.api.calls.length;
    expect((await send(sam, `/reply H-${h?.id} Hello?`))[0]?.text).toBe(
      "The customer's data was erased.",
    );
    // Nothing went anywhere but the staff group.
    expect(
      bot.api.calls
        .slice(from)
        .filter((c) => c.method === "sendMessage" && c.payload.chat_id !== STAFF_ENV.STAFF_CHAT_ID),
    ).toEqual([]);
  });

  it("waits for the messages still on their way to the person, then forgets them", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    const zeb = bot.customer(ZEB, "en", "Zebulon");
    await zeb.send("/start");
    await bot.db.prisma.outboxMessage.create({
      data: {
        chatId: BigInt(ZEB),
        method: "sendMessage",
        payload: { chat_id: String(ZEB), text: "bye" },
      },
    });
    await requestErasure(bot.db.prisma, BigInt(ZEB), new Date());
    const erasures = new Erasures(bot.db.prisma, createLogger("silent"));
    expect(await erasures.tick(new Date())).toBe(0);
    expect(await bot.db.prisma.user.count({ where: { id: BigInt(ZEB) } })).toBe(1);
    await bot.flush();
    expect(await erasures.tick(new Date())).toBe(1);
    expect(await bot.db.prisma.user.count({ where: { id: BigInt(ZEB) } })).toBe(0);
  });

  it("erases a closed request's details after the configured days; open ones and decisions keep theirs", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    const closed = await makeCase(bot.db.prisma, {
      customerId: ZEB,
      kind: "payout",
      payoutDetails: JSON.stringify({ method: "paypal", email: EMAIL }),
    });
    const open = await makeCase(bot.db.prisma, { customerId: ZEB });
    await bot.db.prisma.refundCase.update({ where: { id: closed }, data: { status: "done" } });
    // Closed and erased by an earlier version, with an /approve note someone left on it.
    const erasedBefore = await makeCase(bot.db.prisma, { customerId: ZEB });
    await bot.db.prisma.refundCase.update({
      where: { id: erasedBefore },
      data: { status: "rejected", accountId: "", serviceRef: "" },
    });
    await bot.db.prisma.staffPrompt.create({
      data: { userId: 902n, chatId: 902n, caseId: erasedBefore, action: "approve", note: NOTE },
    });
    for (const caseId of [closed, open])
      await bot.db.prisma.attachment.create({
        data: {
          customerId: BigInt(ZEB),
          chatId: BigInt(ZEB),
          caseId,
          kind: "photo",
          fileId: `file-of-${caseId}`,
          fileUniqueId: `u-${caseId}`,
          messageId: caseId,
        },
      });
    for (const caseId of [closed, open]) {
      await bot.db.prisma.caseNote.create({ data: { caseId, authorId: 901n, text: NOTE } });
      // An /approve note left waiting when someone else decided the case.
      await bot.db.prisma.staffPrompt.create({
        data: { userId: 901n, chatId: 901n, caseId, action: "approve", note: NOTE },
      });
    }
    await bot.db.prisma.caseRating.create({
      data: { caseId: closed, stars: 2, comment: "Zebulon here: too slow" },
    });
    // Staff's question, the customer's answer in the history; a question for a person.
    await bot.db.prisma.caseEvent.createMany({
      data: [
        { caseId: closed, actorId: 901n, toStatus: "needs_info", note: "Was it QV-55613?" },
        { caseId: closed, actorId: BigInt(ZEB), toStatus: "in_review", note: ANSWER },
        { caseId: open, actorId: BigInt(ZEB), toStatus: "in_review", note: "still open" },
      ],
    });
    await bot.db.prisma.handoff.create({
      data: { customerId: BigInt(ZEB), chatId: BigInt(ZEB), origin: "menu", question: QUESTION },
    });
    // The closed request's card in the staff group, as sent.
    const group = BigInt(STAFF_ENV.STAFF_CHAT_ID);
    await bot.db.prisma.outboxMessage.create({
      data: {
        chatId: group,
        method: "sendMessage",
        payload: { chat_id: String(group), text: `Case #${closed}: Zebulon, ${EMAIL}` },
        ref: `card:${closed}`,
        status: "sent",
        messageId: 77n,
        aboutUserId: BigInt(ZEB),
      },
    });
    const b = bot;
    const erasures = new Erasures(bot.db.prisma, createLogger("silent"), {
      keepClosedDays: 30,
      staff: erasedStaffChats({
        config: b.config,
        i18n: b.core.i18n,
        logger: createLogger("silent"),
      }),
    });
    expect(await erasures.eraseClosed(new Date(Date.now() + 29 * 86_400_000))).toBe(0);
    expect(await erasures.eraseClosed(new Date(Date.now() + 31 * 86_400_000))).toBe(1);
    const [c, o] = await Promise.all(
      [closed, open].map((id) => bot?.db.prisma.refundCase.findUniqueOrThrow({ where: { id } })),
    );
    expect(c).toMatchObject({ accountId: "", serviceRef: "", payoutDetails: null, status: "done" });
    expect(c?.clauses.length).toBeGreaterThan(0);
    expect(o?.accountId).toBe("ann@example.com");
    const files = await bot.db.prisma.attachment.findMany({ select: { caseId: true } });
    expect(files).toEqual([{ caseId: open }]);
    // The notes and the rating's words go with the details; the stars stay.
    expect((await bot.db.prisma.caseNote.findMany()).map((n) => n.caseId)).toEqual([open]);
    expect((await bot.db.prisma.staffPrompt.findMany()).map((p) => p.caseId)).toEqual([open]);
    expect(await bot.db.prisma.caseRating.findUnique({ where: { caseId: closed } })).toMatchObject({
      stars: 2,
      comment: null,
    });
    // The words in its history go, who moved it where stays; the open request keeps its own.
    const events = await bot.db.prisma.caseEvent.findMany({
      where: { toStatus: { not: "submitted" } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.caseId, e.toStatus, e.note])).toEqual([
      [closed, "needs_info", null],
      [closed, "in_review", null],
      [open, "in_review", "still open"],
    ]);
    expect((await bot.db.prisma.handoff.findFirst())?.question).toBeNull();
    // Its card in the staff group is edited to carry no one's data, and its row loses its words.
    await bot.flush();
    const edit = bot.api.calls.find((c) => c.method === "editMessageText");
    expect(edit?.payload).toMatchObject({ chat_id: String(group), message_id: 77 });
    expect(String(edit?.payload.text)).toContain(
      "The customer's details were removed after the retention period.",
    );
    expect(String(edit?.payload.text)).not.toContain("Zebulon");
    const rows = await bot.db.prisma.outboxMessage.findMany({ where: { ref: `card:${closed}` } });
    expect(rows.map((r) => JSON.stringify(r.payload)).join()).not.toMatch(/Zebulon|example/);
  });
});

describe.each(databaseKinds)("privacy commands (%s)", (kind) => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.close();
  });

  it("/mydata sends the customer their data as a JSON file", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    const zeb = bot.customer(ZEB, "en", "Zebulon");
    await submitBalanceRequest(zeb);
    const from = bot.api.calls.length;
    await zeb.send("/mydata");
    const doc = bot.api.calls.slice(from).find((c) => c.method === "sendDocument");
    expect(doc?.payload.chat_id).toBe(String(ZEB));
    expect(String(doc?.payload.caption)).toMatch(/^Everything we hold about you, as of /);
    // The file's English names are explained in the customer's language.
    expect(String(doc?.payload.caption)).toContain("What's in the file: user — your profile;");
    if (doc === undefined) throw new Error("no document was sent");
    const file = (doc.payload.document as { upload: { filename: string; content: string } }).upload;
    expect(file.filename).toBe(`data-${ZEB}.json`);
    expect(JSON.parse(file.content)).toMatchObject({
      user: { firstName: "Zebulon" },
      requests: [{ account: "ann@example.com", status: "submitted" }],
    });
  });

  it("/forget asks first; keeping changes nothing, confirming erases once the reply has left", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    const zeb = bot.customer(ZEB, "en", "Zebulon");
    await submitBalanceRequest(zeb);
    const asked = await send(zeb, "/forget");
    expect(asked[0]?.text).toMatch(/^Erase your data\?/);
    expect((await pressWith(zeb, asked, "1|p|keep")).replies[0]?.text).toBe("Nothing was erased.");
    expect(await bot.db.prisma.erasureRequest.count()).toBe(0);
    const confirmed = await pressWith(zeb, asked, "1|p|forget");
    expect(confirmed.replies[0]?.text).toMatch(
      /^Done: your data will be erased within a few minutes/,
    );
    // "Keep it" after "Erase" (a second /forget's button) does not pretend to undo it.
    const again = await send(zeb, "/forget");
    expect((await pressWith(zeb, again, "1|p|keep")).replies[0]?.text).toBe(
      "Your data is already being erased.",
    );
    expect(await bot.db.prisma.erasureRequest.count()).toBe(1);
    const erasures = new Erasures(bot.db.prisma, createLogger("silent"));
    expect(await erasures.tick(new Date())).toBe(1);
    expect(await bot.db.prisma.user.count({ where: { id: BigInt(ZEB) } })).toBe(0);
    expect(await bot.db.prisma.refundCase.count({ where: { status: "withdrawn" } })).toBe(1);
  });

  it("/privacy is for admins: export to the admin's private chat once it exists, forget after a confirmation", async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await makeStaff(bot.db.prisma, 901);
    const zeb = bot.customer(ZEB, "en", "Zebulon");
    await submitBalanceRequest(zeb);
    const group = Number(STAFF_ENV.STAFF_CHAT_ID);
    const sam = bot.member(901, group);
    expect((await send(sam, `/privacy export ${ZEB}`))[0]?.text).toBe(
      "Only admins can export or erase a person's data.",
    );
    const admin = bot.member(ADMIN, group);
    // The admin never wrote to the bot: Telegram would refuse the file, so it is not "sent".
    let from = bot.api.calls.length;
    expect((await send(admin, `/privacy export ${ZEB}`))[0]?.text).toBe(
      "Start a private chat with me first, then repeat the command.",
    );
    expect(bot.api.calls.slice(from).filter((c) => c.method === "sendDocument")).toEqual([]);
    await bot.customer(ADMIN).send("/start");
    from = bot.api.calls.length;
    expect((await send(admin, `/privacy export ${ZEB}`))[0]?.text).toBe(
      `I've sent the data of ${ZEB} to your private chat.`,
    );
    const doc = bot.api.calls.slice(from).find((c) => c.method === "sendDocument");
    expect(doc?.payload.chat_id).toBe(STAFF_ENV.ADMIN_IDS);
    expect((await send(admin, "/privacy export 12345"))[0]?.text).toBe(
      "There is no customer with id 12345.",
    );
    expect((await send(admin, "/privacy export 901"))[0]?.text).toBe(
      "901 is on the team: remove their role first.",
    );
    expect((await send(admin, "/privacy wipe 1"))[0]?.text).toMatch(/^Usage: \/privacy export/);

    // Forgetting asks first, naming who it is.
    const asked = await send(admin, `/privacy forget ${ZEB}`);
    expect(asked[0]?.text).toMatch(
      new RegExp(`^Erase the data of Zebulon \\(id ${ZEB}, requests: 1\\)\\?`),
    );
    expect(asked[0]?.buttons.map((b) => b.data)).toEqual([`1|e|erase|${ZEB}`, `1|e|cancel|${ZEB}`]);
    expect(await bot.db.prisma.erasureRequest.count()).toBe(0);
    // A staff member who is no admin cannot press it; a forged id finds no one.
    expect((await press(sam, `1|e|erase|${ZEB}`)).answer?.payload.text).toBe(
      "Only admins can export or erase a person's data.",
    );
    expect((await press(admin, "1|e|erase|0")).answer?.payload.text).toMatch(/button/i);
    expect((await press(admin, "1|e|erase|12345")).replies[0]?.text).toBe(
      "There is no customer with id 12345.",
    );
    expect((await press(admin, `1|e|cancel|${ZEB}`)).replies[0]?.text).toBe("Nothing was erased.");
    expect(await bot.db.prisma.erasureRequest.count()).toBe(0);
    expect((await press(admin, `1|e|erase|${ZEB}`)).replies[0]?.text).toBe(
      `The data of ${ZEB} will be erased within a few minutes.`,
    );
    expect(await bot.db.prisma.erasureRequest.count()).toBe(1);
    await bot.flush();
    expect(await new Erasures(bot.db.prisma, createLogger("silent")).tick(new Date())).toBe(1);
    expect(await bot.db.prisma.user.count({ where: { id: BigInt(ZEB) } })).toBe(0);
  });
});

// The outbox's rows are what locates a staff chat's message about someone, and sent rows
// go after a month: erasing later must still find the messages.
describe("staff chats' messages older than a month (pglite)", () => {
  const DAY = 86_400_000;
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.close();
  });
  const hourly = (b: TestBot, at: Date) =>
    new Retention(b.db.prisma, createLogger("silent")).tick(at);

  it("a closed request's card is edited by CLOSED_CASE_DATA_DAYS=90, 91 days on", async () => {
    bot = await TestBot.create("pglite", STAFF_ENV);
    await makeStaff(bot.db.prisma, 901);
    const id = await submitBalanceRequest(bot.customer(ZEB, "en", "Zebulon"));
    await send(bot.member(901, STAFF_GROUP), `/reject ${id} Not covered`);
    const shown = () => JSON.stringify(bot?.api.view(STAFF_GROUP));
    expect(shown()).toContain("ann@example.com");
    const later = new Date(Date.now() + 91 * DAY);
    await hourly(bot, later);
    expect(await erasuresOf(bot, 90).eraseClosed(later)).toBe(1);
    await bot.flush();
    expect(shown()).not.toContain("ann@example.com");
  });

  it("an erasure 31 days after the request edits its card and notices", async () => {
    bot = await TestBot.create("pglite", STAFF_ENV);
    await makeStaff(bot.db.prisma, 901);
    await submitBalanceRequest(bot.customer(ZEB, "en", "Zebulon"));
    const shown = () => JSON.stringify(bot?.api.view(STAFF_GROUP));
    expect(shown()).toContain("Zebulon");
    const later = new Date(Date.now() + 31 * DAY);
    await hourly(bot, later);
    // Kept, without their words.
    const outbox = (await everyRow(bot)).filter((r) => r.startsWith("OutboxMessage"));
    expect(outbox.length).toBeGreaterThan(0);
    expect(JSON.stringify(outbox)).not.toContain("Zebulon");
    await requestErasure(bot.db.prisma, BigInt(ZEB), later);
    expect(await erasuresOf(bot).tick(later)).toBe(1);
    await bot.flush();
    for (const trace of ["Zebulon", String(ZEB), "ann@example.com"]) {
      expect(shown(), trace).not.toContain(trace);
    }
  });

  it("CLOSED_CASE_DATA_DAYS=7 takes the words of what staff were told from the outbox's rows too", async () => {
    bot = await TestBot.create("pglite", STAFF_ENV);
    await makeStaff(bot.db.prisma, 901);
    const zeb = bot.customer(ZEB, "en", "Zebulon");
    const id = await submitBalanceRequest(zeb);
    const sam = bot.member(901, STAFF_GROUP);
    await send(sam, `/ask ${id} Which order was it?`);
    await send(zeb, ANSWER);
    await send(sam, `/reject ${id} Not covered`);
    const later = new Date(Date.now() + 8 * DAY);
    await hourly(bot, later);
    expect(await erasuresOf(bot, 7).eraseClosed(later)).toBe(1);
    await bot.flush();
    const rows = await everyRow(bot);
    expect(rows.filter((r) => r.includes("QV-55613") || r.includes("ann@example.com"))).toEqual([]);
  });

  it("CLOSED_CASE_DATA_DAYS takes the words of a question for a person answered as long ago, with no request", async () => {
    bot = await TestBot.create("pglite", STAFF_ENV);
    const at = (days: number) => new Date(Date.now() + days * DAY);
    const asked = (answeredAt: Date | null) =>
      bot?.db.prisma.handoff.create({
        data: {
          customerId: BigInt(ZEB),
          chatId: BigInt(ZEB),
          origin: "menu",
          question: QUESTION,
          status: answeredAt === null ? "open" : "answered",
          answeredAt,
        },
      });
    await bot.db.prisma.user.create({ data: { id: BigInt(ZEB), firstName: "Zebulon" } });
    const old = await asked(new Date());
    const recent = await asked(at(5));
    const unanswered = await asked(null);
    await erasuresOf(bot, 7).eraseClosed(at(8));
    const rows = await bot.db.prisma.handoff.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((h) => [h.id, h.question])).toEqual([
      [old?.id, null],
      [recent?.id, QUESTION],
      [unanswered?.id, QUESTION],
    ]);
  });

  it("an admin's /privacy forget leaves no row with the person's id, the question's name included", async () => {
    bot = await TestBot.create("pglite", STAFF_ENV);
    await makeStaff(bot.db.prisma, 901);
    await submitBalanceRequest(bot.customer(ZEB, "en", "Zebulon"));
    const admin = bot.member(ADMIN, STAFF_GROUP);
    await send(admin, `/privacy forget ${ZEB}`);
    expect((await press(admin, `1|e|erase|${ZEB}`)).replies[0]?.text).toBe(
      `The data of ${ZEB} will be erased within a few minutes.`,
    );
    await bot.flush();
    expect(await erasuresOf(bot).tick(new Date())).toBe(1);
    await bot.flush();
    expect((await everyRow(bot)).filter((r) => r.includes(String(ZEB)))).toEqual([]);
  });
});
