import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { Shutdown } from "../../src/runtime/shutdown.ts";

describe("Shutdown", () => {
  it("closes in reverse order of registration", async () => {
    const shutdown = new Shutdown(createLogger("silent"));
    const closed: string[] = [];
    shutdown.add("database", () => void closed.push("database"));
    shutdown.add("http", () => void closed.push("http"));
    await shutdown.run();
    expect(closed).toEqual(["http", "database"]);
  });

  it("asked during the start, waits for the start to end and closes what it opened", async () => {
    const shutdown = new Shutdown(createLogger("silent"));
    const closed: string[] = [];
    let finishStart = () => {};
    const start = (async () => {
      shutdown.add("database", () => void closed.push("database"));
      await new Promise<void>((resolve) => {
        finishStart = resolve;
      });
      // What the start does after the signal, it does unless told to stop.
      if (!shutdown.requested) shutdown.add("polling", () => void closed.push("polling"));
      shutdown.add("http", () => void closed.push("http"));
    })();
    shutdown.during(start);
    const closing = shutdown.run();
    expect(shutdown.requested).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toEqual([]);
    finishStart();
    await closing;
    expect(closed).toEqual(["http", "database"]);
  });

  it("a start that fails still lets the shutdown close what it had opened", async () => {
    const shutdown = new Shutdown(createLogger("silent"));
    const closed: string[] = [];
    const start = (async () => {
      shutdown.add("database", () => void closed.push("database"));
      await new Promise((r) => setTimeout(r, 10));
      throw new Error("the Bot API refused the webhook");
    })();
    start.catch(() => {});
    shutdown.during(start);
    await shutdown.run();
    expect(closed).toEqual(["database"]);
  });
});
