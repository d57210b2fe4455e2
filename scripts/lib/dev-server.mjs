// Starts `wrangler dev` (workerd with local D1/R2/objects) for browser tests
// and benchmarks, and stops it cleanly. Used by scripts/e2e.mjs and bench/.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const wranglerJs = `${root}node_modules/wrangler/bin/wrangler.js`;
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

/**
 * Spawns the project's wrangler with telemetry off. Shared with
 * scripts/lib/fault/server.mjs. `opts.env` adds variables to wrangler's
 * environment (the bench turns wrangler's local observability off with it).
 */
export function wrangler(args, { env: extraEnv = {}, ...opts } = {}) {
  // process.execPath is the pinned Node 24 when run through `npm run`.
  return spawn(process.execPath, [wranglerJs, ...args], { cwd: root, env: { ...env, ...extraEnv }, ...opts });
}

/** A free TCP port on 127.0.0.1 (for a server, or for wrangler's inspector). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Applies the D1 migrations to the local database under `persistDir` (writing .dev.vars first if missing). */
export function migrateLocalD1(persistDir) {
  if (!existsSync(`${root}.dev.vars`))
    spawnSync(process.execPath, [`${root}scripts/dev-vars.mjs`], { stdio: "inherit" });
  const migrate = spawnSync(
    process.execPath,
    [wranglerJs, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir],
    { cwd: root, env, encoding: "utf8" },
  );
  if (migrate.status !== 0) throw new Error(`D1 migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
}

/**
 * The `wrangler dev` arguments for a local server on 127.0.0.1:`port` that
 * accepts its own origin (both host spellings), plus any extra `vars`.
 * `inspectorPort`: wrangler's default is 9229 for every instance, so two
 * servers on one machine (tests, bench, a developer's `npm run dev`) can
 * collide on it; each starter passes a free one.
 * @param {{port: number, inspectorPort: number, persistDir: string, logLevel: string, vars?: Record<string,string>}} opts
 */
export function devArgs({ port, inspectorPort, persistDir, logLevel, vars = {} }) {
  const origins = `http://127.0.0.1:${port},http://localhost:${port}`;
  const varArgs = Object.entries({ ALLOWED_ORIGINS: origins, ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  return [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistDir,
    "--show-interactive-dev-session=false",
    "--log-level",
    logLevel,
    ...varArgs,
  ];
}

/**
 * @param {{port: number, persistDir: string, quiet?: boolean, vars?: Record<string,string>,
 *   env?: Record<string,string>, config?: string}} opts `config`: another wrangler.toml (no D1
 *   migrations are applied for it); `env`: extra environment for wrangler.
 * @returns {Promise<{url: string, stop: () => Promise<void>, pid: number}>}
 */
export async function startDevServer({ port, persistDir, quiet = true, vars = {}, env: extraEnv = {}, config }) {
  if (!config) migrateLocalD1(persistDir);

  const url = `http://127.0.0.1:${port}`;
  const args = devArgs({ port, inspectorPort: await freePort(), persistDir, logLevel: quiet ? "warn" : "info", vars });
  if (config) args.push("--config", config);
  const child = wrangler(args, {
    env: extraEnv,
    stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error("wrangler dev did not become healthy within 60 s");
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    pid: child.pid,
    // One SIGTERM to wrangler's own pid stops wrangler and its workerd.
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
