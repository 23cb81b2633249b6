import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";

/**
 * Telegram's Bot API as the program sees it over HTTP, with faults the test
 * switches on: an error answer (429 with retry_after, 500, 403) or no answer at
 * all, for every chat or for some. It records every message it accepted, which
 * is what a person would have received.
 */
export type Fault =
  | { kind: "none" }
  | { kind: "status"; code: 403 | 429 | 500; retryAfter?: number }
  | { kind: "silent" };

export interface Delivered {
  chatId: string;
  text: string;
  at: number;
}

/** A call the stub accepted (answered ok), whatever its method. */
export interface Accepted {
  method: string;
  payload: Record<string, unknown>;
  at: number;
  /** the id a sent message was given */
  messageId?: number;
}

export interface FaultyBotApi {
  readonly url: string;
  /** messages accepted (answered ok), in order */
  readonly delivered: Delivered[];
  /** every call accepted but getMe, in order */
  readonly accepted: Accepted[];
  /** button answers accepted */
  answers: number;
  /** the fault for calls to a chat (chat id as a string; "*" for every chat) */
  setFault(chat: string, fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startFaultyBotApi(): Promise<FaultyBotApi> {
  const faults = new Map<string, Fault>();
  const delivered: Delivered[] = [];
  const accepted: Accepted[] = [];
  const hanging = new Set<ServerResponse>();
  let messageId = 1;
  const api: FaultyBotApi = {
    url: "",
    delivered,
    accepted,
    answers: 0,
    setFault: (chat, fault) => faults.set(chat, fault),
    clearFaults: () => faults.clear(),
    async close() {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const ok = (res: ServerResponse, result: unknown) =>
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ ok: true, result }));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const method = (req.url ?? "").split("/").pop() ?? "";
      const body =
        chunks.length === 0
          ? {}
          : (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>);
      if (method === "getMe")
        return ok(res, { id: 1, is_bot: true, first_name: "Refunds", username: "refund_bot" });
      if (method !== "sendMessage" && method !== "answerCallbackQuery") {
        accepted.push({ method, payload: body, at: Date.now() });
        return ok(res, true);
      }
      const chat = String(body.chat_id ?? "");
      const fault = faults.get(chat) ?? faults.get("*") ?? { kind: "none" };
      if (fault.kind === "silent") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      if (fault.kind === "status") {
        const description =
          fault.code === 403 ? "Forbidden: bot was blocked by the user" : "Injected fault";
        return res.writeHead(fault.code, { "content-type": "application/json" }).end(
          JSON.stringify({
            ok: false,
            error_code: fault.code,
            description,
            ...(fault.retryAfter === undefined
              ? {}
              : { parameters: { retry_after: fault.retryAfter } }),
          }),
        );
      }
      if (method === "answerCallbackQuery") {
        accepted.push({ method, payload: body, at: Date.now() });
        api.answers++;
        return ok(res, true);
      }
      accepted.push({ method, payload: body, at: Date.now(), messageId });
      delivered.push({ chatId: chat, text: String(body.text), at: Date.now() });
      return ok(res, {
        message_id: messageId++,
        date: 0,
        chat: { id: Number(chat), type: "private" },
      });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return Object.assign(api, { url: `http://127.0.0.1:${address.port}` });
}
