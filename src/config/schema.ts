import { isIP } from "node:net";
import { z } from "zod";
import { METHODS } from "../../machines/refund/ids.ts";
import { parseSupportHours } from "./support-hours.ts";

/**
 * Every setting the program reads, as one zod schema over the environment.
 * README.md and .env.example document the same variables; a test keeps the
 * three in step.
 */

/** The bot frameworks src/transport/ has an adapter for. */
const BOT_FRAMEWORKS = ["telegraf", "grammy"] as const;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** How the hot statements reach PostgreSQL: prepared through the driver, or Prisma's client (to compare). */
const HOT_PATHS = ["driver", "prisma"] as const;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankToUndefined, schema.optional());

/** A comma-separated setting's items: "1, 2,3" → ["1","2","3"]; blank → []. */
export function listItems(v: string): string[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A list setting; unset → []. */
const commaList = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === "string" ? listItems(v) : (v ?? [])), z.array(item));

const telegramUserId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, "a Telegram user id (a positive whole number)")
  .transform((s) => BigInt(s));

// A group's id is negative; a positive one is a person's chat, which can never be the staff group.
const groupChatId = z
  .string()
  .regex(/^-[1-9]\d{0,15}$/, "a group's chat id (negative, such as -1001234567890)")
  .transform((s) => BigInt(s));

const isoDate = z.iso.date({ message: "a date as YYYY-MM-DD" });

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "an IANA time zone such as Europe/Berlin or UTC" },
);

// Digits only: Number() would also take 0x1F90 or 8e3.
const port = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, "a port from 1 to 65535")
  .transform(Number)
  .pipe(z.number().min(1, "a port from 1 to 65535").max(65535, "a port from 1 to 65535"));

// Labels of letters, digits, "-" and "_" (a container's service name may hold one).
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;
const host = z
  .string()
  .refine((h) => isIP(h) !== 0 || HOST_NAME.test(h), "an IP address or a host name to listen on");

/** Telegram's own Bot API delivers to https URLs on these ports only; a local Bot API to any. */
const WEBHOOK_PORTS = ["443", "80", "88", "8443"];
const TELEGRAM_API = "https://api.telegram.org";

/** SUPPORT_HOURS: parsed here, so a bad schedule stops the program at start with what is wrong. */
const supportHours = z.string().transform((text, ctx) => {
  const hours = parseSupportHours(text);
  if (typeof hours !== "string") return hours;
  ctx.addIssue({
    code: "custom",
    message: `${hours}: days and hours such as Mon-Fri 09:00-18:00, Sat 10:00-14:00 (a night shift: Fri 22:00-02:00)`,
  });
  return z.NEVER;
});

/**
 * A whole number of `what` in decimal digits (Number() would also take 0x14, 1e1 or
 * 0b1010), from `min` (0 or 1) to `max`, which `beyond` may explain.
 */
const whole = (what: string, o: { min: 0 | 1; max?: number; beyond?: string }) => {
  let n = z.number().min(o.min, o.min === 0 ? `0 or more ${what}` : `a positive number of ${what}`);
  if (o.max !== undefined) n = n.max(o.max, `at most ${o.max} ${what}${o.beyond ?? ""}`);
  return z.string().trim().regex(/^\d+$/, `a whole number of ${what}`).transform(Number).pipe(n);
};

/** EVIDENCE_TYPES: MIME types (application/pdf) or families (image/*). */
const mimeType = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^[a-z]+\/(\*|[a-z0-9][a-z0-9.+-]*)$/,
        "MIME types or families such as image/*, application/pdf",
      ),
  );

