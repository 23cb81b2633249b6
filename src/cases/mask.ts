import type { PayoutDetails } from "../../machines/refund/flow.ts";
import { maskDetails as mask } from "../../machines/refund/mask.ts";

/** A case's stored payout details, masked as everywhere they are shown (see machines/refund/mask.ts). */
export function maskDetails(d: PayoutDetails): string {
  switch (d.method) {
    case "card":
      return mask("card", d.last4);
    case "paypal":
      return mask("paypal", d.email);
    case "crypto":
      return mask("crypto", d.wallet);
    case "bank":
      return mask("bank", d.iban);
    case "other":
      return mask("other", d.text);
  }
}
