/**
 * Payout details as they are shown back (to the customer in the summary, to
 * staff on a case card): enough to recognise, not enough to use. A card is
 * only ever kept as its last four digits.
 */
import type { MethodId } from "./ids.ts";

const DOT = "•";

function tail(s: string, keep: number): string {
  const clean = s.replace(/\s+/g, "");
  return `${DOT.repeat(Math.max(3, Math.min(8, clean.length - keep)))}${clean.slice(-keep)}`;
}

/** `value` is the stored answer for the method's details question. */
export function maskDetails(method: MethodId, value: string): string {
  switch (method) {
    case "card":
      return `${DOT.repeat(4)} ${value.slice(-4)}`;
    case "paypal": {
      const [local = "", domain = ""] = value.split("@");
      return `${local.slice(0, 1)}${DOT.repeat(3)}@${domain}`;
    }
    case "crypto":
      return `${value.slice(0, 4)}…${value.slice(-4)}`;
    case "bank":
      return `${value.slice(0, 2)}${tail(value.slice(2), 4)}`;
    case "other":
      return tail(value, 3);
  }
}
