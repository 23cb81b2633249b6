import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import path from "node:path";

/**
 * The real bot, as `npm start` runs it (`node src/main.ts`), in a child
 * process whose environment points it at the local Bot API with the
 * playground's token, people and database folder. The playground can stop it
 * and start it again (a reset) without touching its code.
 */

const MAIN = path.resolve(import.meta.dirname, "../main.ts");
const GUARD = path.resolve(import.meta.dirname, "child-guard.ts");
/** Lines of the bot's output kept to explain a failed start. */
const KEEP_LINES = 40;

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const address = s.address();
  s.close();
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

export class BotChild {
  readonly #env: Record<string, string>;
  #child: ChildProcess | undefined;
  readonly recent: string[] = [];
  /** told when the bot exits without being asked to */
  onCrash: ((code: number | null) => void) | undefined;

  /** `env`: the variables that make it the playground's bot (over the inherited ones). */
  constructor(env: Record<string, string>) {
    this.#env = env;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ["--import", GUARD, MAIN], {
      env: { ...process.env, ...this.#env, HTTP_PORT: String(await freePort()) },
      // Its own process group: Ctrl-C reaches the playground, which stops the bot once, gently.
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.#child = child;
    const keep = (chunk: Buffer) => {
      // The bot's log goes to our stderr, so that stdout carries only the playground's address.
      process.stderr.write(chunk);
      this.recent.push(...String(chunk).split("\n").filter(Boolean));
      this.recent.splice(0, Math.max(0, this.recent.length - KEEP_LINES));
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.once("exit", (code) => {
      if (this.#child === child) {
        this.#child = undefined;
        this.onCrash?.(code);
      }
    });
  }

  /** A promise that rejects if the current bot exits (to race against its readiness). */
  exited(): Promise<never> {
    const child = this.#child;
    if (child === undefined) return Promise.reject(new Error("the bot is not running"));
    return new Promise((_, reject) => {
      child.once("exit", (code) =>
        reject(new Error(`the bot exited with code ${code}:\n${this.recent.join("\n")}`)),
      );
    });
  }

  /** SIGTERM, then SIGKILL if it has not finished closing its database in time. */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return child?.exitCode ?? null;
    this.#child = undefined;
    const exit = once(child, "exit") as Promise<[number | null]>;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const [code] = await exit;
    clearTimeout(timer);
    return code;
  }
}
