import { describe, expect, it } from "vitest";
import { findTerms } from "../../src/staff/find.ts";

describe("/find: where the text is looked for", () => {
  it("#N is a case number only; @name a username only", () => {
    expect(findTerms("#12")).toMatchObject({ caseId: 12, customerId: null, reference: null });
    expect(findTerms("№ 12").caseId).toBe(12);
    expect(findTerms("@Ann_K")).toMatchObject({ username: "Ann_K", account: null });
  });

  it("an amount with decimals or a currency, in either notation", () => {
    expect(findTerms("12,50 eur").amount).toEqual({ value: "12.50", currency: "EUR" });
    expect(findTerms("12.5").amount).toEqual({ value: "12.5", currency: null });
    expect(findTerms("12 USD")).toMatchObject({
      amount: { value: "12.0", currency: "USD" },
      caseId: null,
    });
  });

  it("digits may be a case, a customer, an amount or part of a number; short ones not a number", () => {
    expect(findTerms("4477")).toEqual({
      caseId: 4477,
      customerId: 4477n,
      username: null,
      amount: { value: "4477", currency: null },
      account: null,
      reference: "4477",
    });
    expect(findTerms("12").reference).toBeNull();
    // Past the largest case number: a customer id, not a case.
    expect(findTerms("5000000000")).toMatchObject({ caseId: null, customerId: 5_000_000_000n });
  });

  it("other text: part of the account, and of the number or order without its punctuation", () => {
    expect(findTerms("Ann@Example.com")).toMatchObject({
      account: "ann@example.com",
      reference: "annexamplecom",
    });
    expect(findTerms("+44 7700-900")).toMatchObject({
      account: "+44 7700-900",
      reference: "447700900",
    });
  });
});
