import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cutText } from "../../src/outbox/write.ts";
import { TestBot } from "../support/bot.ts";

describe("cutting long texts", () => {
  it("never splits a surrogate pair", () => {
    expect(cutText("ab😀c", 3)).toBe("ab");
    expect(cutText("ab😀c", 4)).toBe("ab😀");
    expect(cutText("abc", 5)).toBe("abc");
    for (let n = 1; n < 40; n++) expect(cutText("𑠈𖧊⚕ⵣ".repeat(10), n).isWellFormed()).toBe(true);
  });
});

// Found by fuzzing: a long astral-plane text echoed back was cut inside a
// surrogate pair; PostgreSQL refused the outbox row's JSON and the update
// failed three times.
describe("a long text of astral-plane characters", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.create("pglite", { ADMIN_IDS: "900", STAFF_CHAT_ID: "-100200" });
  });
  afterAll(async () => {
    await bot?.close();
  });

  for (const lang of ["en", "ru", "uk", "es"]) {
    it(`is passed to staff and answered in ${lang}, outside and inside a refund request, every update processed`, async () => {
      const u = bot.customer(
        lang === "en" ? 61 : lang === "ru" ? 62 : lang === "uk" ? 63 : 64,
        lang,
      );
      // The hand-off passes the customer's question on to staff, cut to 2,000 units.
      await u.press("1|m|human");
      const updates = [`a${"😀".repeat(1500)}`, "𑠈𖧊⚕ⵣ".repeat(1500), "/refund", "😀".repeat(4000)];
      const answered: number[] = [];
      let toStaff = 0;
      for (const text of updates) {
        const calls = await bot.deliver(u.message({ text }));
        answered.push(calls.filter((c) => String(c.payload.chat_id) === String(u.id)).length);
        toStaff += calls.filter((c) => String(c.payload.chat_id) === "-100200").length;
        for (const c of calls) {
          expect(String(c.payload.text ?? "").length).toBeLessThanOrEqual(4096);
          expect(String(c.payload.text ?? "").isWellFormed()).toBe(true);
        }
      }
      // Staff got the question; the customer an answer to every message.
      expect(toStaff).toBeGreaterThan(0);
      expect(
        answered.every((n) => n > 0),
        JSON.stringify(answered),
      ).toBe(true);
      expect(
        await bot.db.prisma.inboundUpdate.count({
          where: { OR: [{ attempts: { gt: 0 } }, { processedAt: null }] },
        }),
      ).toBe(0);
    });
  }
});
