import { afterEach, describe, expect, it } from "vitest";
import { createCore } from "../../src/app/core.ts";
import type { DriverQuery } from "../../src/database/driver.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { STAFF_ENV } from "../staff/helpers.ts";
import { testConfig, UNLIMITED } from "../support/bot.ts";
import { RecordingBotApi } from "../support/bot-api.ts";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/database.ts";

/** How the connection fails on the submission's write, the one that opens its case. */
type Fault = "refused" | "answer lost";

// The submission draws its case's number, then opens the case with the chat's
// write: a connection lost on either side of that write must leave one case,
// one audit entry, one card and one confirmation, also when Telegram delivers
// the submitting update again.
describe.each(databaseKinds)("a submission whose write meets a lost connection on %s", (kind) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db.close();
  });

  it.each<Fault>(["refused", "answer lost"])(
    "%s: one case, one event, one card, one confirmation",
    async (fault) => {
      db = await createTestDatabase(kind);
      let faults = 0;
      const driver: DriverQuery = async (text, values) => {
        if (!text.includes('INSERT INTO "RefundCase"') || faults > 0)
          return db.driver(text, values);
        faults += 1;
        if (fault === "answer lost") await db.driver(text, values);
        throw new Error("Connection terminated unexpectedly");
      };
      const core = createCore({
        config: testConfig({ TIME_ZONE, ...STAFF_ENV }),
        db: { ...db, driver },
        api: new RecordingBotApi(),
        logger: createLogger("silent"),
        pace: UNLIMITED,
      });
      let id = 1;
      const updates = conversation(4343, () => id++);
      for (const u of updates) await core.inbox.receive(u);
      const submitting = updates.at(-1);
      if (submitting === undefined) throw new Error("the conversation has no updates");
      await core.inbox.receive(submitting);

      expect(faults).toBe(1);
      const cases = await db.prisma.refundCase.findMany({ select: { id: true } });
      expect(cases).toHaveLength(1);
      expect(await db.prisma.caseEvent.count()).toBe(1);
      const caseId = cases[0]?.id ?? 0;
      expect(await db.prisma.outboxMessage.count({ where: { ref: `card:${caseId}` } })).toBe(1);
      const confirmations = await db.prisma.outboxMessage.findMany({
        where: { chatId: 4343n, method: "sendMessage" },
        select: { payload: true },
      });
      expect(
        confirmations.filter((m) => JSON.stringify(m.payload).includes(`#${caseId}`)),
      ).toHaveLength(1);
      expect(await db.prisma.inboundUpdate.count({ where: { processedAt: null } })).toBe(0);
    },
  );
});
