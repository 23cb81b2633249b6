import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createI18nFor } from "../../src/app/core.ts";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { createDeadlineReminders } from "../../src/deadlines/reminders.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { toBotApiCall } from "../../src/outbox/write.ts";
import { loadView, newCaseCards } from "../../src/staff/show-case.ts";
import { computeStats } from "../../src/staff/stats.ts";
import { TestBot } from "../support/bot.ts";
import { databaseKinds } from "../support/database.ts";
import {
  ADMIN,
  document,
  editsTo,
  liveKeyboards,
  makeCase,
  makeStaff,
  photo,
  pressWith,
  STAFF_ENV,
  STAFF_GROUP,
  send,
  submitBalanceRequest,
  textsTo,
} from "./helpers.ts";

const HOUR = 3_600_000;

describe.each(databaseKinds)("staff desk (%s)", (kind) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.create(kind, STAFF_ENV);
    await makeStaff(bot.db.prisma, 901);
  });
  afterAll(async () => {
    await bot.close();
  });

  it("/queue pages open cases oldest deadline first; /case shows the history; /stats counts", async () => {
    const now = Date.now();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push(
        await makeCase(bot.db.prisma, {
          customerId: 4000 + i,
          dueAt: new Date(now + (10 - i) * HOUR),
        }),
      );
    }
    const sam = bot.member(901, STAFF_GROUP);
    const page1 = await send(sam, "/queue");
    expect(page1[0]?.text).toMatch(
      /^Open cases, oldest deadline first \(10 in all, page 1 of 2\):/,
    );
    const listed = [...(page1[0]?.text ?? "").matchAll(/^#(\d+) ·/gm)].map((m) => Number(m[1]));
    expect(listed).toEqual([...ids].reverse().slice(0, 8));
    const paged = bot.api.calls.length;
    const page2 = await pressWith(sam, page1, encodeCallback({ kind: "queue", page: 1 }));
    // The next page takes the place of the first: the chat holds one list.
    expect(page2.replies).toEqual([]);
    expect(editsTo(bot, STAFF_GROUP, paged)[0]?.text).toContain("page 2 of 2");
    expect((await send(sam, "/queue 2"))[0]?.text).toContain("page 2 of 2");

    const id = ids[0] ?? 0;
    await send(sam, `/claim ${id}`);
    await send(sam, `/ask ${id} Which order?`);
    const view = await send(sam, `/case ${id}`);
    expect(view[0]?.text).toContain("History:");
    expect(view[0]?.text).toMatch(/Cus: — → waiting for review/);
    expect(view[0]?.text).toMatch(/S901: in review → waiting for the customer — Which order\?/);

    await send(sam, `/reject ${id} No such order.`);
    const stats = (await send(sam, "/stats"))[0]?.text ?? "";
    expect(stats).toContain("waiting for review: 9");
    expect(stats).toContain("rejected: 1");
    expect(stats).toMatch(/Median time from submission to decision: \d+\.\d h/);
    expect(stats).toContain("Deadlines missed this week: 0");
  });

  it("answers a command in the staff group only when it is not another bot's", async () => {
    const sam = bot.member(901, STAFF_GROUP);
    // A bot that sees every message of the group (its admin) gets other bots' commands too.
    expect(await send(sam, "/queue@other_bot")).toEqual([]);
    expect(await send(sam, "/start@Other_Bot")).toEqual([]);
    expect((await send(sam, "/queue@Refund_Test_Bot"))[0]?.text).toMatch(
      /^Open cases|^The queue is empty/,
    );
    expect((await send(sam, "/queue"))[0]?.text).toMatch(/^Open cases|^The queue is empty/);
    // In a private chat there is no other bot: the command is this one's.
    const ann = bot.customer(4290);
    expect((await send(ann, "/help@other_bot"))[0]?.text).toBe((await send(ann, "/help"))[0]?.text);
  });

  it("keeps a card opened in a staff member's private chat theirs: in their language, with its buttons", async () => {
    await makeStaff(bot.db.prisma, 905, "staff", "ru");
    const id = await makeCase(bot.db.prisma, { customerId: 4295 });
    const ivan = bot.customer(905, "ru");
    const shown = await send(ivan, `/case ${id}`);
    expect(shown[0]?.text).toMatch(new RegExp(`^Заявка №${id}`));
    const from = bot.api.calls.length;
    await send(bot.member(901, STAFF_GROUP), `/claim ${id}`);
    const edit = editsTo(bot, 905, from).at(-1);
    expect(edit?.text).toMatch(new RegExp(`^Заявка №${id}`));
    expect(edit?.buttons.map((b) => b.data)).toContain(
      encodeCallback({ kind: "staff", action: "approve", caseId: id }),
    );
    // Lists open each case with a button named as the reader names a case.
    const opens = (await send(ivan, "/queue"))[0]?.buttons.filter((b) =>
      b.data.startsWith("1|s|view|"),
    );
    expect(opens?.length).toBeGreaterThan(0);
    for (const b of opens ?? []) expect(b.text).toBe(`№${b.data.split("|")[3]}`);
  });

  it("keeps the staff group's card in the group's language, whoever opened it with /case", async () => {
    await makeStaff(bot.db.prisma, 906, "staff", "ru");
    const id = await makeCase(bot.db.prisma, { customerId: 4296 });
    const olga = bot.member(906, STAFF_GROUP, "ru");
    const [card] = await send(olga, `/case ${id}`);
    expect(card?.text).toMatch(new RegExp(`^Case #${id}`));
    expect(card?.text).toContain("History:");
    expect(card?.buttons.find((b) => b.data.endsWith(`|claim|${id}`))?.text).toMatch(/^Claim/);
    const from = bot.api.calls.length;
    await send(bot.member(901, STAFF_GROUP), `/claim ${id}`);
    expect(editsTo(bot, STAFF_GROUP, from).at(-1)?.text).toMatch(new RegExp(`^Case #${id}`));
    // What she is told herself stays in her language.
    expect((await send(olga, "/case 999999"))[0]?.text).toBe("Заявки №999999 нет.");
  });

  it("admins add and remove staff and admins; config admins stay; roles are checked every time", async () => {
    const admin = bot.member(ADMIN, STAFF_GROUP);
    const zoe = bot.member(4100, STAFF_GROUP);
    expect((await send(zoe, "/queue"))[0]?.text).toBe(
      "I don't know that command. Send /help to see what I can do.",
    );
    expect((await send(admin, "/staff add 4100"))[0]?.text).toBe("4100 is staff now.");
    expect((await send(zoe, "/queue"))[0]?.text).toMatch(/^Open cases/);
    expect((await send(zoe, "/staff add 4101"))[0]?.text).toBe("Only admins can change the team.");
    expect((await send(admin, "/admin add 4100"))[0]?.text).toBe("4100 is an admin now.");
    expect((await send(zoe, `/staff remove ${ADMIN}`))[0]?.text).toBe(
      `${ADMIN} is an admin by configuration (ADMIN_IDS) and cannot be demoted here.`,
    );
    expect((await send(admin, "/admin remove 4100"))[0]?.text).toBe("4100 is staff now.");
    expect((await send(admin, "/staff remove 4100"))[0]?.text).toBe("4100 is no longer staff.");
    expect((await send(zoe, "/queue"))[0]?.text).toBe(
      "I don't know that command. Send /help to see what I can do.",
    );
    expect((await send(admin, "/staff remove 4100"))[0]?.text).toBe(
      "4100 does not have that role.",
    );
    expect((await send(admin, "/staff add x"))[0]?.text).toContain("Usage: /staff");
    const team = (await send(admin, "/staff"))[0]?.text ?? "";
    expect(team).toContain("Staff commands:");
    expect(team).toContain("S901 (id 901) — staff");
  });

  it("takes the case buttons off a private chat whose member leaves the staff", async () => {
    await makeStaff(bot.db.prisma, 907);
    const id = await makeCase(bot.db.prisma, { customerId: 4297 });
    const other = await makeCase(bot.db.prisma, { customerId: 4298 });
    const dora = bot.customer(907);
    await send(dora, `/case ${id}`);
    await send(dora, `/approve ${other}`);
    const staffButtons = () =>
      [...liveKeyboards(bot, 907).values()].flat().filter((d) => d.startsWith("1|s|"));
    expect(staffButtons()).toContain(
      encodeCallback({ kind: "staff", action: "confirm", caseId: other }),
    );
    expect(staffButtons()).toContain(
      encodeCallback({ kind: "staff", action: "claim", caseId: id }),
    );
    await send(bot.customer(ADMIN), "/staff remove 907");
    expect(staffButtons()).toEqual([]);
  });

  it("hand-off: the customer's question reaches the staff group and the reply comes back", async () => {
    const ana = bot.customer(4200, "es");
    const prompt = await pressWith(
      ana,
      [
        {
          text: "",
          buttons: [{ text: "", data: encodeCallback({ kind: "menu", action: "human" }) }],
        },
      ],
      "1|m|human",
    );
    expect(prompt.replies[0]?.text).toBe(
      (await import("../../locales/es/bot.json", { with: { type: "json" } })).default.human.prompt,
    );
    const from = bot.api.calls.length;
    const sent = await send(ana, "¿Podéis revisar mi pedido 123?");
    expect(sent[0]?.text).toContain("refunds@example.com");
    const toStaff = textsTo(bot, STAFF_GROUP, from);
    expect(toStaff).toHaveLength(1);
    expect(toStaff[0]).toContain("¿Podéis revisar mi pedido 123?");
    expect(toStaff[0]).toMatch(/^💬 Question H-\d+ for a person/);
    const n = Number(/H-(\d+)/.exec(toStaff[0] ?? "")?.[1]);
    // The next message is an ordinary question again (FAQ), not another hand-off.
    const next = bot.api.calls.length;
    const answered = await send(ana, "¿Cuánto tarda la devolución?");
    expect(answered.length).toBeGreaterThan(0);
    expect(textsTo(bot, STAFF_GROUP, next)).toEqual([]);

    const sam = bot.member(901, STAFF_GROUP);
    expect((await send(sam, `/reply H-${n} Sí, lo revisamos hoy.`))[0]?.text).toBe(
      `Sent to the customer (question H-${n}).`,
    );
    expect(textsTo(bot, 4200).at(-1)).toBe(
      `Respuesta de nuestro equipo (tu pregunta n.º ${n}):\n\nSí, lo revisamos hoy.`,
    );
    expect((await send(sam, "/reply 99999 hi"))[0]?.text).toBe(
      "There is no question H-99999 for a person.",
    );
    for (const bad of ["/reply H-1", "/reply X-1 hi", "/reply H- hi"]) {
      expect((await send(sam, bad))[0]?.text, bad).toBe(
        "Usage: /reply H-<question number> <your answer, or :saved_reply>",
      );
    }
  });

  it("hand-off from the refund conversation tells staff where the customer was", async () => {
    const u = bot.customer(4300, "en");
    let rs = await send(u, "/refund");
    for (const part of [
      '"v":"balance"',
      '"v":"one_time"',
      '"v":"no_sms"',
      '"q":"code_shown","v":"yes"',
    ]) {
      rs = (await pressWith(u, rs, part)).replies;
    }
    const from = bot.api.calls.length;
    await pressWith(u, rs, '"type":"human"');
    const notice = textsTo(bot, STAFF_GROUP, from);
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatch(
      /^💬 Question H-(\d+): Ann \(id 4300, language English\) asked for a person after the bot declined a request under clause B2\. Answer with \/reply H-\1 <your answer>\.$/,
    );
    const n = Number(/H-(\d+)/.exec(notice[0] ?? "")?.[1]);
    await send(
      bot.member(901, STAFF_GROUP),
      `/reply ${n} The code was shown, so the SMS counts as delivered.`,
    );
    expect(textsTo(bot, 4300).at(-1)).toContain(
      "The code was shown, so the SMS counts as delivered.",
    );
  });

  it("confirms words for staff in the chat's language when they tell none of their own", async () => {
    const id = await makeCase(bot.db.prisma, { customerId: 4302, language: "uk" });
    await send(bot.member(901, STAFF_GROUP), `/ask ${id} Which order number?`);
    const hanna = bot.customer(4302, "uk", "Ганна");
    expect((await send(hanna, "TX-99812"))[0]?.text).toBe(
      `Дякую! Я додав вашу відповідь до заявки №${id}. Наша команда продовжить роботу з нею.`,
    );
    const olya = bot.customer(4303, "ru", "Оля");
    await send(olya, "/start");
    await olya.press(encodeCallback({ kind: "menu", action: "human" }));
    expect((await send(olya, "ann@example.com"))[0]?.text).toMatch(/^Я передал ваше сообщение/);
  });

  it("names the step of a request by its question's label, and the customer's language by its name", async () => {
    const u = bot.customer(4301, "uk", "Ганна");
    let rs = await send(u, "/refund");
    rs = (await pressWith(u, rs, '"v":"balance"')).replies;
    rs = (await pressWith(u, rs, '"v":"one_time"')).replies;
    expect(rs.at(-1)?.buttons.some((b) => b.data.includes('"q":"what"'))).toBe(true);
    // A refusal's "Talk to a person", pressed after Back took the customer to a question.
    const from = bot.api.calls.length;
    await u.press(encodeCallback({ kind: "refund", event: JSON.stringify({ type: "human" }) }));
    expect(textsTo(bot, STAFF_GROUP, from)[0]).toMatch(
      /^💬 Question H-\d+: Ганна \(id 4301, language Ukrainian\) asked for a person during a refund request \(at the step “What happened”\)\./,
    );
  });

  it("deadline reminders and missed alerts: once each, by one process, from the database", async () => {
    const fresh = await TestBot.create(kind, { ADMIN_IDS: String(ADMIN) });
    try {
      await makeStaff(fresh.db.prisma, 901, "staff", "ru");
      await makeStaff(fresh.db.prisma, 902, "staff", "en");
      const t0 = new Date("2026-03-02T09:00:00Z");
      const soon = await makeCase(fresh.db.prisma, {
        customerId: 4400,
        dueAt: new Date(t0.getTime() + 2 * HOUR),
      });
      const late = await makeCase(fresh.db.prisma, {
        customerId: 4401,
        dueAt: new Date(t0.getTime() - HOUR),
      });
      const far = await makeCase(fresh.db.prisma, {
        customerId: 4402,
        dueAt: new Date(t0.getTime() + 48 * HOUR),
      });
      const done = await makeCase(fresh.db.prisma, {
        customerId: 4403,
        kind: "payout",
        dueAt: new Date(t0.getTime() - HOUR),
      });
      await fresh.db.prisma.refundCase.update({
        where: { id: done },
        data: { status: "approved", decidedAt: new Date(t0.getTime() - 2 * HOUR) },
      });
      const scheduler = () =>
        createDeadlineReminders({
          config: fresh.config,
          i18n: fresh.core.i18n,
          logger: createLogger("silent"),
          prisma: fresh.db.prisma,
        });
      const a = scheduler();
      expect(await a.tick(t0)).toEqual({ kind: "ran", reminded: 1, alerted: 1 });
      // A restart (a new scheduler) or a second process finds nothing left to send.
      expect(await scheduler().tick(t0)).toEqual({ kind: "ran", reminded: 0, alerted: 0 });
      await fresh.flush();
      // No staff group: each staff member's private chat, in their language.
      expect(textsTo(fresh, 901).join("\n")).toContain(`🚨 Заявка №${late} просрочена`);
      expect(textsTo(fresh, 902).join("\n")).toContain(`⏰ Case #${soon} is due`);
      expect(textsTo(fresh, 902).join("\n")).not.toContain(`#${far}`);
      expect(textsTo(fresh, 902).join("\n")).not.toContain(`#${done} `);
      // Later the soon case is missed too, and the far one comes within reach.
      expect(await a.tick(new Date(t0.getTime() + 45 * HOUR))).toEqual({
        kind: "ran",
        reminded: 1,
        alerted: 1,
      });
      const stats = await fresh.db.prisma.$transaction((tx) =>
        computeStats(tx, new Date(t0.getTime() + 45 * HOUR), fresh.config.timeZone),
      );
      // late and soon; the payout was decided in time, far is not due yet.
      expect(stats.missedThisWeek).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it("a new case's card, built before its case is written, is the card the stored case gives", async () => {
    const id = await submitBalanceRequest(bot.customer(4600, "ru", "Лев"), [
      photo("card-photo"),
      document("card-doc", "application/pdf"),
    ]);
    const posted = await bot.db.prisma.outboxMessage.findMany({
      where: { chatId: BigInt(STAFF_GROUP), aboutUserId: 4600n },
      orderBy: { id: "asc" },
      select: { method: true, payload: true, ref: true },
    });
    const deps = {
      config: bot.config,
      i18n: createI18nFor(bot.config),
      logger: createLogger("silent"),
    };
    const view = await loadView(bot.db.prisma, id);
    expect(view).not.toBeNull();
    const stored = view === null ? [] : await newCaseCards(bot.db.prisma, deps, view);
    // The card and a copy of each file, as they would be from the case's row.
    expect(stored.map((o) => o.kind)).toEqual(["message", "copy", "copy"]);
    expect(posted).toEqual(stored.map(toBotApiCall));
  });

  it("cards go to each staff member's private chat when there is no staff group", async () => {
    const fresh = await TestBot.create(kind, { ADMIN_IDS: String(ADMIN) });
    try {
      await makeStaff(fresh.db.prisma, 901, "staff", "uk");
      await makeStaff(fresh.db.prisma, ADMIN, "admin", "en");
      const id = await submitBalanceRequest(fresh.customer(4500, "en"));
      expect(textsTo(fresh, 901).join("\n")).toContain(`🆕 Нова заявка\nЗаявка №${id}`);
      expect(textsTo(fresh, ADMIN).join("\n")).toContain(`🆕 New case\nCase #${id}`);
      // Staff act from their private chat as well.
      const r = await send(fresh.customer(901, "uk", "S901"), `/claim ${id}`);
      expect(r[0]?.text).toBe(`Заявка №${id} тепер ваша, S901.`);
    } finally {
      await fresh.close();
    }
  });
});
