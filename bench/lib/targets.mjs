// The two servers under test, behind one small interface the clients and
// scenarios use: where to connect, what to send first, how to read frames,
// which processes to charge CPU to, and how to stop.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { startDevServer as startLiveDevServer } from "../../scripts/lib/dev-server.mjs";
import { decodeBaseline, decodeImsystem } from "./frames.mjs";
import { gcTrace } from "./gc-trace.mjs";
import { setUpConversation } from "./imsystem-setup.mjs";
import { freePort, listeningPorts, processTree, reapLeftovers, startBaseline } from "./procs.mjs";
import { snapshotProject } from "./snapshot.mjs";

/**
 * @typedef {{name: string, label: string, socketUrl: (i: number) => string,
 *   socketHeaders: (i: number) => Record<string, string>, hello: string | null,
 *   decode: (data: string) => import("./frames.mjs").Item[], echoIsAck: boolean,
 *   heartbeat: string | null, serverPids: () => number[], logHead: null | (() => Promise<number>),
 *   info: Record<string, unknown>, gcLog?: import("./gc-trace.mjs").GcLog | null,
 *   stop: () => Promise<void>}} Target
 */

/**
 * Stops a server and then, by pid, whatever of its process tree outlived it
 * (wrangler stops its workerd children on SIGTERM, but no run may leak one).
 * @returns {Promise<number[]>} the pids that had to be killed
 */
async function stopTree(server) {
  const tree = processTree(server.pid);
  await server.stop();
  return reapLeftovers(tree);
}

