import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer as createHttpServer, request, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import path from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";

/** A free TCP port on loopback (the emulator does not honour port 0). */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const address = s.address();
  s.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export type Emulator = TelegramServer;

export async function startEmulator(): Promise<Emulator> {
  const server = new TelegramServer({
    port: await freePort(),
    host: "127.0.0.1",
    storeTimeout: 600,
  });
  addCopyMessage(server);
  await server.start();
  return server;
}

interface Route {
  body: Record<string, unknown>;
  params: Record<string, string>;
}
interface RouteAnswer {
  sendResult(data: unknown): void;
}
/** The parts of the emulator's Express app (private in its types) that adding a method needs. */
interface ExpressApp {
  post(path: string, handler: (req: Route, res: RouteAnswer) => void): void;
  _router: { stack: { route?: { path?: string } }[] };
}

/**
 * The emulator knows no copyMessage, by which the bot sends a customer's
 * photos and files on to staff: here a copy is stored as a bot message to the
 * target chat whose text says what it copies (`copy of <chat>/<message>`).
 */
function addCopyMessage(server: TelegramServer): void {
  const app = (server as unknown as { webServer: ExpressApp }).webServer;
  app.post("/bot:token/copyMessage", (req, res) => {
    const { chat_id, from_chat_id, message_id } = req.body;
    const text = `copy of ${String(from_chat_id)}/${String(message_id)}`;
    const sent = server.addBotMessage({ chat_id: String(chat_id), text }, req.params.token ?? "");
    res.sendResult({ ok: true, result: { message_id: sent.message_id } });
  });
  // Ahead of the emulator's answer to every method it does not know.
  const stack = app._router.stack;
  const route = stack.pop();
  const unknown = stack.findIndex((l) => l.route?.path === "/bot:token/:method");
  if (route === undefined || unknown < 0) throw new Error("the emulator's routes have changed");
  stack.splice(unknown, 0, route);
}

/**
 * Stands between the emulator's webhook calls and the bot, adding the
 * X-Telegram-Bot-Api-Secret-Token header that Telegram sends and the emulator
 * does not implement. Everything else passes through unchanged.
 */
export async function startSecretRelay(
  target: () => number,
  secret: string,
): Promise<{ port: number; server: Server }> {
  const server = createHttpServer((req, res) => {
    const fwd = request(
      {
        host: "127.0.0.1",
        port: target(),
        path: req.url,
        method: req.method,
        headers: { ...req.headers, "x-telegram-bot-api-secret-token": secret },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // A bot being restarted is a webhook Telegram would retry: answer 502.
    fwd.on("error", () => res.writeHead(502).end());
    req.pipe(fwd);
  });
  const port = await freePort();
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return { port, server };
}

/** The real entry point (`npm start`) as a child process. */
export class BotProcess {
  readonly child: ChildProcess;
  readonly output: string[] = [];

  private constructor(child: ChildProcess) {
    this.child = child;
    const keep = (chunk: Buffer) => this.output.push(...String(chunk).split("\n").filter(Boolean));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
  }

  static async start(env: Record<string, string>, cwd: string): Promise<BotProcess> {
    const child = spawn(process.execPath, [path.resolve("src/main.ts")], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const bot = new BotProcess(child);
    // A few seconds alone; on 2 cores shared with the rest of the suite, once more than 30.
    await bot.waitFor(/refund assistant running/, 90_000);
    return bot;
  }

  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const line = this.output.find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (this.child.exitCode !== null)
        throw new Error(`bot exited ${this.child.exitCode}:\n${this.output.join("\n")}`);
      if (Date.now() > until)
        throw new Error(`timed out waiting for ${pattern}:\n${this.output.join("\n")}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const [code] = (await once(this.child, "exit")) as [number | null];
    return code;
  }
}

export interface BotMessage {
  messageId: number;
  text: string;
  buttons: { text: string; data: string }[];
}

/** The bot's messages to one chat, as the emulator stored them, oldest first. */
export function botMessages(server: Emulator, chatId: number): BotMessage[] {
  return server.storage.botMessages
    .filter((u) => String(u.message.chat_id) === String(chatId))
    .map((u) => {
      const markup = u.message.reply_markup as
        | { inline_keyboard?: { text: string; callback_data?: string }[][] }
        | undefined;
      return {
        messageId: u.messageId,
        text: String(u.message.text),
        buttons: (markup?.inline_keyboard ?? [])
          .flat()
          .map((b) => ({ text: b.text, data: b.callback_data ?? "" })),
      };
    });
}
