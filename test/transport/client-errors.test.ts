import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { BotApiError } from "../../src/transport/bot-api.ts";
import { createGrammyTransport } from "../../src/transport/grammy.ts";
import { createTelegrafTransport } from "../../src/transport/telegraf.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";

/** A Bot API root that answers every call with a proxy's HTML page. */
const proxy = createServer((_req, res) => {
  res.writeHead(404, { "content-type": "text/html" }).end("<html>Not here</html>");
});

beforeAll(() => new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve)));
afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

describe.each([
  ["telegraf", createTelegrafTransport],
  ["grammy", createGrammyTransport],
] as const)("the %s Bot API client's errors", (_name, create) => {
  it("never carry the bot's token (a reply that is not JSON names the URL)", async () => {
    const { port } = proxy.address() as AddressInfo;
    const transport = create({
      token: TOKEN,
      apiRoot: `http://127.0.0.1:${port}`,
      logger: createLogger("silent"),
      callTimeoutMs: 5_000,
    });
    const err = await transport.api.call("getMe", {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BotApiError);
    expect(
      JSON.stringify({ m: (err as Error).message, d: (err as BotApiError).description }),
    ).not.toContain(TOKEN.split(":")[1]);
  });
});
