import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    environment: "node",
    testTimeout: 30_000,
    // A test that asserts nothing is a defect: it fails.
    expect: { requireAssertions: true },
    hookTimeout: 60_000,
    // PGlite instances take ~300 MB each; keep the worker count modest on 2 cores.
    maxWorkers: 2,
  },
});
