import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DataFolderLockedError, lockDataFolder } from "../../src/database/folder-lock.ts";

const fresh = () => path.join(mkdtempSync(path.join(tmpdir(), "lock-")), "nested", "data");

describe("lockDataFolder", () => {
  it("creates missing folders and refuses a second lock until released", () => {
    const dir = fresh();
    const release = lockDataFolder(dir);
    expect(existsSync(dir)).toBe(true);
    expect(() => lockDataFolder(dir)).toThrow(DataFolderLockedError);
    release();
    lockDataFolder(dir)();
  });

  it("refuses a folder held by another live process and names it", async () => {
    const dir = fresh();
    lockDataFolder(dir)();
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(path.join(dir, "refund-assistant.lock"), String(other.pid));
      expect(() => lockDataFolder(dir)).toThrow(`in use by another process (pid ${other.pid})`);
    } finally {
      other.kill("SIGKILL");
    }
  });

  it("takes over a lock left by a process that died", async () => {
    const dir = fresh();
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.on("exit", r));
    lockDataFolder(dir)();
    const file = path.join(dir, "refund-assistant.lock");
    writeFileSync(file, String(dead.pid));
    const release = lockDataFolder(dir);
    // The lock is ours now, and ours to give back.
    expect(readFileSync(file, "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(file)).toBe(false);
  });
});
