import { afterEach, describe, expect, it } from "vitest";
import { KEEP_MESSAGES_MS, KEEP_UPDATES_MS, Retention } from "../../src/database/retention.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/database.ts";

describe.each(databaseKinds)("retention on %s", (kind) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db.close();
  });

  it("removes old processed updates and old delivered messages, and nothing else; where someone was shown stays known", async () => {
    db = await createTestDatabase(kind);
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms - 1000);
    await db.prisma.inboundUpdate.createMany({
      data: [
        { updateId: 1n, lane: 1n, processedAt: ago(KEEP_UPDATES_MS) },
        { updateId: 2n, lane: 1n, processedAt: new Date() },
        // Never processed: kept however old, the next sweep needs it.
        { updateId: 3n, lane: 1n, payload: {}, receivedAt: ago(KEEP_UPDATES_MS * 10) },
      ],
    });
    const msg = (status: "sent" | "failed" | "pending", createdAt: Date) => ({
      chatId: 1n,
      method: "sendMessage",
      payload: {},
      status,
      createdAt,
    });
    await db.prisma.outboxMessage.createMany({
      data: [
        msg("sent", ago(KEEP_MESSAGES_MS)),
        msg("failed", ago(KEEP_MESSAGES_MS)),
        msg("pending", ago(KEEP_MESSAGES_MS)),
        msg("sent", new Date()),
        // A staff chat's message about someone: where it is stays known, its words go.
        {
          ...msg("sent", ago(KEEP_MESSAGES_MS)),
          messageId: 7,
          aboutUserId: 42n,
          payload: { text: "Ann" },
        },
      ],
    });
    expect(await new Retention(db.prisma, createLogger("silent")).tick(now)).toEqual({
      updates: 1,
      messages: 2,
      files: 0,
    });
    expect(
      await db.prisma.outboxMessage.findMany({
        where: { aboutUserId: 42n },
        select: { messageId: true, payload: true },
      }),
    ).toEqual([{ messageId: 7n, payload: { erased: true } }]);
    expect(
      (await db.prisma.inboundUpdate.findMany({ orderBy: { updateId: "asc" } })).map(
        (u) => u.updateId,
      ),
    ).toEqual([2n, 3n]);
    expect((await db.prisma.outboxMessage.findMany()).map((m) => m.status).sort()).toEqual([
      "pending",
      "sent",
      "sent",
    ]);
  });

  it("drops files of requests that never became a case, an hour on, unless a request in progress holds them", async () => {
    db = await createTestDatabase(kind);
    const now = new Date();
    const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const file = (chatId: bigint, fileId: string, createdAt: Date, caseId?: number) => ({
      customerId: chatId,
      chatId,
      caseId: caseId ?? null,
      kind: "photo" as const,
      fileId,
      fileUniqueId: `u-${fileId}`,
      messageId: 1,
      createdAt,
    });
    // Chat 1's request is still going (begun before its file); chat 2 began a new one since.
    for (const [chatId, createdAt] of [
      [1n, ago(180)],
      [2n, ago(30)],
    ] as const) {
      await db.prisma.user.create({ data: { id: chatId } });
      await db.prisma.conversation.create({
        data: {
          chatId,
          userId: chatId,
          machineId: "refund",
          machineVersion: 1,
          snapshot: {},
          createdAt,
        },
      });
    }
    await db.prisma.attachment.createMany({
      data: [
        file(1n, "in-progress", ago(120)),
        file(2n, "replaced", ago(120)),
        file(3n, "abandoned", ago(120)),
        file(3n, "just-sent", ago(10)),
      ],
    });
    const r = await new Retention(db.prisma, createLogger("silent")).tick(now);
    expect(r.files).toBe(2);
    expect(
      (await db.prisma.attachment.findMany({ orderBy: { id: "asc" } })).map((a) => a.fileId),
    ).toEqual(["in-progress", "just-sent"]);
  });
});
