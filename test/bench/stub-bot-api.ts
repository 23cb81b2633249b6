// A Bot API that accepts everything, for the benches: the bots' sends cost
// them one local HTTP round trip. Run as a process of its own (it prints its
// URL), a client's CPU can be measured apart from the stub's.
import { once } from "node:events";
import { createServer } from "node:http";
import { freePort } from "../support/emulator.ts";

export interface StubBotApi {
  url: string;
  /** sendMessage calls answered so far */
  sent(): number;
  close(): void;
}

export async function startStubBotApi(): Promise<StubBotApi> {
  let messageId = 1;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const method = (req.url ?? "").split("/").pop() ?? "";
      const result =
        method === "getMe"
          ? { id: 111222333, is_bot: true, first_name: "Bench", username: "bench_bot" }
          : method === "sendMessage"
            ? { message_id: messageId++, date: 0, chat: { id: 1, type: "private" } }
            : true;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, result }));
    });
  });
  const port = await freePort();
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => messageId - 1,
    close: () => server.close(),
  };
}

if (import.meta.main) {
  const api = await startStubBotApi();
  process.stdout.write(`${api.url}\n`);
  process.on("SIGTERM", () => {
    api.close();
    process.exit(0);
  });
}
