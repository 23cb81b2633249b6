import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The real entry point, as `npm start` runs it, in a folder with no .env.
function start(env: Record<string, string>) {
  const cwd = mkdtempSync(path.join(tmpdir(), "start-"));
  const r = spawnSync(process.execPath, [path.resolve("src/main.ts")], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { code: r.status, stderr: r.stderr };
}

describe("npm start", () => {
  it("without a bot token says what to set and exits non-zero", () => {
    const r = start({});
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/^BOT_TOKEN is not set\. Create a bot with @BotFather/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("names each bad variable and exits with EX_CONFIG", () => {
    const r = start({ ADMIN_IDS: "x", TIME_ZONE: "Nowhere/Land", BOT_TOKEN: "123:abc" });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('ADMIN_IDS: got "x"');
    expect(r.stderr).toContain('TIME_ZONE: got "Nowhere/Land"');
    expect(r.stderr).toContain("BOT_TOKEN: got a value of 7 characters (hidden)");
    expect(r.stderr).not.toContain("123:abc");
  });
});
