import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

describe("npm run db:migrate", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "migrate-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const migrate = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [path.resolve("src/cli/migrate.ts")], {
      cwd: dir,
      env,
      encoding: "utf8",
    });

  it("reads the database from .env, as the program does", () => {
    const dataDir = path.join(dir, "from-env");
    writeFileSync(path.join(dir, ".env"), `DATA_DIR=${dataDir}\n`);
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.DATA_DIR;
    const r = migrate(env);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout).toContain(`embedded PGlite in ${dataDir}:`);
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
    expect(existsSync(path.join(dir, "data"))).toBe(false);
  });

  it("refuses a DATABASE_URL that is not a postgresql:// URL without echoing it", () => {
    const r = migrate({
      ...process.env,
      DATABASE_URL: "host=127.0.0.1 user=postgres password=S3cretPw",
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain(
      "DATABASE_URL: got a value of 46 characters (hidden); expected a postgresql:// URL",
    );
    expect(r.stdout + r.stderr).not.toContain("S3cretPw");
  });

  it("refuses a DATABASE_URL as the program does: one whose password needs encoding is named", () => {
    const r = migrate({
      ...process.env,
      DATABASE_URL: "postgresql://postgres:s3cr#et@127.0.0.1:5432/x",
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain("@ : / # in the password percent-encoded");
    expect(r.stdout + r.stderr).not.toContain("s3cr#et");
  });
});
