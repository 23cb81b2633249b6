import type { PayoutDetails } from "../../machines/refund/flow.ts";

/**
 * Payout details as anyone but the staff member paying them out sees them:
 * enough to recognise, not enough to use.
 */
const DOT = "•";

function tail(s: string, keep: number): string {
  const clean = s.replace(/\s+/g, "");
  return `${DOT.repeat(Math.max(3, Math.min(8, clean.length - keep)))}${clean.slice(-keep)}`;
}

export function maskDetails(d: PayoutDetails): string {
  switch (d.method) {
    case "card":
      return `${DOT.repeat(4)} ${d.last4}`;
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
