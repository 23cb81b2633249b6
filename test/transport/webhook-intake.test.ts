import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { createWebhookIntake } from "../../src/transport/webhook-intake.ts";

const SECRET = "intake-test-secret";
const MB = 1024 * 1024;

/** The request's outcome: its status (0: none, the connection failed) and the bytes written. */
interface Outcome {
  status: number;
  written: number;
}

describe("the webhook's door refusing a body", () => {
  let server: Server;
  let port = 0;
  const stored: number[] = [];

  beforeAll(async () => {
    const intake = createWebhookIntake({
      secret: SECRET,
      logger: createLogger("silent"),
      store: async (update) => {
        stored.push(update.update_id);
      },
    });
    server = createServer((req, res) => void intake(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /**
   * Streams `chunks` chunks of a megabyte as one chunked body while the connection lasts:
   * `eager`, each written on the next turn without waiting for the socket to drain (as a sender
   * with the whole body in hand does, many bytes in flight when the answer comes), else as the
   * socket takes them.
   */
  const stream = (chunks: number, secret = SECRET, eager = false) =>
    new Promise<Outcome>((resolve) => {
      let written = 0;
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/hook",
          headers: { "x-telegram-bot-api-secret-token": secret },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, written }));
        },
      );
      // An answer can still arrive a moment after the write fails.
      req.on("error", () => setTimeout(() => resolve({ status: 0, written }), 250));
      void (async () => {
        const chunk = Buffer.alloc(MB, "x");
        for (let i = 0; i < chunks && !req.destroyed; i++) {
          const drained = req.write(chunk);
          written += chunk.length;
          if (eager) await new Promise((r) => setImmediate(r));
          else if (!drained) await new Promise((r) => req.once("drain", r));
        }
        req.end();
      })();
    });

  it("answers 413 to a 10 MB body every time: the sender sees the answer, not a reset", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await stream(10, SECRET, true)).status);
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 413));
    expect(stored).toEqual([]);
  });

  it("stops reading a refused body past its limit instead of taking it all", async () => {
    const outcome = await stream(200);
    expect(outcome.written).toBeLessThan(100 * MB);
    expect(stored).toEqual([]);
  });

  it("closes a stranger's connection at once", async () => {
    const outcome = await stream(50, "wrong-secret");
    expect([403, 0]).toContain(outcome.status);
    expect(outcome.written).toBeLessThan(40 * MB);
  });
});
