// Browser tests: builds the web app, starts `wrangler dev` on a fresh local
// state, runs web/e2e with vitest against it, and always stops the server.
// Exit code: vitest's. Results: test-results/e2e.json (CI sums them).
//   node scripts/e2e.mjs                 every web/e2e/*.e2e.ts
//   node scripts/e2e.mjs pwa inbox       only files matching these filters
//   node scripts/e2e.mjs --screenshots   web/e2e/*.shots.ts: writes docs/screenshots/*.png
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevServer } from "./lib/dev-server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.E2E_PORT ?? 8791);
const bin = (name) => join(root, "node_modules", name);
const screenshots = process.argv.includes("--screenshots");
const filters = process.argv.slice(2).filter((a) => !a.startsWith("--"));

let tests = null;
let testsExited = Promise.resolve(1);
function run(args, env = process.env) {
  // process.execPath is the pinned Node that `npm run` chose.
  tests = spawn(process.execPath, args, { cwd: root, env, stdio: "inherit" });
  const child = tests;
  testsExited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  return testsExited;
}

const persistDir = await mkdtemp(join(tmpdir(), "imsystem-e2e-"));
let starting = null;
let stopping = null;
let interrupted = false;
const stop = () => {
  stopping ??= (async () => {
    if (tests && tests.exitCode === null && tests.signalCode === null) {
      tests.kill("SIGTERM");
      await Promise.race([testsExited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    // Interrupted while wrangler was still starting: wait for it, then stop it.
    const server = await starting?.catch(() => null);
    await server?.stop();
    await rm(persistDir, { recursive: true, force: true });
  })();
  return stopping;
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    interrupted = true;
    void stop().then(() => process.exit(130));
  });
}

const build = spawnSync(process.execPath, [bin("vite/bin/vite.js"), "build", "--config", "web/vite.config.ts"], {
  cwd: root,
  stdio: "inherit",
});
if (build.status !== 0) {
  await stop();
  process.exit(build.status ?? 1);
}

// The signal handler owns the exit once interrupted; never start more after that.
const parked = () => new Promise(() => {});
if (interrupted) await parked();

let exitCode = 1;
try {
  // Link previews of the pages a test serves itself on 127.0.0.1 (plain http, loopback only).
  starting = startDevServer({ port, persistDir, vars: { PREVIEW_ALLOW_INSECURE: "true" } });
  const server = await starting;
  console.log(`e2e: wrangler dev at ${server.url} (state in ${persistDir})`);
  if (interrupted) await parked();
  exitCode = await run(
    [
      bin("vitest/vitest.mjs"),
      "run",
      "--config",
      "web/e2e/vitest.config.ts",
      "--reporter=default",
      "--reporter=json",
      `--outputFile=test-results/${screenshots ? "screenshots" : "e2e"}.json`,
      ...filters,
    ],
    { ...process.env, E2E_BASE_URL: server.url, ...(screenshots ? { E2E_SCREENSHOTS: "1" } : {}) },
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
} finally {
  await stop();
}
process.exit(exitCode);
