import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Browser tests against a running `wrangler dev` (started by scripts/e2e.mjs).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["web/e2e/**/*.e2e.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
