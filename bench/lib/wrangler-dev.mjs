// `wrangler dev` for the bench: started on a free port with a fresh (or a
// shared) persist dir, optionally from a frozen copy of the Worker, with
// wrangler's local tracing off, and stopped by pid with its whole tree.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevServer as startLiveDevServer } from "../../scripts/lib/dev-server.mjs";
import { gcTrace } from "./gc-trace.mjs";
import { freePort, listeningPorts, processTree, reapLeftovers } from "./procs.mjs";
import { snapshotProject } from "./snapshot.mjs";

/**
 * Stops a server and then, by pid, whatever of its process tree outlived it
 * (wrangler stops its workerd children on SIGTERM, but no run may leak one).
 * @returns {Promise<number[]>} the pids that had to be killed
 */
export async function stopTree(server) {
  const tree = processTree(server.pid);
  await server.stop();
  return reapLeftovers(tree);
}

/**
 * wrangler 4's local observability (on by default) traces every invocation
 * through a tail worker on the same thread, each hibernatable WebSocket
 * message included: measured at about 160 us of CPU per incoming frame, six
 * times what workerd itself spends on one. It is a dev-tool feature with no
 * counterpart in production, so the bench turns it off (BENCH_LOCAL_OBSERVABILITY=1
 * keeps it) for IMSystem and the floor alike.
 */
function wranglerEnv(config) {
  return { X_LOCAL_OBSERVABILITY: config.localObservability ? "true" : "false" };
}

/**
 * The port of the workerd that runs the Worker itself. `wrangler dev` puts a
 * second workerd (its reload proxy) on the public port; the user worker
 * listens on a random local port. We find it among the listening sockets of
 * wrangler's workerd children and confirm it answers /api/health.
 * @returns {Promise<{port: number, pid: number} | null>}
 */
async function findDirectPort(treePids, publicPort) {
  for (const { port, pid } of listeningPorts(treePids)) {
    // Probing workerd's capnp port with HTTP makes it log a warning; fd order reaches the Worker's port first.
    if (port === publicPort) continue;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1000) });
      const body = await res.json().catch(() => null);
      if (res.ok && body?.ok === true) return { port, pid };
    } catch {
      // the inspector or a loopback service, not the Worker
    }
  }
  return null;
}

/**
 * `wrangler dev` on a free port with a fresh persist dir, and the direct port
 * of the workerd that runs its Worker (null if not found). The stop, registered
 * with `onStop` before anything starts, runs once: it ends the process tree and
 * removes the persist dir (and the frozen copy, with `snapshot`). With `state`
 * (from `devState`) the server runs on that persist dir and frozen copy
 * instead, which outlive it: a second server started on them sees the first
 * one's users, conversations and secrets. `log`, if given, reports the frozen
 * copy and any pid the stop had to kill.
 * @param {{name: string, dirPrefix: string, vars?: Record<string, string>, wranglerConfig?: string,
 *   snapshot?: boolean, state?: DevState, log?: (msg: string) => void}} opts `name` labels the GC trace.
 */
export async function startWranglerDev(
  config,
  onStop,
  { name, dirPrefix, vars, wranglerConfig, snapshot = false, state, log },
) {
  const port = await freePort();
  const persistDir = state?.persistDir ?? mkdtempSync(join(tmpdir(), dirPrefix));
  let server = null;
  let frozen = state?.frozen ?? null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const leftover = server ? await stopTree(server) : [];
    if (leftover.length > 0) log?.(`killed leftover wrangler/workerd pids ${leftover.join(", ")}`);
    if (state) return;
    rmSync(persistDir, { recursive: true, force: true });
    frozen?.remove();
  };
  onStop(stop);
  const t0 = performance.now();
  if (!state && snapshot) {
    frozen = await snapshotProject(config.source);
    log?.(`running wrangler dev from a frozen copy of the Worker in ${frozen.dir}`);
  }
  const startDevServer = frozen ? frozen.startDevServer : startLiveDevServer;
  const gc = await gcTrace(config, name);
  server = await startDevServer({
    port,
    persistDir,
    quiet: config.quiet,
    vars,
    env: { ...wranglerEnv(config), ...gc?.env },
    config: wranglerConfig,
  });
  const startMs = performance.now() - t0;
  const { url, pid } = server;
  log?.(`wrangler dev up on ${url} in ${Math.round(startMs)} ms`);
  return {
    port,
    url,
    pid,
    startMs,
    ranFrom: frozen ? "frozen copy" : "live tree",
    direct: await findDirectPort(processTree(pid), port),
    gcLog: gc?.log ?? null,
    pids: () => (stopped ? [] : processTree(pid)),
    stop,
  };
}

/**
 * @typedef {{persistDir: string, frozen: Awaited<ReturnType<typeof snapshotProject>> | null}} DevState
 */

/**
 * A persist dir (and, with `config.snapshot`, a frozen copy of the Worker)
 * for several `wrangler dev` runs one after the other; removed by the stop
 * it registers with `onStop`.
 * @returns {Promise<DevState>}
 */
export async function devState(config, onStop, log) {
  const persistDir = mkdtempSync(join(tmpdir(), "imsystem-bench-state-"));
  /** @type {DevState} */
  const state = { persistDir, frozen: null };
  onStop(async () => {
    rmSync(persistDir, { recursive: true, force: true });
    state.frozen?.remove();
  });
  if (config.snapshot) {
    state.frozen = await snapshotProject(config.source);
    log(`wrangler dev runs from a frozen copy of the Worker in ${state.frozen.dir}`);
  }
  return state;
}