export function configSchema(languages: readonly string[]) {
  return z
    .object({
      BOT_TOKEN: optional(
        z
          .string()
          .regex(/^\d{5,16}:[A-Za-z0-9_-]{30,}$/, "a bot token from @BotFather (digits:letters)"),
      ),
      TELEGRAM_API_ROOT: z.preprocess(
        blankToUndefined,
        z.url({ protocol: /^https?$/, message: "an http(s) URL" }).default(TELEGRAM_API),
      ),
      DATABASE_URL: optional(
        z
          .string()
          .regex(
            /^postgres(ql)?:\/\/\S+$/,
            "a postgresql:// URL, or unset for the embedded database",
          )
          .refine(
            URL.canParse,
            "a postgresql:// URL that parses: a numeric port, and @ : / # in the password percent-encoded",
          ),
      ),
      DATABASE_TIMEOUT_SECONDS: z.preprocess(
        blankToUndefined,
        whole("seconds", { min: 1, max: 300 }).default(10),
      ),
      DATA_DIR: z.preprocess(blankToUndefined, z.string().default("./data")),
      ADMIN_IDS: commaList(telegramUserId),
      STAFF_CHAT_ID: optional(groupChatId),
      DEFAULT_LANGUAGE: z.preprocess(
        blankToUndefined,
        z
          .string()
          .refine((l) => languages.includes(l), {
            message: `one of the languages under locales/: ${languages.join(", ")}`,
          })
          .default(languages.includes("en") ? "en" : (languages[0] ?? "en")),
      ),
      WEBHOOK_URL: optional(
        z.url({ protocol: /^https?$/, message: "an https URL that Telegram can reach" }),
      ),
      WEBHOOK_SECRET: optional(
        z
          .string()
          .regex(/^[A-Za-z0-9_-]{16,256}$/, "16 to 256 characters of A-Z, a-z, 0-9, _ and -"),
      ),
      WEBHOOK_ORDER_WAIT_MS: z.preprocess(
        blankToUndefined,
        whole("milliseconds", { min: 0, max: 2_000 }).default(100),
      ),
      HTTP_HOST: z.preprocess(blankToUndefined, host.default("127.0.0.1")),
      HTTP_PORT: z.preprocess(blankToUndefined, port.default(8080)),
      SUPPORT_EMAIL: optional(z.email({ message: "an e-mail address" })),
      TIME_ZONE: z.preprocess(blankToUndefined, timeZone.default("UTC")),
      HOLIDAYS: commaList(isoDate),
      SUPPORT_HOURS: optional(supportHours),
      // Bounded so that now minus the setting stays a date the database can compare.
      CLOSED_CASE_DATA_DAYS: optional(whole("days", { min: 1, max: 36_500 })),
      // Only a method the customer can choose can ever match (machines/refund/ids.ts).
      UNREFUNDABLE_PAYMENT_METHODS: commaList(
        z.enum(METHODS, {
          message: `the payment methods the bot asks about: ${METHODS.join(", ")}`,
        }),
      ),
      CONVERSATION_IDLE_MINUTES: z.preprocess(
        blankToUndefined,
        whole("minutes", { min: 1, max: 525_600, beyond: " (a year)" }).default(60),
      ),
      EVIDENCE_MAX_FILES: z.preprocess(
        blankToUndefined,
        whole("files", { min: 1, max: 50 }).default(5),
      ),
      // Telegram lets a bot fetch files of at most 20 MB; clients send up to 2 GB.
      EVIDENCE_MAX_MB: z.preprocess(
        blankToUndefined,
        whole("megabytes", { min: 1, max: 2000 }).default(10),
      ),
      EVIDENCE_TYPES: z.preprocess(
        (v) => blankToUndefined(v) ?? "image/*,application/pdf",
        commaList(mimeType).pipe(z.array(z.string()).min(1, "at least one MIME type")),
      ),
      BOT_FRAMEWORK: z.preprocess(
        blankToUndefined,
        z
          .enum(BOT_FRAMEWORKS, { message: `one of ${BOT_FRAMEWORKS.join(", ")}` })
          .default("telegraf"),
      ),
      BOT_API_TIMEOUT_SECONDS: z.preprocess(
        blankToUndefined,
        whole("seconds", { min: 1, max: 60 }).default(5),
      ),
      FLOOD_MAX_UPDATES: z.preprocess(blankToUndefined, whole("updates", { min: 1 }).default(20)),
      FLOOD_WINDOW_SECONDS: z.preprocess(
        blankToUndefined,
        whole("seconds", { min: 1 }).default(10),
      ),
      LOG_LEVEL: z.preprocess(
        blankToUndefined,
        z.enum(LOG_LEVELS, { message: `one of ${LOG_LEVELS.join(", ")}` }).default("info"),
      ),
      // telegraf, grammY and Prisma print to stderr whatever DEBUG names: the messages
      // sent, the webhook's secret, queries' values. The program's own log is LOG_LEVEL.
      DEBUG: optional(
        z.undefined({
          message:
            "nothing: it makes libraries print messages, queries and the webhook's secret (raise LOG_LEVEL instead)",
        }),
      ),
      HOT_PATH: z.preprocess(
        blankToUndefined,
        z.enum(HOT_PATHS, { message: `one of ${HOT_PATHS.join(", ")}` }).default("driver"),
      ),
    })
    .superRefine((c, ctx) => {
      // Refinements run after a field failed its own check too: nothing here may throw.
      const hook = c.WEBHOOK_URL === undefined ? null : URL.parse(c.WEBHOOK_URL);
      if (
        hook !== null &&
        URL.parse(c.TELEGRAM_API_ROOT)?.hostname === URL.parse(TELEGRAM_API)?.hostname &&
        (hook.protocol !== "https:" || !WEBHOOK_PORTS.includes(hook.port || "443"))
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["WEBHOOK_URL"],
          message: `an https URL on port ${WEBHOOK_PORTS.join(", ")} (the only ones Telegram delivers to; a local Bot API in TELEGRAM_API_ROOT takes any)`,
        });
      }
      // Without a token the program runs the playground: a production setting then means
      // a token that did not arrive, which must stop the start, not hide behind a page.
      if (c.WEBHOOK_URL !== undefined && c.BOT_TOKEN === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["BOT_TOKEN"],
          message:
            "the bot's token, required when WEBHOOK_URL is set (without both: the playground)",
        });
      }
      if (c.WEBHOOK_URL !== undefined && c.WEBHOOK_SECRET === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["WEBHOOK_SECRET"],
          message: "a secret token, required when WEBHOOK_URL is set",
        });
      }
      // A secret alone means webhook mode was meant: polling instead would hide the mistake.
      if (c.WEBHOOK_SECRET !== undefined && c.WEBHOOK_URL === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["WEBHOOK_URL"],
          message:
            "the webhook's https URL, required when WEBHOOK_SECRET is set (unset both to poll)",
        });
      }
      if (c.BOT_TOKEN !== undefined && c.SUPPORT_EMAIL === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["SUPPORT_EMAIL"],
          message: "the support e-mail address customers are shown, required with BOT_TOKEN",
        });
      }
    });
}

export type Env = z.output<ReturnType<typeof configSchema>>;

/** Variables whose values are never echoed back, not even in an error. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  "BOT_TOKEN",
  "WEBHOOK_SECRET",
  "DATABASE_URL",
]);
