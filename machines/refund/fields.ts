/**
 * The request fields the conversation collects, one zod schema each. A schema
 * takes what the customer typed and yields the normalised value to store; its
 * issue message is the locale key suffix of the reason (`error.<code>`).
 * Every free-text schema refuses anything that looks like a full card number.
 */
import { z } from "zod";
import { grammar } from "./grammar.ts";
import type { MethodId, ServiceId } from "./ids.ts";

/**
 * A schema made from a key (a service, a language, a payout method) once per
 * key: zod compiles a schema on its first parse, so one made per call would be
 * compiled on every answer.
 */
function onePerKey<K, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    const known = made.get(key);
    if (known !== undefined) return known;
    const fresh = make(key);
    made.set(key, fresh);
    return fresh;
  };
}

/** Every reason a typed field can be refused (locale keys `error.<reason>`). */
export const FIELD_ERRORS = [
  "text_empty",
  "text_too_long",
  "card_number",
  "account_format",
  "phone_format",
  "reference_format",
  "amount_format",
  "amount_currency",
  "amount_precision",
  "amount_range",
  "card_last4",
  "email_format",
  "wallet_format",
  "iban_format",
  "details_format",
] as const;
export type FieldError = (typeof FIELD_ERRORS)[number];

export const COMMENT_MAX = 500;
export const DETAILS_MAX = 200;

// ---------------------------------------------------------------------------
// Card numbers

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digits.charCodeAt(i) - 48;
    if (n < 0 || n > 9) return false;
    if (double) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