/** @returns {Promise<Target>} */
export async function startBaselineTarget(config, onStop) {
  const port = await freePort();
  const server = await startBaseline({ port, deflate: config.deflate });
  const stop = () => stopTree(server);
  onStop(stop);
  return {
    name: "baseline",
    label: "baseline",
    socketUrl: () => server.url,
    socketHeaders: () => ({}),
    hello: null,
    decode: decodeBaseline,
    echoIsAck: true,
    heartbeat: null,
    serverPids: () => processTree(server.pid),
    logHead: null,
    info: { port, pid: server.pid },
    stop,
  };
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

/** The two rooms of bench/floor/worker.js, by target name. */
const FLOORS = {
  floor: { path: "/", label: "workerd floor", what: "broadcast only" },
  "floor-durable": { path: "/durable", label: "durable floor", what: "one SQLite row per frame, then broadcast" },
};

/**
 * A workerd floor: bench/floor/worker.js, a Durable Object that broadcasts
 * every text frame to every hibernatable socket and does nothing else
 * (`floor`), or first stores it as one SQLite row, so the output gate holds
 * the sends until the row is committed (`floor-durable`). Under the same
 * `wrangler dev` flags as IMSystem, measured direct to its workerd (compare
 * with IMSystem direct). They show what the runtime alone costs, and what
 * logging a message durably before anyone sees it costs at the least.
 * Each floor gets its own `wrangler dev` (a few seconds more than sharing
 * one), so neither isolate holds the other's sockets and garbage while it is
 * measured.
 * @param {"floor" | "floor-durable"} name
 * @returns {(config: ReturnType<typeof import("./config.mjs").readConfig>, onStop: (fn: () => Promise<void>) => void,
 *   log: (line: string) => void) => Promise<Target>}
 */
export function floorTarget(name) {
  const floor = FLOORS[name];
  return async (config, onStop, log) => {
    const dev = await startWranglerDev(config, onStop, {
      name,
      dirPrefix: `imsystem-bench-${name}-`,
      wranglerConfig: "bench/floor/wrangler.toml",
    });
    const { direct } = dev;
    if (!direct) throw new Error(`the ${floor.label} worker's direct port was not found`);
    log(
      `${floor.label}: bench/floor/worker.js ${floor.path} (${floor.what}), direct on port ${direct.port} (pid ${direct.pid})`,
    );
    return {
      name,
      label: floor.label,
      gcLog: dev.gcLog,
      socketUrl: () => `ws://127.0.0.1:${direct.port}${floor.path}`,
      socketHeaders: () => ({}),
      hello: null,
      decode: decodeBaseline,
      echoIsAck: true,
      heartbeat: null,
      serverPids: dev.pids,
      logHead: null,
      info: { port: dev.port, directPort: direct.port, pid: dev.pid, workerPid: direct.pid, route: ROUTE_LABEL.direct },
      stop: dev.stop,
    };
  };
}

/**
 * Rate-limit vars the scale scenarios need (the contract's 10 sends/s per user
 * and 20 frames/s per socket would measure the limiters). Replay pacing (1 MiB/s
 * per socket after a 1 MiB burst) is not a var: catch-up figures include it.
 */
const RAISED_SEND_LIMITS = {
  SEND_RATE_PER_SECOND: "1000000",
  SEND_BURST: "1000000",
  FRAME_RATE_PER_SECOND: "1000000",
  FRAME_BURST: "1000000",
};

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
 * removes the persist dir (and the frozen copy, with `snapshot`). `log`, if
 * given, reports the frozen copy and any pid the stop had to kill.
 * @param {{name: string, dirPrefix: string, vars?: Record<string, string>, wranglerConfig?: string,
 *   snapshot?: boolean, log?: (msg: string) => void}} opts `name` labels the GC trace.
 */
async function startWranglerDev(config, onStop, { name, dirPrefix, vars, wranglerConfig, snapshot = false, log }) {
  const port = await freePort();
  const persistDir = mkdtempSync(join(tmpdir(), dirPrefix));
  let server = null;
  let frozen = null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const leftover = server ? await stopTree(server) : [];
    if (leftover.length > 0) log?.(`killed leftover wrangler/workerd pids ${leftover.join(", ")}`);
    rmSync(persistDir, { recursive: true, force: true });
    frozen?.remove();
  };
  onStop(stop);
  const t0 = performance.now();
  let startDevServer = startLiveDevServer;
  if (snapshot) {
    frozen = await snapshotProject();
    startDevServer = frozen.startDevServer;
    log?.(`running wrangler dev from a frozen copy of the Worker in ${frozen.dir}`);
  }
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
 * One `wrangler dev` for every IMSystem scenario and route.
 * @returns {Promise<{url: string, directUrl: string | null, workerPid: number | null, pids: () => number[],
 *   info: Record<string, unknown>, stop: () => Promise<void>}>}
 */
export async function startImsystemServer(config, onStop, log) {
  const raise = config.scenarios.some((s) => s === "multi" || s === "catchup");
  const dev = await startWranglerDev(config, onStop, {
    name: "imsystem",
    dirPrefix: "imsystem-bench-",
    vars: raise ? RAISED_SEND_LIMITS : {},
    snapshot: config.snapshot,
    log,
  });
  const { direct } = dev;
  if (direct) log(`the Worker's own workerd (pid ${direct.pid}) answers directly on port ${direct.port}`);
  else log("could not find the Worker's direct port; only the route through wrangler's proxy is measured");
  return {
    url: dev.url,
    directUrl: direct ? `http://127.0.0.1:${direct.port}` : null,
    workerPid: direct?.pid ?? null,
    pids: dev.pids,
    gcLog: dev.gcLog,
    info: {
      port: dev.port,
      directPort: direct?.port ?? null,
      pid: dev.pid,
      workerPid: direct?.pid ?? null,
      startMs: Math.round(dev.startMs),
      ranFrom: dev.ranFrom,
      sendLimits: raise ? { ...RAISED_SEND_LIMITS, why: "raised for the multi/catchup scenarios" } : "contract default",
    },
    stop: dev.stop,
  };
}

export const ROUTE_LABEL = { proxy: "through wrangler's proxy", direct: "direct to the Worker's workerd" };
/** The results/info key of IMSystem measured through each route. */
export const TARGET_NAME = { proxy: "imsystem", direct: "imsystem-direct" };
/** The base URL of a startImsystemServer server through `route` (null: no direct port was found). */
export const routeUrl = (server, route) => (route === "direct" ? server.directUrl : server.url);

/**
 * IMSystem through one route (`proxy`: wrangler's public port, `direct`: the
 * Worker's workerd), with its own users and conversation.
 * @returns {Promise<Target>}
 */
export async function imsystemTarget(server, route, config, log) {
  // run.mjs calls this only for a route it has a URL for.
  const base = routeUrl(server, route);
  const setup = await setUpConversation(base, config.clients, log);
  const wsBase = base.replace(/^http/, "ws");
  const inboxes = config.inboxSockets ? await openInboxSockets(wsBase, setup.users, log) : null;
  return {
    name: TARGET_NAME[route],
    label: `IMSystem (${route})`,
    gcLog: server.gcLog,
    socketUrl: () => `${wsBase}/api/conversations/${encodeURIComponent(setup.conversationId)}/ws`,
    socketHeaders: (i) => ({ Authorization: `Bearer ${setup.users[i].token}` }),
    hello: JSON.stringify({ type: "hello", lastSeq: 0 }),
    decode: decodeImsystem,
    echoIsAck: false,
    heartbeat: JSON.stringify({ type: "ping" }),
    serverPids: server.pids,
    // Durability check: the log head must be seq 1 (created) plus one event per accepted message.
    logHead: async () => {
      const res = await fetch(
        `${base}/api/conversations/${encodeURIComponent(setup.conversationId)}/events?after=0&limit=1`,
        { headers: { Authorization: `Bearer ${setup.users[0].token}` } },
      );
      const body = await res.json().catch(() => null);
      if (!res.ok || !Number.isInteger(body?.head)) throw new Error(`events: HTTP ${res.status}`);
      return body.head;
    },
    info: {
      ...server.info,
      route: ROUTE_LABEL[route],
      setupMs: Math.round(setup.setupMs),
      conversationId: setup.conversationId,
      inboxSockets: inboxes ? inboxes.sockets.length : 0,
    },
    // The server outlives one route; run.mjs stops it once at the end.
    stop: async () => inboxes?.close(),
  };
}

/**
 * One inbox socket per user, open for the whole run and kept alive with the
 * ping text, so every conversation change also goes to a live inbox: the
 * PWA's shape, in which no inbox can be skipped (BENCH_INBOX_SOCKETS=1).
 */
async function openInboxSockets(wsBase, users, log) {
  const sockets = await Promise.all(
    users.map(
      (u) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(`${wsBase}/api/inbox/ws`, {
            headers: { Authorization: `Bearer ${u.token}` },
            perMessageDeflate: false,
          });
          const timer = setTimeout(() => reject(new Error("no inbox welcome within 20 s")), 20_000);
          ws.once("message", () => {
            clearTimeout(timer);
            resolve(ws);
          });
          ws.once("error", reject);
        }),
    ),
  );
  let frames = 0;
  for (const ws of sockets) ws.on("message", () => frames++);
  const ping = setInterval(() => {
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send('{"type":"ping"}');
  }, 20_000);
  log(`${sockets.length} inbox sockets open (one per user)`);
  return {
    sockets,
    close: () => {
      clearInterval(ping);
      log(`inbox sockets received ${frames} frames`);
      for (const ws of sockets) ws.close();
    },
  };
}
