import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUZZ_FILES, FUZZ_UPDATES, type Fuzzing, fuzz, startFuzzing } from "./harness.ts";

// Everything: private chats as well as groups, channels, the staff group written
// to by non-staff, unknown update kinds, callbacks without a message. Half of FUZZ_UPDATES.
const UPDATES = Math.ceil(FUZZ_UPDATES / FUZZ_FILES);
let f: Fuzzing;

beforeAll(async () => {
  f = await startFuzzing();
});
afterAll(async () => {
  await f?.bot.close();
});

describe("fuzzing every kind of update", () => {
  it(
    `${UPDATES} random updates: no crash, Telegram's limits kept, nobody reads or acts on another's case`,
    async () => {
      const delivered = await fuzz(f, "all", UPDATES);
      process.stdout.write(`fuzz (all kinds): ${delivered} updates delivered\n`);
      expect(delivered).toBeGreaterThanOrEqual(UPDATES);
    },
    Math.max(60_000, UPDATES * 100),
  );
});
