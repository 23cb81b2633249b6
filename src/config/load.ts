import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { configSchema, type Env, listItems, SECRET_VARIABLES } from "./schema.ts";
import type { SupportHours } from "./support-hours.ts";

export type LogLevel = Env["LOG_LEVEL"];
export type BotFramework = Env["BOT_FRAMEWORK"];
export type HotPath = Env["HOT_PATH"];

export type DatabaseConfig =
  | {
      kind: "postgres";
      url: string;
      /** how long a connection or a statement may go unanswered before it is given up */
      timeoutMs: number;
    }
  | { kind: "pglite"; dataDir: string };

/** The program's settings, parsed and checked once at start. */
export interface Config {
  botToken: string | undefined;
  telegramApiRoot: string;
  database: DatabaseConfig;
  adminIds: readonly bigint[];
  staffChatId: bigint | undefined;
  languages: readonly string[];
  defaultLanguage: string;
  /**
   * orderWaitMs: how long an update that arrives after a gap in Telegram's
   * numbering waits for the updates before it (src/updates/sequence.ts)
   */
  webhook: { url: string; secret: string; orderWaitMs: number } | undefined;
  http: { host: string; port: number };
  supportEmail: string;
  timeZone: string;
  /** a closed request's personal data is erased this many days after it closed; undefined: kept */
  closedCaseDataDays: number | undefined;
  /** when staff are at work; undefined: always (nobody is told to wait for them) */
  supportHours: SupportHours | undefined;
  holidays: readonly string[];
  unrefundablePaymentMethods: readonly string[];
  conversationIdleMinutes: number;
  /** what a customer may attach to a case: how many files, how large, which MIME types (`image/*` is a family) */
  evidence: { maxFiles: number; maxBytes: number; types: readonly string[] };
  /** the framework that polls and calls the Bot API */
  botFramework: BotFramework;
  /** how long one Bot API call may take before it is abandoned and retried */
  botApiTimeoutMs: number;
  /** a customer's updates past `maxUpdates` within `windowMs` are ignored (staff are exempt) */
  flood: { maxUpdates: number; windowMs: number };
  logLevel: LogLevel;
  /** the chat's read and write and the outbox's claim: prepared through the driver, or through Prisma's client (for comparison) */
  hotPath: HotPath;
}

/** One problem per bad variable: its name, what it got and what it expects. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Shown when no support address is configured and no real bot runs (tests, playground). */
const PLACEHOLDER_SUPPORT_EMAIL = "support@example.com";

export const LOCALES_DIR = path.resolve(import.meta.dirname, "../../locales");

/** The supported languages are the folders under locales/. */
export function discoverLanguages(localesDir: string = LOCALES_DIR): string[] {
  if (!existsSync(localesDir)) return [];
  return readdirSync(localesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function describeValue(name: string, raw: unknown): string {
  if (raw === undefined || (typeof raw === "string" && raw.trim() === "")) return "nothing";
  if (SECRET_VARIABLES.has(name)) return `a value of ${String(raw).length} characters (hidden)`;
  return JSON.stringify(raw);
}

function describe(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? "configuration");
  const raw = env[name];
  const at = issue.path[1];
  // A comma-separated list: the item that is wrong, as the schema split it.
  if (typeof at === "number" && typeof raw === "string" && !SECRET_VARIABLES.has(name)) {
    const items = listItems(raw);
    return `${name}: got ${JSON.stringify(items[at])} (item ${at + 1} of ${items.length}); expected ${issue.message}`;
  }
  return `${name}: got ${describeValue(name, raw)}; expected ${issue.message}`;
}

export function parseConfig(
  env: Record<string, string | undefined>,
  languages: readonly string[] = discoverLanguages(),
): Config {
  const parsed = configSchema(languages).safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => describe(i, env)));
  const e = parsed.data;
  return {
    botToken: e.BOT_TOKEN,
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    database:
      e.DATABASE_URL !== undefined
        ? {
            kind: "postgres",
            url: e.DATABASE_URL,
            timeoutMs: e.DATABASE_TIMEOUT_SECONDS * 1000,
          }
        : { kind: "pglite", dataDir: path.resolve(e.DATA_DIR) },
    adminIds: e.ADMIN_IDS,
    staffChatId: e.STAFF_CHAT_ID,
    languages,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    webhook:
      e.WEBHOOK_URL !== undefined && e.WEBHOOK_SECRET !== undefined
        ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, orderWaitMs: e.WEBHOOK_ORDER_WAIT_MS }
        : undefined,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    supportEmail: e.SUPPORT_EMAIL ?? PLACEHOLDER_SUPPORT_EMAIL,
    timeZone: e.TIME_ZONE,
    supportHours: e.SUPPORT_HOURS,
    closedCaseDataDays: e.CLOSED_CASE_DATA_DAYS,
    holidays: e.HOLIDAYS,
    unrefundablePaymentMethods: e.UNREFUNDABLE_PAYMENT_METHODS,
    conversationIdleMinutes: e.CONVERSATION_IDLE_MINUTES,
    evidence: {
      maxFiles: e.EVIDENCE_MAX_FILES,
      maxBytes: e.EVIDENCE_MAX_MB * 1024 * 1024,
      types: e.EVIDENCE_TYPES,
    },
    botFramework: e.BOT_FRAMEWORK,
    botApiTimeoutMs: e.BOT_API_TIMEOUT_SECONDS * 1000,
    flood: { maxUpdates: e.FLOOD_MAX_UPDATES, windowMs: e.FLOOD_WINDOW_SECONDS * 1000 },
    logLevel: e.LOG_LEVEL,
    hotPath: e.HOT_PATH,
  };
}

/** Puts `.env` (when present) under the real environment: a variable set in both keeps the real one. */
export function loadEnvFile(envFile = ".env"): void {
  if (!existsSync(envFile)) return;
  // A container's bind mount of a missing file makes a directory of that name.
  if (!statSync(envFile).isFile()) {
    throw new ConfigError([`${envFile}: is not a file; put the settings in a file, or remove it`]);
  }
  process.loadEnvFile(envFile);
}

/** Reads `.env` (when present) under the real environment, then parses. */
export function loadConfig(envFile = ".env"): Config {
  loadEnvFile(envFile);
  return parseConfig(process.env);
}
