import { type AddressInfo, connect } from "node:net";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { cachedCheck, checkHealth, startHttpServer } from "../../src/transport/http-server.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";

async function serve(routes = new Map()) {
  return startHttpServer({
    host: "127.0.0.1",
    port: 0,
    logger: createLogger("silent"),
    routes,
    health: {
      telegram: async () => {
        throw new Error(`invalid json response body at http://x/bot${TOKEN}/getMe`);
      },
    },
  });
}

/** Sends raw bytes and resolves to the reply's status line. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let got = "";
    socket.on("data", (d) => {
      got += String(d);
    });
    socket.on("end", () => resolve(got.split("\r\n")[0] ?? ""));
    socket.on("error", reject);
  });
}

describe("the HTTP server", () => {
  it("answers a request line it cannot read with 400 and goes on", async () => {
    const server = await serve();
    try {
      const { port } = server.address() as AddressInfo;
      expect(await raw(port, "GET http://a:b/ HTTP/1.1\r\nHost: x\r\n\r\n")).toBe(
        "HTTP/1.1 400 Bad Request",
      );
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(503);
      // A check's message never shows the token a library put in a URL.
      const body = await health.text();
      expect(body).toContain("invalid json response body");
      expect(body).not.toContain(TOKEN);
    } finally {
      server.close();
    }
  });

  it("names the settings when it cannot listen", async () => {
    const taken = await serve();
    try {
      const { port } = taken.address() as AddressInfo;
      await expect(
        startHttpServer({
          host: "127.0.0.1",
          port,
          logger: createLogger("silent"),
          routes: new Map(),
          health: {},
        }),
      ).rejects.toThrow(
        `cannot listen on HTTP_HOST:HTTP_PORT 127.0.0.1:${port}: listen EADDRINUSE`,
      );
    } finally {
      taken.close();
    }
  });
});

describe("health checks", () => {
  it("reports each check, and not ok when one fails or hangs", async () => {
    const report = await checkHealth(
      {
        database: async () => {},
        telegram: async () => {
          throw new Error("ECONNREFUSED");
        },
        slow: () => new Promise(() => {}),
      },
      50,
    );
    expect(report.ok).toBe(false);
    expect(report.checks.database?.ok).toBe(true);
    expect(report.checks.telegram).toMatchObject({ ok: false, error: "ECONNREFUSED" });
    expect(report.checks.slow).toMatchObject({ ok: false, error: "timed out" });
  });

  it("remembers a success for a while, never a failure", async () => {
    let calls = 0;
    let fail = true;
    const check = cachedCheck(async () => {
      calls++;
      if (fail) throw new Error("down");
    }, 60_000);
    await expect(check()).rejects.toThrow("down");
    fail = false;
    await check();
    await check();
    await check();
    expect(calls).toBe(2);
  });
});
