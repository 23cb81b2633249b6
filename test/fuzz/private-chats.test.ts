import { fuzzSuite } from "./harness.ts";

// Customers' own chats: random text, commands with random arguments, forged
// and random button data, edits. Half of FUZZ_UPDATES.
fuzzSuite("fuzzing customers' private chats", "private");
