import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { toBotApiCall } from "../../src/outbox/write.ts";
import { createGrammyTransport } from "../../src/transport/grammy.ts";
import { createTelegrafTransport } from "../../src/transport/telegraf.ts";
import type { Transport } from "../../src/transport/transport.ts";
import { BOT_INFO, TOKEN } from "../support/bot.ts";

/** A Bot API stand-in that keeps what each request carried. */
async function recordingApi() {
  const seen: { path: string; type: string; body: string }[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({
      path: req.url ?? "",
      type: req.headers["content-type"] ?? "",
      body: Buffer.concat(chunks).toString("utf8"),
    });
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        ok: true,
        result: { message_id: 1, date: 0, chat: { id: 1, type: "private" } },
      }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { seen, root: `http://127.0.0.1:${port}`, close: () => server.close() };
}

const adapters: [string, (apiRoot: string) => Transport][] = [
  [
    "telegraf",
    (apiRoot) =>
      createTelegrafTransport({
        token: TOKEN,
        apiRoot,
        logger: createLogger("silent"),
        botInfo: BOT_INFO,
        callTimeoutMs: 5_000,
      }),
  ],
  [
    "grammy",
    (apiRoot) =>
      createGrammyTransport({
        token: TOKEN,
        apiRoot,
        logger: createLogger("silent"),

        callTimeoutMs: 5_000,
      }),
  ],
];

describe.each(adapters)("a document from the outbox, through %s", (_name, create) => {
  let close = () => {};
  afterEach(() => close());

  it("is uploaded as a file (multipart), with its name and content", async () => {
    const api = await recordingApi();
    close = api.close;
    const call = toBotApiCall({
      kind: "document",
      chatId: 42n,
      filename: "my-data.json",
      content: '{"name":"Zoë"}',
      caption: "Everything we hold about you",
    });
    await create(api.root).api.call(call.method, call.payload);
    const request = api.seen.at(-1);
    expect(request?.path).toMatch(/\/sendDocument$/);
    expect(request?.type).toMatch(/^multipart\/form-data/);
    expect(request?.body).toMatch(/filename="?my-data.json"?/);
    expect(request?.body).toContain('{"name":"Zoë"}');
    expect(request?.body).toContain("Everything we hold about you");
  });
});
