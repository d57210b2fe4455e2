import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Browser tests against a running `wrangler dev` (started by scripts/e2e.mjs).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    // Screenshots are slow and write files: only on request (`node scripts/e2e.mjs --screenshots`).
    include: process.env.E2E_SCREENSHOTS ? ["web/e2e/**/*.shots.ts"] : ["web/e2e/**/*.e2e.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 120_000,
    // expect.poll's default (1 s) is shorter than a socket round trip on a busy shared machine.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
  },
});
