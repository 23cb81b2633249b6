/**
 * The one place that decides what may reach the logs. Every log record passes
 * through `scrub` (wired into pino in logger.ts):
 * - fields that hold secrets or customers' payment details are replaced whole;
 * - any string that looks like a bot token, a card number or an e-mail address
 *   is masked, wherever it hides (an error message, a URL, free text).
 */

const SENSITIVE_KEYS = new Set(
  [
    "token",
    "botToken",
    "secret",
    "webhookSecret",
    "password",
    "authorization",
    "x-telegram-bot-api-secret-token",
    "payoutDetails",
    "details",
    "card",
    "cardNumber",
    "iban",
    "text",
    "caption",
    "databaseUrl",
    "connectionString",
  ].map((k) => k.toLowerCase()),
);

const BOT_TOKEN = /\d{5,16}:[A-Za-z0-9_-]{30,}/g;
// 12 or more digits, possibly grouped by spaces or dashes: card and account numbers.
const LONG_NUMBER = /\d(?:[ -]?\d){11,}/g;
// A migration's name starts with its time stamp (prisma/migrations/20261129152745_name):
// operators must see which one ran.
const MIGRATION_STAMP =
  /^20\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d_[a-z]/;
// user:password@ in connection strings.
const URL_PASSWORD = /(\/\/[^:/@\s]+:)[^@\s]+@/g;
// E-mail addresses (a PayPal payout is one); after URL_PASSWORD, which keeps a URL's host.
const EMAIL = /[^\s@"'<>()[\],;:]+@[^\s@"'<>()[\],;:]+\.[A-Za-z]{2,}/g;

export const REDACTED = "[redacted]";

/** Masks what unlocks something (a bot token, a URL's password) and leaves the rest readable. */
export function scrubCredentials(s: string): string {
  return s.replace(BOT_TOKEN, REDACTED).replace(URL_PASSWORD, `$1${REDACTED}@`);
}

export function scrubString(s: string): string {
  return scrubCredentials(s)
    .replace(EMAIL, REDACTED)
    .replace(LONG_NUMBER, (digits, at: number, all: string) =>
      MIGRATION_STAMP.test(all.slice(at, at + 16)) ? digits : REDACTED,
    );
}

export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubString(value);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  // Deeper than any record the program writes: nothing is let through unread.
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubString(value.message),
      stack: value.stack === undefined ? undefined : scrubString(value.stack),
    };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SENSITIVE_KEYS.has(k.toLowerCase()) ? REDACTED : scrub(v, depth + 1);
  }
  return out;
}
