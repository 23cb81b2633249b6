/**
 * Payout details as they are shown back (to the customer in the summary, to
 * staff on a case card): enough to recognise, not enough to use. A card is
 * only ever kept as its last four digits.
 */
import type { PayoutDetails } from "./flow.ts";

const DOT = "•";

function tail(s: string, keep: number): string {
  const clean = s.replace(/\s+/g, "");
  return `${DOT.repeat(Math.max(3, Math.min(8, clean.length - keep)))}${clean.slice(-keep)}`;
}

/** The one masking of payout details, wherever they are shown. */
export function maskDetails(d: PayoutDetails): string {
  switch (d.method) {
    case "card":
      return `${DOT.repeat(4)} ${d.last4.slice(-4)}`;
    case "paypal": {
      const [local = "", domain = ""] = d.email.split("@");
      return `${local.slice(0, 1)}${DOT.repeat(3)}@${domain}`;
    }
    case "crypto":
      return `${d.wallet.slice(0, 4)}…${d.wallet.slice(-4)}`;
    case "bank":
      return `${d.iban.slice(0, 2)}${tail(d.iban.slice(2), 4)}`;
    case "other":
      return tail(d.text, 3);
  }
}
