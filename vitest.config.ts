import { generateKeyPairSync, randomBytes } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { pushServiceOutbound } from "./worker/test/push-service.ts";

const secret = () => randomBytes(32).toString("base64url");

/** A fresh VAPID (P-256) key pair: public as an uncompressed point, private as the scalar d, base64url. */
function vapidKeys() {
  const jwk = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "jwk" });
  const x = Buffer.from(jwk.x ?? "", "base64url");
  const y = Buffer.from(jwk.y ?? "", "base64url");
  return {
    VAPID_PUBLIC_KEY: Buffer.concat([Buffer.from([4]), x, y]).toString("base64url"),
    VAPID_PRIVATE_KEY: jwk.d ?? "",
  };
}

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
                  ...vapidKeys(),
                  VAPID_SUBJECT: "mailto:ops@imsystem.invalid",
                  // The fake push service in tests listens on plain http.
                  PUSH_ALLOW_INSECURE_ENDPOINTS: "true",
                  // Link previews of plain-http pages on the loopback (none in these tests; the e2e server has one).
                  PREVIEW_ALLOW_INSECURE: "true",
                  // Silent-drop detection in seconds, not a minute.
                  HEARTBEAT_TIMEOUT_MS: "1500",
                },
                // Every global fetch() of the test Worker: the fake push service, in this process.
                outboundService: pushServiceOutbound,
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