const GROUPS_RE = /\d+(?:[ \u00a0.\-–]\d+)*/g;
const isAlnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * True when `text` contains 13–19 digits that pass the Luhn check, written
 * together or in groups separated by single spaces, dots or dashes ("4111
 * 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111") and not
 * starting with 0. Digits glued to letters (a wallet address, an IBAN's
 * country code) are not a card number.
 */
export function containsCardNumber(text: string): boolean {
  for (const m of text.matchAll(GROUPS_RE)) {
    const start = m.index;
    const run = m[0];
    const groups: { digits: string; from: number; to: number }[] = [];
    for (const g of run.matchAll(/\d+/g)) {
      groups.push({ digits: g[0], from: start + g.index, to: start + g.index + g[0].length });
    }
    for (let i = 0; i < groups.length; i++) {
      let digits = "";
      for (let j = i; j < groups.length; j++) {
        const gj = groups[j];
        const gi = groups[i];
        if (gj === undefined || gi === undefined) break;
        digits += gj.digits;
        // No card number starts with 0 (ISO/IEC 7812 issues no cards under
        // industry identifier 0), and a phone number typed with the
        // international prefix 00 must not be taken for one.
        if (digits.startsWith("0") || digits.length > 19) break;
        if (digits.length < 13) continue;
        if (isAlnum(text[gi.from - 1]) || isAlnum(text[gj.to])) continue;
        if (luhnValid(digits)) return true;
      }
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Schemas

const issue = (message: FieldError) => ({ code: "custom" as const, message });

/** Trimmed, non-empty, bounded text with no full card number in it. */
const safeText = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize("NFC").trim())
    .superRefine((s, ctx) => {
      if (s === "") ctx.addIssue(issue("text_empty"));
      else if ([...s].length > max) ctx.addIssue(issue("text_too_long"));
      else if (containsCardNumber(s)) ctx.addIssue(issue("card_number"));
    });

const emailSchema = z.email();

/** Account on the website: an e-mail address or an account number (3–12 digits). */
export const accountSchema = safeText(254).transform((s, ctx) => {
  const compact = s.replace(/^(?:#|id:?\s*|№\s*)/i, "");
  if (/^\d{3,12}$/.test(compact)) return compact;
  const lower = s.toLowerCase();
  if (emailSchema.safeParse(lower).success) return lower;
  ctx.addIssue(issue("account_format"));
  return z.NEVER;
});

/** "+7 (912) 345-67-89", "0049 30 1234567" → "+79123456789" (E.164), or undefined. */
export function toE164(s: string): string | undefined {
  const compact = s.replace(/[\s().\-\u00a0]/g, "").replace(/^00/, "+");
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : undefined;
}

const ORDER_RE = /^[A-Za-z0-9][A-Za-z0-9_\-/]{2,39}$/;

/**
 * The service reference: a phone number in international format for a rented
 * number or Caller ID, an order number for a top-up, either for a one-time number.
 * Stored as "+<digits>" (phone) or the order number without a leading '#'.
 */
export const referenceSchema = onePerKey((service: ServiceId) =>
  z
    .string()
    .transform((s) => s.normalize("NFC").trim())
    .transform((s, ctx) => {
      if (s === "") {
        ctx.addIssue(issue("text_empty"));
        return z.NEVER;
      }
      const wantsPhone = service === "rented" || service === "caller_id";
      const looksLikePhone = /^(?:\+|00)/.test(s);
      if (wantsPhone || looksLikePhone) {
        const phone = toE164(s);
        if (phone !== undefined) return phone;
        // Not a valid phone number: if a card number hides in it, say so first.
        if (containsCardNumber(s)) ctx.addIssue(issue("card_number"));
        else ctx.addIssue(issue("phone_format"));
        return z.NEVER;
      }
      if (containsCardNumber(s)) {
        ctx.addIssue(issue("card_number"));
        return z.NEVER;
      }
      const order = s.replace(/^(?:#|№)\s*/, "");
      if (ORDER_RE.test(order)) return order;
      ctx.addIssue(issue("reference_format"));
      return z.NEVER;
    }),
);

// Amounts ---------------------------------------------------------------------

let isoCurrencies: Set<string> | undefined;
function isIsoCurrency(code: string): boolean {
  isoCurrencies ??= new Set(Intl.supportedValuesOf("currency"));
  return isoCurrencies.has(code);
}

/** Digits after the point, by currency: a NumberFormat costs more to build than a step. */
const minorDigits = new Map<string, number>();
function minorUnits(currency: string): number {
  let digits = minorDigits.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    minorDigits.set(currency, digits);
  }
  return digits;
}

/**
 * Largest amount a conversation accepts (in major units): high enough for the
 * currencies whose units are small (a number's month costs millions of
 * Indonesian rupiah or Iranian rials), far below what the column holds.
 */
export const AMOUNT_MAX = 10_000_000_000;

/** Parses "12.50 USD", "12,5 €", "$1,200.00", "1 200,50 руб." into `{ value: "12.50", currency }`. */
export function parseAmount(
  text: string,
  lang: string,
): { ok: true; value: string; currency: string } | { ok: false; error: FieldError } {
  const s = text
    .normalize("NFC")
    .trim()
    .toLowerCase()
    .replace(/\u00a0/g, " ");
  if (s === "") return { ok: false, error: "text_empty" };
  if (s.length > 64) return { ok: false, error: "amount_format" };
  if (containsCardNumber(s)) return { ok: false, error: "card_number" };
  // A negative amount or one in exponent notation is a number, just not one we refund.
  if (/^-\s*[^\s]*\d/.test(s) || /\d(?:[.,]\d+)?e[+-]?\d/.test(s))
    return { ok: false, error: "amount_range" };
  const m = /^([^\d\s.,-]*)\s*(\d[\d\s.,']*)\s*([^\d\s.,]*\.?)$/u.exec(s);
  if (m === null) return { ok: false, error: "amount_format" };
  const before = (m[1] ?? "").trim();
  const after = (m[3] ?? "").replace(/\.$/, "").trim();
  if (before !== "" && after !== "") return { ok: false, error: "amount_format" };
  const word = before || after;
  if (word === "") return { ok: false, error: "amount_currency" };
  const currency =
    grammar().currencies.get(word) ??
    (isIsoCurrency(word.toUpperCase()) ? word.toUpperCase() : undefined);
  if (currency === undefined) return { ok: false, error: "amount_currency" };
  const num = (m[2] ?? "").trim();
  const split = splitNumber(num, lang);
  if (split === undefined) return { ok: false, error: "amount_format" };
  const units = minorUnits(currency);
  if (split.frac.length > units) return { ok: false, error: "amount_precision" };
  const intPart = split.int.replace(/^0+(?=\d)/, "");
  if (intPart.length > String(AMOUNT_MAX).length) return { ok: false, error: "amount_range" };
  const frac = split.frac.padEnd(units, "0");
  const value = units === 0 ? intPart : `${intPart}.${frac}`;
  const n = Number(value);
  if (!(n > 0) || n > AMOUNT_MAX) return { ok: false, error: "amount_range" };
  return { ok: true, value, currency };
}

function splitNumber(num: string, lang: string): { int: string; frac: string } | undefined {
  const clean = num.replace(/[\s']/g, (c) => (c === "'" ? "," : " "));
  const seps = [...clean.matchAll(/[.,\s]/g)].map((x) => x[0]);
  if (seps.length === 0) return /^\d+$/.test(clean) ? { int: clean, frac: "" } : undefined;
  const groups = clean.split(/[.,\s]/);
  if (groups.some((g) => !/^\d+$/.test(g))) return undefined;
  const last = seps[seps.length - 1] ?? "";
  const lastGroup = groups[groups.length - 1] ?? "";
  const distinct = new Set(seps);
  let decimal: string | undefined;
  if (distinct.size > 1) decimal = last;
  else if (last === " ") decimal = undefined;
  else if (seps.length > 1) decimal = undefined;
  else if (lastGroup.length !== 3) decimal = last;
  else decimal = last === grammar().decimalSeparator(lang) ? last : undefined;
  if (decimal === " ") return undefined;
  const intGroups = decimal === undefined ? groups : groups.slice(0, -1);
  const frac = decimal === undefined ? "" : lastGroup;
  // Thousands groups are three digits each after the first.
  if (intGroups.slice(1).some((g) => g.length !== 3)) return undefined;
  if (decimal !== undefined && seps.slice(0, -1).some((x) => x === decimal)) return undefined;
  return { int: intGroups.join(""), frac };
}

export const amountSchema = onePerKey((lang: string) =>
  z.string().transform((s, ctx) => {
    const r = parseAmount(s, lang);
    if (r.ok) return `${r.value} ${r.currency}`;
    ctx.addIssue(issue(r.error));
    return z.NEVER;
  }),
);

// Payout details --------------------------------------------------------------

/** mod-97 check of an IBAN (already upper-case, no spaces). */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= "A" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

/**
 * Refund details for the payout method. For a card only the last four digits
 * are ever accepted: a full card number is refused with `card_number`.
 */
export const detailsSchema = onePerKey((method: MethodId) => {
  const base = z.string().transform((s) => s.normalize("NFC").trim());
  switch (method) {
    case "card":
      return base.transform((s, ctx) => {
        if (containsCardNumber(s) || /\d{5,}/.test(s.replace(/[\s\-.]/g, ""))) {
          ctx.addIssue(issue(containsCardNumber(s) ? "card_number" : "card_last4"));
          return z.NEVER;
        }
        const m = /^(?:[*•xX#.\s-]*)(\d{4})$/.exec(s);
        if (m?.[1] === undefined) {
          ctx.addIssue(issue("card_last4"));
          return z.NEVER;
        }
        return m[1];
      });
    case "paypal":
      return base.transform((s, ctx) => {
        const lower = s.toLowerCase();
        if (emailSchema.safeParse(lower).success && !containsCardNumber(lower)) return lower;
        ctx.addIssue(issue(containsCardNumber(s) ? "card_number" : "email_format"));
        return z.NEVER;
      });
    case "crypto":
      return base.transform((s, ctx) => {
        if (/^[A-Za-z0-9:]{26,100}$/.test(s) && /[A-Za-z]/.test(s) && !containsCardNumber(s))
          return s;
        ctx.addIssue(issue(containsCardNumber(s) ? "card_number" : "wallet_format"));
        return z.NEVER;
      });
    case "bank":
      return base.transform((s, ctx) => {
        const iban = s.replace(/[\s-]/g, "").toUpperCase();
        if (ibanValid(iban)) return iban;
        ctx.addIssue(issue(containsCardNumber(s) ? "card_number" : "iban_format"));
        return z.NEVER;
      });
    case "other":
      return safeText(DETAILS_MAX).superRefine((s, ctx) => {
        if ([...s].length < 5) ctx.addIssue(issue("details_format"));
      });
  }
});

/** Optional free-text comment, at most COMMENT_MAX characters. */
export const commentSchema = safeText(COMMENT_MAX);

/** First issue's code, or the value. Never throws. */
export function check<T>(
  schema: z.ZodType<T, string>,
  text: string,
): { ok: true; value: T } | { ok: false; error: FieldError } {
  try {
    const r = schema.safeParse(text);
    if (r.success) return { ok: true, value: r.data };
    const msg = r.error.issues[0]?.message;
    return { ok: false, error: isFieldError(msg) ? msg : "text_empty" };
  } catch {
    return { ok: false, error: "text_empty" };
  }
}

const FIELD_ERROR_SET: ReadonlySet<string> = new Set(FIELD_ERRORS);
function isFieldError(x: string | undefined): x is FieldError {
  return x !== undefined && FIELD_ERROR_SET.has(x);
}
