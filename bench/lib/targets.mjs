// The two servers under test, behind one small interface the clients and
// scenarios use: where to connect, what to send first, how to read frames,
// which processes to charge CPU to, and how to stop.
import { decodeBaseline, decodeImsystem } from "./frames.mjs";
import { setUpConversation } from "./imsystem-setup.mjs";
import { openInboxSockets } from "./inbox-sockets.mjs";
import { freePort, processTree, startBaseline } from "./procs.mjs";
import { startWranglerDev, stopTree } from "./wrangler-dev.mjs";

/**
 * @typedef {{name: string, label: string, socketUrl: (i: number) => string,
 *   socketHeaders: (i: number) => Record<string, string>, hello: string | null,
 *   decode: (data: string) => import("./frames.mjs").Item[], echoIsAck: boolean,
 *   heartbeat: string | null, serverPids: () => number[], logHead: null | (() => Promise<number>),
 *   info: Record<string, unknown>, gcLog?: import("./gc-trace.mjs").GcLog | null,
 *   openInboxes?: () => Promise<void>, inboxSockets?: () => number,
 *   stop: () => Promise<void>}} Target
 * `openInboxes` (IMSystem only) gives every client's user an inbox socket too.
 */

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
 * One `wrangler dev` for every IMSystem scenario and route. `opts.vars`
 * replaces the vars the scenarios would pick; `opts.state` runs it on a
 * shared persist dir and frozen copy (see `devState` in wrangler-dev.mjs).
 * @param {{vars?: Record<string, string>, state?: import("./wrangler-dev.mjs").DevState}} [opts]
 * @returns {Promise<{url: string, directUrl: string | null, workerPid: number | null, pids: () => number[],
 *   info: Record<string, unknown>, stop: () => Promise<void>}>}
 */
export async function startImsystemServer(config, onStop, log, opts = {}) {
  const raise = !opts.vars && config.scenarios.some((s) => s === "multi" || s === "catchup");
  const vars = opts.vars ?? (raise ? RAISED_SEND_LIMITS : {});
  const dev = await startWranglerDev(config, onStop, {
    name: "imsystem",
    dirPrefix: "imsystem-bench-",
    vars,
    snapshot: config.snapshot,
    state: opts.state,
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
      vars,
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
  let inboxes = null;
  // One inbox socket per user, open until the target stops, as the PWA keeps
  // one: every conversation change then goes to a live inbox, none is parked.
  const openInboxes = async () => {
    if (inboxes) return;
    inboxes = await openInboxSockets(wsBase, setup.users);
    log(`${inboxes.sockets.length} inbox sockets open (one per user)`);
  };
  if (config.inboxSockets) await openInboxes();
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
    },
    openInboxes,
    inboxSockets: () => inboxes?.sockets.length ?? 0,
    // The server outlives one route; run.mjs stops it once at the end.
    stop: async () => {
      if (!inboxes) return;
      log(`inbox sockets received ${inboxes.frames()} frames`);
      await inboxes.close();
    },
  };
}
