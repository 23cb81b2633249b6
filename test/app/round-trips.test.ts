import { afterEach, describe, expect, it } from "vitest";
import { createCore } from "../../src/app/core.ts";
import { encodeCallback } from "../../src/callbacks/data.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { makeCase, makeStaff, STAFF_ENV, STAFF_GROUP } from "../staff/helpers.ts";
import { testConfig, UNLIMITED } from "../support/bot.ts";
import { RecordingBotApi } from "../support/bot-api.ts";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import {
  createTestDatabase,
  type DatabaseKind,
  databaseKinds,
  type TestDatabase,
} from "../support/database.ts";

// The hot path's promise (at most three round trips per update with a staff
// group): an ordinary update is one read and one write; the evidence answer
// adds the count of the request's files, the submission the drawing of its
// case's number (and, without a staff group, the read of the staff members
// its card goes to). A staff action on a case adds the case's read.
/** The core over a database of `kind` that records every statement sent to it. */
async function countingCore(kind: DatabaseKind, env: Record<string, string> = {}) {
  const statements: string[] = [];
  const db = await createTestDatabase(kind, { onQuery: (sql) => statements.push(sql) });
  const core = createCore({
    config: testConfig({ TIME_ZONE, ...env }),
    db,
    api: new RecordingBotApi(),
    logger: createLogger("silent"),
    pace: UNLIMITED,
  });
  return { db, core, statements };
}

describe.each(databaseKinds)("statements per update on %s", (kind) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db.close();
  });

  async function counting(env: Record<string, string> = {}) {
    const counted = await countingCore(kind, env);
    db = counted.db;
    return counted;
  }

  /** Each update of one customer's whole refund conversation, with the statements it sent. */
  async function refundConversation(env: Record<string, string> = {}) {
    const { core, statements } = await counting(env);
    let id = 1;
    const sent: string[][] = [];
    for (const u of conversation(4242, () => id++)) {
      statements.length = 0;
      await core.inbox.receive(u);
      sent.push([...statements]);
    }
    return sent;
  }

  it("are two for every update of a refund conversation, three for the evidence answer and for the submission", async () => {
    const sent = await refundConversation(STAFF_ENV);
    const counts = sent.map((s) => s.length);
    // The evidence question is answered with how many files the request holds,
    // counted in a statement of its own, without a transaction: once per request.
    expect(counts.slice(0, -2)).toEqual(counts.slice(0, -2).map(() => 2));
    expect(counts.at(-2)).toBe(3);
    // The submission draws its case's number; the chat's write opens the case: no transaction.
    expect(counts.at(-1)).toBe(3);
    expect(sent.flat().filter((s) => /^\s*BEGIN/i.test(s))).toEqual([]);
    expect(await db.prisma.refundCase.count()).toBe(1);
    expect(await db.prisma.caseEvent.count()).toBe(1);
    expect(await db.prisma.inboundUpdate.count({ where: { processedAt: null } })).toBe(0);
  });

  it("are four for the submission without a staff group: the staff members its card goes to are read", async () => {
    const sent = await refundConversation();
    expect(sent.at(-1)?.length).toBe(4);
    expect(await db.prisma.refundCase.count()).toBe(1);
  });

  it("are two for an FAQ question; a transaction only while staff await the customer's words", async () => {
    const { core, statements } = await counting();
    let id = 1;
    const from = { id: 5151, is_bot: false, first_name: "Faq", language_code: "en" };
    const chat = { id: 5151, type: "private" };
    const count = async (update: object): Promise<number> => {
      statements.length = 0;
      await core.inbox.receive({ update_id: id++, ...update });
      return statements.length;
    };
    const text = (t: string) =>
      count({ message: { message_id: id++, date: 0, chat, from, text: t } });
    const question = "How long does a refund take?";
    expect([await text(question), await text(question)]).toEqual([2, 2]);

    // "Talk to a person": the customer's next words are the question for staff.
    await count({
      callback_query: {
        id: String(id++),
        from,
        chat_instance: "x",
        message: { message_id: 1, date: 0, chat },
        data: encodeCallback({ kind: "menu", action: "human" }),
      },
    });
    await text("My number 123 never got the code");
    expect(
      await db.prisma.handoff.findMany({
        where: { customerId: 5151n },
        select: { status: true, question: true },
      }),
    ).toEqual([{ status: "open", question: "My number 123 never got the code" }]);
    expect(await text(question)).toBe(2);
  });

  it("are three for a staff member's claim and confirmation (the chat, the case, the write), four for the D3 question", async () => {
    const { core, statements } = await counting(STAFF_ENV);
    await makeStaff(db.prisma, 701);
    const caseId = await makeCase(db.prisma, { customerId: 5252 });
    let id = 1;
    const count = async (action: "claim" | "approve" | "confirm"): Promise<number> => {
      statements.length = 0;
      await core.inbox.receive({
        update_id: id++,
        callback_query: {
          id: String(id++),
          from: { id: 701, is_bot: false, first_name: "Sam", language_code: "en" },
          chat_instance: "x",
          message: { message_id: 1, date: 0, chat: { id: STAFF_GROUP, type: "supergroup" } },
          data: encodeCallback({ kind: "staff", action, caseId }),
        },
      });
      return statements.length;
    };
    // The D3 question reads the case (approving must apply) and writes its prompt.
    expect([await count("claim"), await count("approve"), await count("confirm")]).toEqual([
      3, 4, 3,
    ]);
    expect(await db.prisma.refundCase.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({
      status: "approved",
      assigneeId: 701n,
    });
    expect(await db.prisma.staffPrompt.count()).toBe(0);
  });
});

// PGlite runs on the bot's thread: its statements are grouped by waiting one turn.
describe("statements for chats ready at once on pglite", () => {
  it("are one read and one write for all of them", async () => {
    const { db, core, statements } = await countingCore("pglite");
    try {
      const question = (id: number) => {
        const from = { id, is_bot: false, first_name: "Faq", language_code: "en" };
        const chat = { id, type: "private" };
        const text = "How long does a refund take?";
        return { update_id: id, message: { message_id: 1, date: 0, chat, from, text } };
      };
      await Promise.all([6001, 6002, 6003].map((id) => core.inbox.receive(question(id))));
      expect(statements).toHaveLength(2);
      expect(await db.prisma.inboundUpdate.count({ where: { processedAt: { not: null } } })).toBe(
        3,
      );
    } finally {
      await db.close();
    }
  });
});
