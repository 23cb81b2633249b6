import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_LENGTH } from "../../src/outbox/write.ts";
import { caseMessage } from "../../src/staff/show-case.ts";

describe("/case N's message", () => {
  it("keeps the card and every note when a long history must be cut: the oldest lines go", () => {
    const log = Array.from({ length: 200 }, (_, i) => `event ${i} ${"·".repeat(40)}`);
    const notes = ["Notes (staff only):", "newest note: call back on Monday"];
    const text = caseMessage("Case #7", "History:", log, notes);
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(text.startsWith("Case #7\n\nHistory:\n…\n")).toBe(true);
    expect(text.endsWith("newest note: call back on Monday")).toBe(true);
    expect(text).toContain("event 199");
    expect(text).not.toContain("event 0 ");
  });

  it("leaves a history that fits as it is", () => {
    expect(caseMessage("Case #7", "History:", ["a", "b"], [])).toBe("Case #7\n\nHistory:\na\nb");
  });
});
