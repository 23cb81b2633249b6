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
  await server.start();
  return server;
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
    await bot.waitFor(/refund assistant running/, 30_000);
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
