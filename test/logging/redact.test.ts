import { Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { REDACTED, scrub, scrubString } from "../../src/logging/redact.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe("scrub", () => {
  it("masks bot tokens, card numbers and URL passwords anywhere in a string", () => {
    expect(scrubString(`POST https://api.telegram.org/bot${TOKEN}/sendMessage`)).toBe(
      `POST https://api.telegram.org/bot${REDACTED}/sendMessage`,
    );
    expect(scrubString("card 4111 1111 1111 1111 ok")).toBe(`card ${REDACTED} ok`);
    expect(scrubString("postgresql://bot:hunter2@db/x")).toBe(`postgresql://bot:${REDACTED}@db/x`);
    expect(scrubString("case 42 for chat 123456")).toBe("case 42 for chat 123456");
    expect(scrubString("paypal zelda.payer@example.net, thanks")).toBe(
      `paypal ${REDACTED}, thanks`,
    );
  });

  it("leaves a migration's name whole, and masks a number shaped otherwise", () => {
    expect(scrubString("Applying migration 20261129152745_staff_prompt_per_case")).toBe(
      "Applying migration 20261129152745_staff_prompt_per_case",
    );
    expect(scrubString("x 41111111111111_a")).toBe(`x ${REDACTED}_a`);
    expect(scrubString("x 20261129152745 y")).toBe(`x ${REDACTED} y`);
  });

  it("lets nothing through below the depth it reads", () => {
    let deep: unknown = { note: "4111 1111 1111 1111" };
    for (let i = 0; i < 12; i++) deep = { deeper: deep };
    expect(JSON.stringify(scrub(deep))).not.toContain("4111");
  });

  it("replaces sensitive fields whole, at any depth", () => {
    expect(scrub({ a: { payoutDetails: "1234", text: "hello" }, caseId: 7 })).toEqual({
      a: { payoutDetails: REDACTED, text: REDACTED },
      caseId: 7,
    });
  });

  it("never lets a digit run of card length through", () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^\d{13,19}$/), fc.string(), (a, digits, b) => {
        expect(scrubString(a + digits + b)).not.toContain(digits);
      }),
    );
  });
});

describe("createLogger", () => {
  it("scrubs messages, fields and errors before they are written", () => {
    const { lines, stream } = capture();
    const log = createLogger("info", stream);
    log.info({ payoutDetails: "4111111111111111", chatId: 5n }, `token ${TOKEN}`);
    log.error({ err: new Error(`fetch failed for /bot${TOKEN}/getMe`) }, "boom");
    const all = lines.join("");
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain("4111111111111111");
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ chatId: "5", payoutDetails: REDACTED });
    expect(JSON.parse(lines[1] ?? "{}").err.message).toContain(REDACTED);
  });
});
