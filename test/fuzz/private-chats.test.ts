import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUZZ_FILES, FUZZ_UPDATES, type Fuzzing, fuzz, startFuzzing } from "./harness.ts";

// Customers' own chats: random text, commands with random arguments, forged
// and random button data, edits. Half of FUZZ_UPDATES.
const UPDATES = Math.ceil(FUZZ_UPDATES / FUZZ_FILES);
let f: Fuzzing;

beforeAll(async () => {
  f = await startFuzzing();
});
afterAll(async () => {
  await f?.bot.close();
});

describe("fuzzing customers' private chats", () => {
  it(
    `${UPDATES} random updates: no crash, Telegram's limits kept, nobody reads or acts on another's case`,
    async () => {
      const delivered = await fuzz(f, "private", UPDATES);
      process.stdout.write(`fuzz (private chats): ${delivered} updates delivered\n`);
      expect(delivered).toBeGreaterThanOrEqual(UPDATES);
    },
    Math.max(60_000, UPDATES * 100),
  );
});
