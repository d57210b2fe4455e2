// `npm run bench:history`: one conversation object with 1,000,000 messages,
// in the Workers runtime (real DO SQLite), reporting what a history page
// reads and costs. Kept out of `npm test`: filling the log takes a minute.
import { randomBytes } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("migrations"),
          JWT_SECRET: randomBytes(32).toString("base64url"),
          FILE_URL_SECRET: randomBytes(32).toString("base64url"),
          DATA_KEY: randomBytes(32).toString("base64url"),
        },
      },
    }),
  ],
  test: {
    name: "bench-history",
    include: ["bench/history/*.bench-test.ts"],
    setupFiles: ["worker/test/setup.ts"],
    testTimeout: 600_000,
  },
}));
