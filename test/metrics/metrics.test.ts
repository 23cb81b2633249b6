import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Core, createCore } from "../../src/app/core.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { createMetrics, type Metrics } from "../../src/metrics/index.ts";
import { startHttpServer } from "../../src/transport/http-server.ts";
import { Inbox } from "../../src/updates/inbox.ts";
import { testConfig, UNLIMITED } from "../support/bot.ts";
import { BotApiError, RecordingBotApi } from "../support/bot-api.ts";
import { conversation, TIME_ZONE } from "../support/conversations.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { freePort } from "../support/emulator.ts";

const logger = createLogger("silent");

/** One sample of the exposition: a metric name and its labels. */
function sample(
  body: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of body.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (
      Object.entries(labels).every(([k, v]) => got[k] === v) &&
      Object.keys(got).length === Object.keys(labels).length
    ) {
      return Number(m[3]);
    }
  }
  return undefined;
}

describe("GET /metrics after some traffic", () => {
  let db: TestDatabase;
  let metrics: Metrics;
  let core: Core;
  let server: Server;
  let port = 0;
  const api = new RecordingBotApi();

  beforeAll(async () => {
    db = await createTestDatabase("pglite");
    metrics = createMetrics({ prisma: db.prisma });
    core = createCore({
      config: testConfig({ TIME_ZONE, ADMIN_IDS: "900", STAFF_CHAT_ID: "-100200" }),
      db,
      api,
      logger,
      pace: UNLIMITED,
      metrics,
    });
    port = await freePort();
    server = await startHttpServer({
      host: "127.0.0.1",
      port,
      logger,
      routes: new Map(),
      health: {},
      metrics: metrics.scrape,
    });
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await db?.close();
  });

  async function scrape(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    return res.text();
  }

  it("counts updates by kind, their latency, the outbox, failures, open cases and missed deadlines", async () => {
    let id = 1;
    // Two whole conversations (2 commands, 3 texts, 9 button presses each) and a sticker.
    for (const user of [71_001, 71_002]) {
      for (const u of conversation(user, () => id++)) await core.inbox.receive(u);
    }
    await core.inbox.receive({
      update_id: id++,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 71_001, type: "private" },
        from: { id: 71_001, first_name: "A" },
        sticker: { file_id: "x" },
      },
    });
    let body = await scrape();
    expect(sample(body, "refund_updates_handled_total", { kind: "command", outcome: "ok" })).toBe(
      4,
    );
    expect(sample(body, "refund_updates_handled_total", { kind: "text", outcome: "ok" })).toBe(6);
    expect(sample(body, "refund_updates_handled_total", { kind: "callback", outcome: "ok" })).toBe(
      18,
    );
    expect(sample(body, "refund_updates_handled_total", { kind: "media", outcome: "ok" })).toBe(1);
    expect(sample(body, "refund_update_handler_seconds_count", { kind: "callback" })).toBe(18);
    expect(sample(body, "refund_update_handler_seconds_bucket", { kind: "text", le: "+Inf" })).toBe(
      6,
    );
    const pending = await db.prisma.outboxMessage.count({ where: { status: "pending" } });
    expect(pending).toBeGreaterThan(0);
    expect(sample(body, "refund_outbox_pending")).toBe(pending);
    // The staff group's cards are pending too, but not to private chats.
    const toPrivate = await db.prisma.outboxMessage.count({
      where: { status: "pending", chatId: { gt: 0 } },
    });
    expect(toPrivate).toBeGreaterThan(0);
    expect(toPrivate).toBeLessThan(pending);
    expect(sample(body, "refund_outbox_pending_private")).toBe(toPrivate);
    expect(sample(body, "refund_cases_open", { status: "submitted" })).toBe(2);
    expect(sample(body, "refund_cases_open", { status: "approved" })).toBe(0);
    // Every update above is done: nothing in progress, nothing waiting for a place.
    expect(sample(body, "refund_updates_in_progress")).toBe(0);
    expect(sample(body, "refund_updates_waiting")).toBe(0);

    // Telegram: a 429 on the first message, a 403 (blocked) for the second customer.
    api.failNext(new BotApiError(429, "Too Many Requests: retry after 5", 5));
    api.failNext(
      new BotApiError(403, "Forbidden: bot was blocked by the user"),
      (c) => String(c.payload.chat_id) === "71002",
    );
    while ((await core.sender.sendDue()) > 0) {}
    body = await scrape();
    expect(
      sample(body, "refund_outbox_send_failures_total", { method: "sendMessage", code: "429" }),
    ).toBe(1);
    expect(
      sample(body, "refund_outbox_send_failures_total", { method: "sendMessage", code: "403" }),
    ).toBe(1);
    expect(sample(body, "refund_outbox_sent_total", { method: "sendMessage" })).toBe(
      api.calls.filter((c) => c.method === "sendMessage").length,
    );
    expect(sample(body, "refund_outbox_pending")).toBe(
      await db.prisma.outboxMessage.count({ where: { status: "pending" } }),
    );

    // A month later both deadlines are missed and alerted once.
    await core.deadlines.tick(new Date(Date.now() + 30 * 86_400_000));
    body = await scrape();
    expect(sample(body, "refund_deadlines_missed_total")).toBe(2);
    expect(sample(body, "refund_cases_overdue")).toBe(2);
    expect(body).toContain("process_cpu_user_seconds_total");
  });

  it("shows the updates worked on and waiting for a place, as the admission reports them", async () => {
    const metrics = createMetrics({ defaults: false });
    metrics.admitting(() => ({ running: 20, waiting: 7 }));
    const { body } = await metrics.scrape();
    expect(sample(body, "refund_updates_in_progress")).toBe(20);
    expect(sample(body, "refund_updates_waiting")).toBe(7);
  });

  it("counts updates run again and updates deferred, by kind", async () => {
    const own = createMetrics({ defaults: false });
    own.updateContended("text", "rerun");
    own.updateContended("text", "rerun");
    own.updateContended("callback", "deferred");
    const { body } = await own.scrape();
    expect(sample(body, "refund_updates_contended_total", { kind: "text", how: "rerun" })).toBe(2);
    expect(
      sample(body, "refund_updates_contended_total", { kind: "callback", how: "deferred" }),
    ).toBe(1);
  });

  it("counts failed attempts and the update set aside", async () => {
    const own = createMetrics({ defaults: false });
    const inbox = new Inbox({
      prisma: db.prisma,
      handle: async () => {
        throw new Error("handler bug");
      },
      logger,
      onGiveUp: async () => "done",
      onHandled: own.updateHandled,
    });
    await inbox.receive({
      update_id: 9_999_999,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 5, type: "private" },
        from: { id: 5 },
        text: "hi",
      },
    });
    await inbox.idle();
    const body = (await own.scrape()).body;
    expect(sample(body, "refund_updates_handled_total", { kind: "text", outcome: "failed" })).toBe(
      2,
    );
    expect(
      sample(body, "refund_updates_handled_total", { kind: "text", outcome: "given_up" }),
    ).toBe(1);
  });
});
