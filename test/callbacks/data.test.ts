import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Callback,
  decodeCallback,
  encodeCallback,
  MAX_CALLBACK_BYTES,
} from "../../src/callbacks/data.ts";

const samples: Callback[] = [
  { kind: "refund", event: '{"type":"choose","value":"one_time"}' },
  { kind: "menu", action: "status" },
  { kind: "language", language: "uk" },
  { kind: "topic", topic: "sms" },
  { kind: "faq", entry: "balance_expiry" },
  { kind: "begin", start: "sms_not_received" },
  { kind: "begin", start: "number_not_provided", want: "payout" },
  { kind: "begin", start: "number_down", since: "2026-11-24" },
  { kind: "begin", start: "number_down", want: "balance", since: "2026-11-24" },
  {
    kind: "begin",
    start: "number_not_provided",
    want: "payout",
    since: "2026-11-24",
    language: "uk",
  },
  { kind: "begin", start: "number_down", language: "ru" },
  { kind: "withdraw", caseId: 12 },
  { kind: "staff", action: "approve", caseId: 2_000_000_000 },
  { kind: "rate", caseId: 2_000_000_000, stars: 5 },
  { kind: "find", page: 9999, text: "a|b @ann 12,50 EUR" },
  // /find's longest text: 48 bytes, here 24 two-byte letters
  { kind: "find", page: 9999, text: "ж".repeat(24) },
];

describe("callback data", () => {
  it.each(samples)("round-trips %o within 64 bytes", (c) => {
    const data = encodeCallback(c);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    expect(decodeCallback(data)).toEqual(c);
  });

  it.each([
    "",
    "1",
    "0|m|status", // an older version
    "2|m|status", // a newer one
    "1|m|delete_everything",
    "1|s|approve",
    "1|s|approve|-1",
    "1|s|approve|12|extra",
    "1|w|1e3",
    "1|b|number_down|everything",
    "1|b|number_down|payout|extra",
    "1|b|number_down|2026-11-24|payout",
    "1|b|number_down|payout|24.11.2026",
    "1|b|number_down|ru|payout",
    "1|b|number_down|ru|2026-11-24",
    "1|b|number_down|ru|uk",
    "1|b|number_down|payout|2026-11-24|ru|extra",
    "1|x|1",
    "1|v|12|6", // no sixth star
    "1|v|12|0",
    "1|v|12",
    "1|x|0|", // a search for nothing
    `1|x|0|${"ж".repeat(25)}`, // longer than /find takes
    `1|r|${"x".repeat(70)}`,
  ])("refuses stale or forged data %j", (data) => {
    expect(decodeCallback(data)).toBeUndefined();
  });

  it("never throws on arbitrary input, and never accepts what it cannot re-encode", () => {
    // Any text, and text in the data's own shape (version, kind, fields), so that many decode.
    const data = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.stringMatching(/^1\|[a-z]\|[a-z0-9_]{1,12}(\|[a-z0-9_.-]{0,12}){0,3}$/),
    );
    let accepted = 0;
    fc.assert(
      fc.property(data, (s) => {
        const c = decodeCallback(s);
        if (c !== undefined) {
          accepted++;
          expect(decodeCallback(encodeCallback(c))).toEqual(c);
        }
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it("refuses to build data longer than Telegram allows", () => {
    expect(() => encodeCallback({ kind: "refund", event: "y".repeat(61) })).toThrow(
      /over 64 bytes/,
    );
  });
});
