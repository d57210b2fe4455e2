import { randomBytes } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const secret = () => randomBytes(32).toString("base64url");

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      // The JSON report is what .ci/run counts; the default one is for people.
      reporters: ["default", "json"],
      outputFile: { json: "test-results/unit.json" },
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                // Fresh secrets per run: tests never depend on a fixed key.
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  JWT_SECRET: secret(),
                  FILE_URL_SECRET: secret(),
                  DATA_KEY: secret(),
                },
              },
            }),
          ],
          test: {
            name: "worker",
            include: ["worker/**/*.test.ts"],
            exclude: ["worker/**/*.node.test.ts"],
            setupFiles: ["worker/test/setup.ts"],
            testTimeout: 30_000,
          },
        },
        {
          // Pure modules (room logic, parsers) tested in plain Node.
          test: {
            name: "node",
            include: ["worker/**/*.node.test.ts", "web/src/**/*.test.ts", "bench/**/*.test.ts"],
            environment: "node",
          },
        },
      ],
    },
  };
});
