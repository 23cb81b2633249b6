import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadEnvFile, parseConfig } from "../../src/config/load.ts";
import { configSchema } from "../../src/config/schema.ts";

const LANGS = ["en", "es", "ru", "uk"];
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";

function problems(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env, LANGS);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("parseConfig", () => {
  it("gives working defaults for an empty environment (embedded database)", () => {
    const c = parseConfig({}, LANGS);
    expect(c.botToken).toBeUndefined();
    expect(c.database).toEqual({ kind: "pglite", dataDir: expect.stringMatching(/data$/) });
    expect(c.defaultLanguage).toBe("en");
    expect(c.timeZone).toBe("UTC");
    expect(c.adminIds).toEqual([]);
    expect(c.webhook).toBeUndefined();
    expect(c.http).toEqual({ host: "127.0.0.1", port: 8080 });
  });

  it("parses a full production environment", () => {
    const c = parseConfig(
      {
        BOT_TOKEN: TOKEN,
        DATABASE_URL: "postgresql://bot@db.internal:5432/refunds",
        ADMIN_IDS: "11, 22,33",
        STAFF_CHAT_ID: "-1001234567890",
        DEFAULT_LANGUAGE: "ru",
        WEBHOOK_URL: "https://bot.example.com/telegram",
        WEBHOOK_SECRET: "s3cret-s3cret-s3cret",
        SUPPORT_EMAIL: "refunds@example.com",
        TIME_ZONE: "Europe/Kyiv",
        HOLIDAYS: "2026-12-25,2027-01-01",
        UNREFUNDABLE_PAYMENT_METHODS: "crypto, bank",
        LOG_LEVEL: "warn",
      },
      LANGS,
    );
    expect(c.database).toEqual({
      kind: "postgres",
      url: "postgresql://bot@db.internal:5432/refunds",
      timeoutMs: 10_000,
    });
    expect(c.adminIds).toEqual([11n, 22n, 33n]);
    expect(c.staffChatId).toBe(-1001234567890n);
    expect(c.webhook).toEqual({
      url: "https://bot.example.com/telegram",
      secret: "s3cret-s3cret-s3cret",
      orderWaitMs: 100,
    });
    expect(c.holidays).toEqual(["2026-12-25", "2027-01-01"]);
    expect(c.unrefundablePaymentMethods).toEqual(["crypto", "bank"]);
  });

  it("names every bad variable once, with what it got and what it expects", () => {
    const p = problems({
      ADMIN_IDS: "12,abc",
      DEFAULT_LANGUAGE: "fr",
      TIME_ZONE: "Mars/Olympus",
      HTTP_PORT: "99999",
      HOLIDAYS: "2026-13-01",
      LOG_LEVEL: "loud",
      DATABASE_URL: "mysql://x",
      DATABASE_TIMEOUT_SECONDS: "0",
    });
    const byName = (n: string) => p.filter((x) => x.startsWith(`${n}:`));
    for (const n of [
      "ADMIN_IDS",
      "DEFAULT_LANGUAGE",
      "TIME_ZONE",
      "HTTP_PORT",
      "HOLIDAYS",
      "LOG_LEVEL",
      "DATABASE_URL",
      "DATABASE_TIMEOUT_SECONDS",
    ]) {
      expect(byName(n), n).toHaveLength(1);
    }
    expect(byName("DEFAULT_LANGUAGE")[0]).toBe(
      'DEFAULT_LANGUAGE: got "fr"; expected one of the languages under locales/: en, es, ru, uk',
    );
    expect(byName("TIME_ZONE")[0]).toContain('got "Mars/Olympus"');
    expect(byName("DATABASE_TIMEOUT_SECONDS")[0]).toBe(
      'DATABASE_TIMEOUT_SECONDS: got "0"; expected a positive number of seconds',
    );
  });

  it("reads the evidence limits, defaults images and PDF, and names a bad one", () => {
    expect(parseConfig({}, LANGS).evidence).toEqual({
      maxFiles: 5,
      maxBytes: 10 * 1024 * 1024,
      types: ["image/*", "application/pdf"],
    });
    expect(
      parseConfig({ EVIDENCE_MAX_MB: "2", EVIDENCE_TYPES: "Image/PNG, application/pdf" }, LANGS)
        .evidence,
    ).toMatchObject({ maxBytes: 2 * 1024 * 1024, types: ["image/png", "application/pdf"] });
    const p = problems({ EVIDENCE_MAX_FILES: "0", EVIDENCE_MAX_MB: "ten", EVIDENCE_TYPES: "pdf" });
    expect(p.map((x) => x.split(":")[0])).toEqual([
      "EVIDENCE_MAX_FILES",
      "EVIDENCE_MAX_MB",
      "EVIDENCE_TYPES",
    ]);
    expect(p.find((x) => x.startsWith("EVIDENCE_TYPES"))).toContain("image/*, application/pdf");
  });

  it("never echoes a secret in an error", () => {
    const p = problems({
      BOT_TOKEN: "not-a-token-but-secret",
      WEBHOOK_URL: "https://x.example",
      WEBHOOK_SECRET: "short",
    });
    expect(p.join("\n")).not.toContain("not-a-token-but-secret");
    expect(p.join("\n")).not.toContain('short"');
    expect(p.find((x) => x.startsWith("BOT_TOKEN:"))).toContain(
      "a value of 22 characters (hidden)",
    );
  });

  it("takes a webhook URL Telegram delivers to, and any with a local Bot API", () => {
    const hook = (url: string, env: Record<string, string> = {}) =>
      problems({ WEBHOOK_URL: url, WEBHOOK_SECRET: "s".repeat(16), ...env }).filter((p) =>
        p.startsWith("WEBHOOK_URL"),
      );
    expect(hook("https://bot.example.com/hook")).toEqual([]);
    expect(hook("https://bot.example.com:8443/hook")).toEqual([]);
    for (const refused of ["http://bot.example.com/hook", "https://bot.example.com:9999/hook"])
      expect(hook(refused)[0], refused).toMatch(
        /^WEBHOOK_URL: .*an https URL on port 443, 80, 88, 8443/,
      );
    // Telegram's own, however written.
    for (const root of ["https://api.telegram.org/", "https://API.telegram.org"])
      expect(hook("http://bot.example.com/hook", { TELEGRAM_API_ROOT: root }), root).toHaveLength(
        1,
      );
    expect(
      hook("http://127.0.0.1:9999/hook", { TELEGRAM_API_ROOT: "http://127.0.0.1:8081" }),
    ).toEqual([]);
  });

  it("takes a port in digits and a host to listen on that is an address or a name", () => {
    for (const port of ["0x1F90", "8e3", "80.5", "70000"])
      expect(problems({ HTTP_PORT: port })[0], port).toMatch(
        /^HTTP_PORT: .*a port from 1 to 65535/,
      );
    for (const host of ["bad host", "http://x", "-x.example"])
      expect(problems({ HTTP_HOST: host })[0], host).toMatch(
        /^HTTP_HOST: .*an IP address or a host name/,
      );
    for (const host of ["0.0.0.0", "::", "localhost", "bot-1.internal", "refund_bot"])
      expect(problems({ HTTP_HOST: host }), host).toEqual([]);
    expect(parseConfig({ HTTP_PORT: " 8081 " }, LANGS).http.port).toBe(8081);
    // A bad Bot API root is named, not a crash, with a webhook URL set too.
    expect(
      problems({
        TELEGRAM_API_ROOT: "not a url",
        WEBHOOK_URL: "https://bot.example.com/hook",
        WEBHOOK_SECRET: "s".repeat(16),
        BOT_TOKEN: TOKEN,
        SUPPORT_EMAIL: "refunds@example.com",
      })[0],
    ).toMatch(/^TELEGRAM_API_ROOT: /);
  });

  it("requires a bot token with a webhook URL: a token that did not arrive must not start the playground", () => {
    const p = problems({
      WEBHOOK_URL: "https://bot.example.com/hook",
      WEBHOOK_SECRET: "s".repeat(16),
    });
    expect(p.some((x) => x.startsWith("BOT_TOKEN: got nothing"))).toBe(true);
  });

  it("requires a webhook secret with a webhook URL, and a support e-mail with a bot token", () => {
    const p = problems({ WEBHOOK_URL: "https://bot.example.com/hook", BOT_TOKEN: TOKEN });
    expect(p.some((x) => x.startsWith("WEBHOOK_SECRET: got nothing"))).toBe(true);
    expect(p.some((x) => x.startsWith("SUPPORT_EMAIL: got nothing"))).toBe(true);
  });

  it("refuses a webhook secret without a webhook URL: webhook mode was meant, polling would hide it", () => {
    const p = problems({ WEBHOOK_SECRET: "s".repeat(16) });
    expect(p.find((x) => x.startsWith("WEBHOOK_URL:"))).toContain("required when WEBHOOK_SECRET");
    expect(p.join("\n")).not.toContain("s".repeat(16));
  });

  it("names a .env that is not a file (a container's mount of a missing one)", () => {
    const env = path.join(mkdtempSync(path.join(tmpdir(), "env-")), ".env");
    mkdirSync(env);
    expect(() => loadEnvFile(env)).toThrow(ConfigError);
    expect(() => loadEnvFile(env)).toThrow(`${env}: is not a file`);
  });

  it("takes only a group as the staff group", () => {
    expect(problems({ STAFF_CHAT_ID: "123456789" })).toEqual([
      'STAFF_CHAT_ID: got "123456789"; expected a group\'s chat id (negative, such as -1001234567890)',
    ]);
  });

  it("reads numbers in decimal digits only", () => {
    expect(
      problems({ FLOOD_MAX_UPDATES: "0x14", EVIDENCE_MAX_MB: "1e1", WEBHOOK_ORDER_WAIT_MS: "-1" }),
    ).toEqual([
      'WEBHOOK_ORDER_WAIT_MS: got "-1"; expected a whole number of milliseconds',
      'EVIDENCE_MAX_MB: got "1e1"; expected a whole number of megabytes',
      'FLOOD_MAX_UPDATES: got "0x14"; expected a whole number of updates',
    ]);
    expect(parseConfig({ FLOOD_MAX_UPDATES: " 30 " }, LANGS).flood.maxUpdates).toBe(30);
  });

  it("takes as unrefundable only payment methods a customer can choose", () => {
    expect(problems({ UNREFUNDABLE_PAYMENT_METHODS: "crypto,qiwi" })).toEqual([
      'UNREFUNDABLE_PAYMENT_METHODS: got "qiwi" (item 2 of 2); expected the payment methods the bot asks about: card, paypal, crypto, bank, other',
    ]);
  });

  it("refuses DEBUG, which makes the libraries print messages and secrets", () => {
    expect(problems({ DEBUG: "telegraf:*" })).toEqual([
      `DEBUG: got "telegraf:*"; expected nothing: it makes libraries print messages, queries and the webhook's secret (raise LOG_LEVEL instead)`,
    ]);
    expect(problems({ DEBUG: " " })).toEqual([]);
  });

  it("names what is wrong with a support-hours schedule, and reads a good one", () => {
    const p = problems({ SUPPORT_HOURS: "Mon-Fri 9-18" });
    expect(p.find((x) => x.startsWith("SUPPORT_HOURS:"))).toContain(
      "days and hours such as Mon-Fri 09:00-18:00",
    );
    const hours = parseConfig({ SUPPORT_HOURS: "Mon-Fri 09:00-18:00" }, LANGS).supportHours;
    expect(hours?.get(1)).toEqual([{ from: 540, to: 1080 }]);
    expect(hours?.has(0)).toBe(false);
  });

  it("names the wrong items of a list, each once", () => {
    expect(problems({ ADMIN_IDS: "12, abc,-5", HOLIDAYS: "2026-12-25,2026-13-01" })).toEqual([
      'ADMIN_IDS: got "abc" (item 2 of 3); expected a Telegram user id (a positive whole number)',
      'ADMIN_IDS: got "-5" (item 3 of 3); expected a Telegram user id (a positive whole number)',
      'HOLIDAYS: got "2026-13-01" (item 2 of 2); expected a date as YYYY-MM-DD',
    ]);
  });

  it("refuses a database URL that does not parse, without echoing it", () => {
    const p = problems({ DATABASE_URL: "postgresql://bot:s3cret@db.internal:notaport/refunds" });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(
      /^DATABASE_URL: got a value of \d+ characters \(hidden\); expected a postgresql:\/\/ URL that parses/,
    );
    expect(p[0]).not.toContain("s3cret");
  });

  it("bounds the periods that are subtracted from now, so the program never computes an invalid date", () => {
    const p = problems({
      CLOSED_CASE_DATA_DAYS: "999999999",
      CONVERSATION_IDLE_MINUTES: "999999999999",
    });
    expect(p).toEqual([
      'CLOSED_CASE_DATA_DAYS: got "999999999"; expected at most 36500 days',
      'CONVERSATION_IDLE_MINUTES: got "999999999999"; expected at most 525600 minutes (a year)',
    ]);
    const c = parseConfig(
      { CLOSED_CASE_DATA_DAYS: "36500", CONVERSATION_IDLE_MINUTES: "525600" },
      LANGS,
    );
    expect([c.closedCaseDataDays, c.conversationIdleMinutes]).toEqual([36500, 525600]);
  });

  it("treats blank values as unset", () => {
    expect(parseConfig({ BOT_TOKEN: " ", DATABASE_URL: "" }, LANGS).database.kind).toBe("pglite");
  });
});

describe("documentation", () => {
  const variables = Object.keys(configSchema(LANGS).shape);

  it(".env.example documents every variable", () => {
    const example = readFileSync(".env.example", "utf8");
    for (const v of variables) expect(example, v).toMatch(new RegExp(`^#? ?${v}=`, "m"));
  });

  it("README.md has every variable in its configuration table", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const v of variables) expect(readme, v).toContain(`| \`${v}\``);
  });
});
