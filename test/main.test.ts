import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";

// The real entry point, as `npm start` runs it, in a folder with no .env.
function start(env: Record<string, string>) {
  const cwd = mkdtempSync(path.join(tmpdir(), "start-"));
  const r = spawnSync(process.execPath, [path.resolve("src/main.ts")], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm start", () => {
  it("without a bot token starts the playground, prints its address, and stops on SIGTERM", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "start-"));
    const child = spawn(process.execPath, [path.resolve("src/main.ts")], {
      cwd,
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // However the test ends (a timeout included), the playground does not outlive it.
    onTestFinished(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += String(c);
    });
    child.stderr.on("data", (c: Buffer) => {
      err += String(c);
    });
    const exited = once(child, "exit") as Promise<[number | null]>;
    try {
      let address: string | undefined;
      for (let i = 0; i < 600 && address === undefined; i++) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${out}\n${err}`);
        address = /Playground running: open (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        await new Promise((r) => setTimeout(r, 50));
      }
      if (address === undefined) throw new Error(`no address printed:\n${out}\n${err}`);
      expect(out).toMatch(/playground/i);
      const page = await fetch(address);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("playground");
      // The bot's database is the playground's folder, nothing else under data/.
      expect(readdirSync(path.join(cwd, "data"))).toEqual(["playground"]);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await exited;
    expect(code).toBe(0);
  }, 60_000);

  it("exits with 1 for its supervisor when polling cannot start, closing what it opened without a false alarm", () => {
    // Nothing listens on port 9 (discard): every Bot API call is refused at once.
    const r = start({
      BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_",
      SUPPORT_EMAIL: "help@example.com",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9",
    });
    const messages = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(r.code).toBe(1);
    expect(messages).toContain("polling stopped");
    expect(messages).not.toContain("failed to close");
  });

  it("names each bad variable and exits with EX_CONFIG", () => {
    const r = start({ ADMIN_IDS: "x", TIME_ZONE: "Nowhere/Land", BOT_TOKEN: "123:abc" });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('ADMIN_IDS: got "x"');
    expect(r.stderr).toContain('TIME_ZONE: got "Nowhere/Land"');
    expect(r.stderr).toContain("BOT_TOKEN: got a value of 7 characters (hidden)");
    expect(r.stderr).not.toContain("123:abc");
  });

  it("names the setting behind a database that cannot be opened", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "data-")), "a-file");
    writeFileSync(file, "");
    const r = start({
      BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_",
      SUPPORT_EMAIL: "help@example.com",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9",
      DATA_DIR: file,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot start: DATA_DIR (${file}): `);
  });

  it("masks a bot token pasted into another setting, or inside the webhook URL's path", () => {
    const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";
    const r = start({ ADMIN_IDS: token, WEBHOOK_URL: `http://bot.example.com/${token}` });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('ADMIN_IDS: got "[redacted]" (item 1 of 1)');
    expect(r.stderr).toContain('WEBHOOK_URL: got "http://bot.example.com/[redacted]"');
    expect(r.stderr).not.toContain("AAHdq");
  });
});
