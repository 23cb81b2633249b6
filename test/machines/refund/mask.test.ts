import { describe, expect, it } from "vitest";
import { payoutDetails } from "../../../machines/refund/flow.ts";
import { maskDetails } from "../../../machines/refund/mask.ts";

describe("maskDetails", () => {
  it.each([
    ["card", "1111", "•••• 1111"],
    ["paypal", "ann.smith@example.com", "a•••@example.com"],
    ["crypto", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", "bc1q…0wlh"],
    ["bank", "DE89370400440532013000", "DE••••••••3000"],
    ["other", "Western Union to Ann Smith, Berlin", "••••••••lin"],
  ] as const)("%s: %s → %s", (method, value, shown) => {
    expect(maskDetails(payoutDetails(method, value))).toBe(shown);
  });

  it("never shows more than four characters of an account number", () => {
    const shown = maskDetails({ method: "bank", iban: "GB33BUKB20201555555555" });
    expect(shown.replace(/[•]/g, "").length).toBeLessThanOrEqual(6);
  });
});
