import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { TestBot } from "../support/bot.ts";

const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk, _enc, done) {
    for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
    done();
  },
});

let bot: TestBot;
beforeAll(async () => {
  bot = await TestBot.create("pglite", {}, { logger: createLogger("info", capture) });
});
afterAll(async () => {
  await bot.close();
});

describe("a customer trying staff actions", () => {
  it("gets the customer's answers, changes nothing, and is logged without what they typed", async () => {
    const u = bot.customer(8801, "en");
    const unknown = (await u.send("/frobnicate"))[0]?.text;
    const before = lines.length;
    expect((await u.send("/approve 12 secret-note-xyz"))[0]?.text).toBe(unknown);
    const forged = await u.press(encodeCallback({ kind: "staff", action: "approve", caseId: 12 }));
    expect(forged.answer?.payload.text).toBe("This button is no longer active.");
    const refused = lines.slice(before).filter((l) => l.msg === "staff action refused: not staff");
    expect(refused).toHaveLength(2);
    for (const l of refused) expect(l).toMatchObject({ level: 40, userId: "8801" });
    expect(JSON.stringify(lines)).not.toContain("secret-note-xyz");
    expect(await bot.db.prisma.caseEvent.count()).toBe(0);
  });
});
