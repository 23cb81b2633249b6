import { fuzzSuite } from "./harness.ts";

// Everything: private chats as well as groups, channels, the staff group written
// to by non-staff, unknown update kinds, callbacks without a message. Half of FUZZ_UPDATES.
fuzzSuite("fuzzing every kind of update", "all");
