import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { createMetrics } from "../../src/metrics/index.ts";
import { personalData } from "../../src/privacy/personal-data.ts";
import { TestBot } from "../support/bot.ts";
import { databaseKinds } from "../support/database.ts";
import {
  ADMIN,
  answerPrompt,
  editsTo,
  makeCase,
  makeStaff,
  press,
  pressWith,
  STAFF_ENV,
  STAFF_GROUP,
  send,
  textsTo,
} from "./helpers.ts";

const rate = (caseId: number, stars: number) => encodeCallback({ kind: "rate", caseId, stars });
const STALE = "This button is no longer active.";

describe.each(databaseKinds)("helpdesk: ratings, notes, saved replies, search (%s)", (kind) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await makeStaff(bot.db.prisma, 931, "staff", "en");
    await makeStaff(bot.db.prisma, 932, "staff", "es");
  });
  afterAll(async () => {
    await bot.close();
  });
  const sam = () => bot.member(931, STAFF_GROUP);
  const rating = (caseId: number) => bot.db.prisma.caseRating.findUnique({ where: { caseId } });

  it("a closed case is rated once: the first star is kept, a foreign or early press changes nothing", async () => {
    const id = await makeCase(bot.db.prisma, { customerId: 3001 });
    const open = await makeCase(bot.db.prisma, { customerId: 3001 });
    const customer = bot.customer(3001);
    // Not closed yet: the button is stale.
    expect((await press(customer, rate(open, 5))).answer?.payload.text).toBe(STALE);

    await send(sam(), `/reject ${id} The order was refunded already.`);
    expect(textsTo(bot, 3001).at(-1)).toBe(
      `How did we handle request #${id}? Please rate it from 1 to 5 stars:`,
    );
    // Someone else's case: stale, nothing recorded.
    const stranger = await press(bot.customer(3002), rate(id, 1));
    expect(stranger.answer?.payload.text).toBe(STALE);
    expect(await rating(id)).toBeNull();

    const first = await press(customer, rate(id, 4));
    expect(first.answer?.payload.text).toBeUndefined();
    expect(first.replies[0]?.text).toBe(`Thank you! You rated request #${id} 4 ★.`);
    expect(first.replies[0]?.buttons.map((b) => b.text)).toEqual(["✍️ Add a comment"]);
    // A second press (another device, an old keyboard) takes the stars off and says what was kept.
    const again = await press(customer, rate(id, 1));
    expect(again.answer?.payload).toMatchObject({
      text: `You have already rated request #${id}: 4 ★. Thank you!`,
      show_alert: true,
    });
    expect(again.replies).toEqual([]);
    expect((await rating(id))?.stars).toBe(4);
    expect(await rating(open)).toBeNull();

    expect((await send(customer, "/comment Quick, but the reason was short."))[0]?.text).toBe(
      `Thank you — your comment on request #${id} has reached our team.`,
    );
    expect((await rating(id))?.comment).toBe("Quick, but the reason was short.");
    expect((await send(customer, "/comment"))[0]?.text).toBe(
      "Usage: /comment <your words about the request you rated>",
    );
    expect((await send(bot.customer(3003, "ru"), "/comment хорошо"))[0]?.text).toBe(
      "Недавних оценок, к которым можно добавить комментарий, нет. Когда заявка будет завершена, я попрошу её оценить.",
    );
  });

  it("Add a comment opens a reply box; the reply is the comment, staff see it; other text stays a question", async () => {
    const id = await makeCase(bot.db.prisma, { customerId: 3031, language: "es" });
    const customer = bot.customer(3031, "es");
    await send(sam(), `/reject ${id} Ya se devolvió.`);
    const rated = await press(customer, rate(id, 2));
    // A low rating is brought to staff, and the card shows it.
    expect(textsTo(bot, STAFF_GROUP).join("\n")).toContain(
      `⭐ Case #${id} was rated 2 ★ by the customer.`,
    );
    const prompt = await pressWith(customer, rated.replies, `1|c|${id}`);
    expect(prompt.replies[0]?.text).toBe(
      `¿Qué quieres contarnos sobre la solicitud n.º ${id}? Escribe tu comentario respondiendo a este mensaje.`,
    );
    const promptCall = bot.api.calls.findLast(
      (c) => c.method === "sendMessage" && c.payload.chat_id === "3031",
    );
    expect(promptCall?.payload.reply_markup).toEqual({
      force_reply: true,
      input_field_placeholder: "Tu comentario",
    });
    const sent = await bot.db.prisma.outboxMessage.findFirst({
      where: { chatId: 3031n, ref: `comment:${id}` },
      select: { messageId: true },
    });
    const promptId = Number(sent?.messageId);
    const reply = async (text: string, messageId: number) => {
      const from = bot.api.calls.length;
      await bot.deliver(customer.message({ text, reply_to_message: { message_id: messageId } }));
      return textsTo(bot, 3031, from);
    };

    expect(await reply("x".repeat(1001), promptId)).toEqual([
      "El comentario es demasiado largo: por favor, no pases de 1000 caracteres.",
    ]);
    expect((await rating(id))?.comment).toBeNull();
    const staffFrom = bot.api.calls.length;
    expect(await reply("Muy lentos.", promptId)).toEqual([
      `Gracias: tu comentario sobre la solicitud n.º ${id} ha llegado a nuestro equipo.`,
    ]);
    expect((await rating(id))?.comment).toBe("Muy lentos.");
    expect(textsTo(bot, STAFF_GROUP, staffFrom).join("\n")).toContain(
      `💬 The customer commented on case #${id} (2 ★): “Muy lentos.”`,
    );
    expect((await send(sam(), `/case ${id}`))[0]?.text).toContain(
      "⭐ Customer's rating: 2 ★ — “Muy lentos.”",
    );
    expect(await reply("Muy lentos, y caros.", promptId)).toEqual([
      `Gracias: tu nuevo comentario sobre la solicitud n.º ${id} ha sustituido al anterior y ha llegado a nuestro equipo.`,
    ]);
    // A reply to another message is read as a question, and the comment stays.
    const other = await reply("¿cuánto tarda el reembolso al saldo?", promptId + 1000);
    expect(other.join("\n")).toContain("F1");
    expect((await rating(id))?.comment).toBe("Muy lentos, y caros.");
    // Someone else's comment button is stale.
    expect(
      (await press(bot.customer(3032), encodeCallback({ kind: "comment", caseId: id }))).answer
        ?.payload.text,
    ).toBe(STALE);
  });

  it("/stats gives the week's and month's average and distribution; the metric counts by stars", async () => {
    const ids: number[] = [];
    for (const customerId of [3011, 3012, 3013]) {
      const id = await makeCase(bot.db.prisma, { customerId });
      await send(sam(), `/reject ${id} No.`);
      ids.push(id);
    }
    await press(bot.customer(3011), rate(ids[0] ?? 0, 5));
    await press(bot.customer(3012), rate(ids[1] ?? 0, 5));
    await press(bot.customer(3013), rate(ids[2] ?? 0, 2));
    const all = await bot.db.prisma.caseRating.findMany();
    const count = (s: number) => all.filter((r) => r.stars === s).length;
    const average = all.reduce((a, r) => a + r.stars, 0) / all.length;

    const en = (await send(sam(), "/stats"))[0]?.text ?? "";
    const distribution = [5, 4, 3, 2, 1].map((s) => `${s}★ ${count(s)}`).join(" · ");
    expect(en).toContain(
      `Ratings this week: ${average.toFixed(1)} ★ on average, ${all.length} in all — ${distribution}`,
    );
    expect(en).toContain(
      `Ratings this month: ${average.toFixed(1)} ★ on average, ${all.length} in all`,
    );
    // The reader's notation: a decimal comma in Spanish.
    const es = (await send(bot.member(932, STAFF_GROUP, "es"), "/stats"))[0]?.text ?? "";
    expect(es).toContain(`${average.toFixed(1).replace(".", ",")} ★ de media`);

    const body = (await createMetrics({ prisma: bot.db.prisma, defaults: false }).scrape()).body;
    expect(body).toContain(`refund_ratings_total{stars="5"} ${count(5)}`);
    expect(body).toContain(`refund_ratings_total{stars="2"} ${count(2)}`);
    expect(body).toContain(`refund_ratings_total{stars="3"} 0`);
  });

  it("/note is internal: on /case N, never sent to the customer, in their data export", async () => {
    const id = await makeCase(bot.db.prisma, { customerId: 3021 });
    const from = bot.api.calls.length;
    expect((await send(sam(), `/note ${id} Called the provider, waiting.`))[0]?.text).toBe(
      `Internal note added to case #${id}. It isn't sent to the customer, but it is part of their data: they get it if they ask for a copy (/mydata).`,
    );
    expect(textsTo(bot, 3021, from)).toEqual([]);
    const view = (await send(sam(), `/case ${id}`))[0]?.text ?? "";
    expect(view).toContain("Internal notes (staff only):");
    expect(view).toMatch(/· S931: Called the provider, waiting\.$/);
    expect((await send(sam(), "/note 999999 x"))[0]?.text).toBe("There is no case #999999.");
    expect((await send(sam(), `/note ${id}`))[0]?.text).toBe(
      "Usage: /note <case number> <note for staff>",
    );
    // A later rejection's words reach the customer; the note never does.
    await send(sam(), `/reject ${id} Not eligible.`);
    expect(textsTo(bot, 3021).join("\n")).not.toContain("Called the provider");
    const data = await personalData(bot.db.prisma, 3021n, new Date());
    expect(data.requests[0]?.staffNotes.map((n) => n.note)).toEqual([
      "Called the provider, waiting.",
    ]);
    expect(data.requests[0]?.history.map((h) => h.note)).not.toContain(
      "Called the provider, waiting.",
    );
    // Not for customers: /note is an unknown command to them.
    expect((await send(bot.customer(3021), `/note ${id} hi`))[0]?.text).toContain(
      "I don't know that command",
    );
  });

  it("saved replies: admins add and remove them; staff use :name in /reject, /ask and /reply", async () => {
    const admin = bot.member(ADMIN, STAFF_GROUP);
    expect((await send(sam(), "/replies add late Sorry for the wait."))[0]?.text).toBe(
      "Only admins can add or remove saved replies.",
    );
    expect((await send(admin, "/replies add Late Sorry for the wait."))[0]?.text).toBe(
      "Saved reply :late added.",
    );
    expect(
      (
        await send(
          admin,
          "/replies add :nodata We could not find the order; please send its number.",
        )
      )[0]?.text,
    ).toBe("Saved reply :nodata added.");
    expect((await send(admin, "/replies add late Sorry we took so long."))[0]?.text).toBe(
      "Saved reply :late replaced.",
    );
    expect((await send(sam(), "/replies"))[0]?.text).toBe(
      [
        "Saved replies (write :name in /reply, /ask or /reject):",
        ":late — Sorry we took so long.",
        ":nodata — We could not find the order; please send its number.",
      ].join("\n"),
    );

    const id = await makeCase(bot.db.prisma, { customerId: 3031, language: "es" });
    expect((await send(sam(), `/ask ${id} :nosuch`))[0]?.text).toBe(
      "There is no saved reply :nosuch. /replies lists them.",
    );
    expect((await bot.db.prisma.refundCase.findUniqueOrThrow({ where: { id } })).status).toBe(
      "submitted",
    );
    await send(sam(), `/ask ${id} :nodata`);
    expect(textsTo(bot, 3031).at(-1)).toContain(
      "We could not find the order; please send its number.",
    );
    // Words that only start with ":" are sent as typed.
    const other = await makeCase(bot.db.prisma, { customerId: 3032 });
    await send(sam(), `/reject ${other} :) not this time`);
    expect(textsTo(bot, 3032).at(-2)).toContain(":) not this time");

    // The words a Reject button asks for may be a saved reply too.
    const third = await makeCase(bot.db.prisma, { customerId: 3033 });
    await press(sam(), encodeCallback({ kind: "staff", action: "reject", caseId: third }));
    // A mistyped name is refused, and the button's prompt still waits for the words.
    expect((await answerPrompt(sam(), third, ":lat"))[0]?.text).toBe(
      "There is no saved reply :lat. /replies lists them.",
    );
    await answerPrompt(sam(), third, ":late");
    expect(textsTo(bot, 3033).at(-2)).toContain("Sorry we took so long.");
    // And the answer to a customer's question for a person.
    const h = await bot.db.prisma.handoff.create({
      data: { customerId: 3033n, chatId: 3033n, origin: "menu", status: "open", question: "?" },
    });
    await send(sam(), `/reply ${h.id} :late`);
    expect(textsTo(bot, 3033).at(-1)).toContain("Sorry we took so long.");

    expect((await send(admin, "/replies remove late"))[0]?.text).toBe("Saved reply :late removed.");
    expect((await send(admin, "/replies remove late"))[0]?.text).toBe(
      "There is no saved reply :late. /replies lists them.",
    );
    expect((await send(sam(), "/replies add"))[0]?.text).toBe(
      "Usage: /replies, /replies add <name> <text>, /replies remove <name>",
    );
  });

  it("/find by @username, e-mail, amount, number and customer id, newest first, paged by buttons", async () => {
    const p = bot.db.prisma;
    const a = await makeCase(p, { customerId: 3041 });
    await p.user.update({ where: { id: 3041n }, data: { username: "ZoeRefund" } });
    await p.refundCase.update({
      where: { id: a },
      data: { accountId: "zoe.k@example.net", serviceRef: "+34 611-22-33-44", amount: "12.50" },
    });
    const find = async (text: string) => (await send(sam(), `/find ${text}`))[0];
    const ids = (r: Awaited<ReturnType<typeof find>>) =>
      r?.buttons
        .filter((b) => b.data.startsWith("1|s|view|"))
        .map((b) => Number(b.data.split("|")[3]));

    expect(ids(await find("@zoerefund"))).toEqual([a]);
    expect(ids(await find("zoe.k@EXAMPLE"))).toEqual([a]);
    expect(ids(await find("611223344"))).toEqual([a]);
    expect(ids(await find("12,50 EUR"))).toEqual([a]);
    expect(ids(await find("12.50"))).toEqual([a]);
    expect(ids(await find("12,50 USD"))).toEqual([]);
    expect(ids(await find("3041"))).toEqual([a]);
    expect(ids(await find(`#${a}`))).toEqual([a]);
    const header = await find("@zoerefund");
    expect(header?.text).toMatch(
      /^Cases matching “@zoerefund”, newest first \(page 1\):\n#\d+ · waiting for review · €12\.50/,
    );
    expect((await find("nobody-here"))?.text).toBe("No case matches “nobody-here”.");
    expect(ids(await find("ZoeRefund"))).toEqual([a]);

    // Ten cases of one customer: eight on the first page, newest first, then two.
    const many: number[] = [];
    for (let i = 0; i < 10; i++) many.push(await makeCase(p, { customerId: 3042 }));
    const first = await find("3042");
    expect(ids(first)).toEqual(many.slice(2).reverse());
    const more = first?.buttons.find((b) => b.data.startsWith("1|x|"));
    expect(more?.data).toBe(encodeCallback({ kind: "find", page: 1, text: "3042" }));
    // The next page takes the place of the first: the chat holds one list.
    const paged = bot.api.calls.length;
    expect((await press(sam(), more?.data ?? "")).replies).toEqual([]);
    const second = editsTo(bot, STAFF_GROUP, paged);
    expect(ids(second[0])).toEqual(many.slice(0, 2).reverse());
    expect(second[0]?.buttons.map((b) => b.data)).toContain(
      encodeCallback({ kind: "find", page: 0, text: "3042" }),
    );
    // A case button opens the card, as in /queue.
    const card = await press(sam(), encodeCallback({ kind: "staff", action: "view", caseId: a }));
    expect(card.replies[0]?.text).toContain(`Case #${a}`);

    expect((await send(sam(), "/find"))[0]?.text).toMatch(/^Usage: \/find/);
    // Not staff: an unknown command, and a forged search button is stale.
    expect((await send(bot.customer(3041), "/find 3041"))[0]?.text).toContain(
      "I don't know that command",
    );
    expect((await press(bot.customer(3041), more?.data ?? "")).answer?.payload.text).toBe(STALE);
  });
});
