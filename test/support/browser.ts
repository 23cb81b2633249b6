// The browser that tests drive: the Chromium that `npm install` brings
// (@sparticuz/chromium ships the binary inside the package), or the system's
// Chromium when that one is newer. No test needs a browser installed by hand.
import { execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import bundledChromium from "@sparticuz/chromium";
import { type Browser, chromium } from "playwright-core";

const run = promisify(execFile);

export interface Chromium {
  readonly executable: string;
  /** As `--version` prints it, e.g. 153.0.8010.0. */
  readonly version: string;
  readonly source: "bundled" | "system";
  /** Extra environment for the browser process. */
  readonly env: Record<string, string>;
}

/** The dotted version a Chromium binary reports, or undefined when it does not run. */
async function chromiumVersion(executable: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(executable, ["--version"], { timeout: 30_000 });
    return /\d+(?:\.\d+)+/.exec(stdout)?.[0];
  } catch {
    return undefined;
  }
}

function isNewer(a: string, b: string): boolean {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return false;
}

/** The system's Chromium to consider: CHROMIUM_PATH, else `chromium` on the PATH. */
export function systemChromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  return (env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => path.join(dir, "chromium"))
    .find((file) => existsSync(file));
}

/**
 * Unpacks the bundled Chromium (about 1.5 s) into a folder of its own per
 * package version, once: the package's default, os.tmpdir()/chromium, is
 * reused whatever version left it there. The folder appears whole or not at
 * all, so an interrupted unpack or a parallel run never leaves half a binary.
 */
async function unpackBundled(): Promise<{ executable: string; fontsConf: string }> {
  const entry = createRequire(import.meta.url).resolve("@sparticuz/chromium");
  const { version } = JSON.parse(
    readFileSync(path.join(path.dirname(entry), "..", "package.json"), "utf8"),
  ) as { version: string };
  const dir = path.join(tmpdir(), `sparticuz-chromium-${version}`);
  const result = {
    executable: path.join(dir, "chromium"),
    fontsConf: path.join(dir, "fonts.conf"),
  };
  if (existsSync(result.fontsConf)) return result;

  const partial = mkdtempSync(`${dir}.partial-`);
  try {
    // The package unpacks into os.tmpdir(), which follows TMPDIR.
    const savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = partial;
    try {
      await bundledChromium.executablePath();
    } finally {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
    }
    // The package's fonts (Open Sans: Latin, Greek, Cyrillic) next to the system's, if any.
    writeFileSync(
      path.join(partial, "fonts.conf"),
      `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${path.join(dir, "fonts")}</dir>
  <cachedir>${path.join(dir, "fonts-cache")}</cachedir>
</fontconfig>
`,
    );
    // mkdtemp's folder is private; the copy serves every user of the machine.
    chmodSync(partial, 0o755);
    renameSync(partial, dir);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    // Another run got there first: use its copy.
    if (!existsSync(result.fontsConf)) throw e;
  }
  return result;
}

/** The bundled Chromium, or the system's (`system`, e.g. systemChromiumPath()) when it runs and is newer. */
export async function chooseChromium(system: string | undefined): Promise<Chromium> {
  const { executable, fontsConf } = await unpackBundled();
  const version = await chromiumVersion(executable);
  if (version === undefined) throw new Error(`The bundled Chromium at ${executable} does not run`);
  const systemVersion = system === undefined ? undefined : await chromiumVersion(system);
  if (system !== undefined && systemVersion !== undefined && isNewer(systemVersion, version)) {
    return { executable: system, version: systemVersion, source: "system", env: {} };
  }
  return { executable, version, source: "bundled", env: { FONTCONFIG_FILE: fontsConf } };
}

export async function launchChromium(browser: Chromium): Promise<Browser> {
  return chromium.launch({
    executablePath: browser.executable,
    env: { ...process.env, ...browser.env },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
