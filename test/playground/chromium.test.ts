import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chooseChromium, systemChromiumPath } from "../support/browser.ts";

// Which Chromium the browser tests drive: the bundled one unless the system's is newer.
const dir = mkdtempSync(path.join(tmpdir(), "chromium-choice-"));

/** A stand-in for a system Chromium that reports `version`. */
function fakeChromium(version: string, name = `chromium-${version}`): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\necho "Chromium ${version} built on Debian"\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("the browser for the tests", () => {
  it("is the bundled Chromium when the system has none", async () => {
    const chosen = await chooseChromium(path.join(dir, "missing"));
    expect(chosen.source).toBe("bundled");
    expect(chosen.version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await chooseChromium(undefined)).toEqual(chosen);
  }, 60_000);

  it("is the system's Chromium only when that one is newer", async () => {
    const bundled = await chooseChromium(undefined);
    const major = Number(bundled.version.split(".")[0]);
    const newer = fakeChromium(`${major + 3}.0.1.2`);
    expect(await chooseChromium(newer)).toMatchObject({ source: "system", executable: newer });
    expect((await chooseChromium(fakeChromium(`${major - 3}.0.1.2`))).source).toBe("bundled");
    expect((await chooseChromium(fakeChromium(bundled.version))).source).toBe("bundled");
  }, 60_000);

  it("looks at CHROMIUM_PATH first, then for chromium on the PATH", () => {
    mkdirSync(path.join(dir, "bin"));
    const onPath = fakeChromium("1.0.0.0", "bin/chromium");
    const elsewhere = fakeChromium("2.0.0.0");
    const PATH = [path.join(dir, "none"), path.join(dir, "bin")].join(path.delimiter);
    expect(systemChromiumPath({ PATH })).toBe(onPath);
    expect(systemChromiumPath({ CHROMIUM_PATH: elsewhere, PATH })).toBe(elsewhere);
    expect(systemChromiumPath({ PATH: dir })).toBeUndefined();
  });
});
