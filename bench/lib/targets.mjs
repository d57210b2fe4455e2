// The two servers under test, behind one small interface the clients and
// scenarios use: where to connect, what to send first, how to read frames,
// which processes to charge CPU to, and how to stop.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevServer as startLiveDevServer } from "../../scripts/lib/dev-server.mjs";
import { decodeBaseline, decodeImsystem } from "./frames.mjs";
import { setUpConversation } from "./imsystem-setup.mjs";
import { freePort, processTree, reapLeftovers, startBaseline } from "./procs.mjs";
import { snapshotProject } from "./snapshot.mjs";

/**
 * @typedef {{name: "baseline" | "imsystem", label: string, socketUrl: (i: number) => string,
 *   socketHeaders: (i: number) => Record<string, string>, hello: string | null,
 *   decode: (data: string) => import("./frames.mjs").Item[], echoIsAck: boolean,
 *   heartbeat: string | null, serverPids: () => number[], logHead: null | (() => Promise<number>),
 *   info: Record<string, unknown>,
 *   stop: () => Promise<void>}} Target
 */

/** @returns {Promise<Target>} */
export async function startBaselineTarget(config, onStop) {
  const port = await freePort();
  const server = await startBaseline({ port, deflate: config.deflate });
  const stop = async () => {
    const tree = processTree(server.pid);
    await server.stop();
    await reapLeftovers(tree);
  };
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

/** @returns {Promise<Target>} */
export async function startImsystemTarget(config, onStop, log) {
  const port = await freePort();
  const persistDir = mkdtempSync(join(tmpdir(), "imsystem-bench-"));
  let server = null;
  let snapshot = null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (server) {
      // wrangler stops its workerd children on SIGTERM; anything of that tree
      // still alive afterwards is killed by pid so no run leaks processes.
      const tree = processTree(server.pid);
      await server.stop();
      const leftover = await reapLeftovers(tree);
      if (leftover.length > 0) log(`killed leftover wrangler/workerd pids ${leftover.join(", ")}`);
    }
    rmSync(persistDir, { recursive: true, force: true });
    snapshot?.remove();
  };
  onStop(stop);
  const t0 = performance.now();
  let startDevServer = startLiveDevServer;
  if (config.snapshot) {
    snapshot = await snapshotProject();
    startDevServer = snapshot.startDevServer;
    log(`running wrangler dev from a frozen copy of the Worker in ${snapshot.dir}`);
  }
  server = await startDevServer({ port, persistDir, quiet: config.quiet });
  const startMs = performance.now() - t0;
  log(`wrangler dev up on ${server.url} in ${Math.round(startMs)} ms`);
  const setup = await setUpConversation(server.url, config.clients, log);
  const wsBase = server.url.replace(/^http/, "ws");
  return {
    name: "imsystem",
    label: "IMSystem",
    socketUrl: () => `${wsBase}/api/conversations/${encodeURIComponent(setup.conversationId)}/ws`,
    socketHeaders: (i) => ({ Authorization: `Bearer ${setup.users[i].token}` }),
    hello: JSON.stringify({ type: "hello", lastSeq: 0 }),
    decode: decodeImsystem,
    echoIsAck: false,
    heartbeat: JSON.stringify({ type: "ping" }),
    serverPids: () => processTree(server.pid),
    // Durability check: the log head must be seq 1 (created) plus one event per accepted message.
    logHead: async () => {
      const res = await fetch(
        `${server.url}/api/conversations/${encodeURIComponent(setup.conversationId)}/events?after=0&limit=1`,
        { headers: { Authorization: `Bearer ${setup.users[0].token}` } },
      );
      const body = await res.json().catch(() => null);
      if (!res.ok || !Number.isInteger(body?.head)) throw new Error(`events: HTTP ${res.status}`);
      return body.head;
    },
    info: {
      port,
      pid: server.pid,
      startMs: Math.round(startMs),
      ranFrom: snapshot ? "frozen copy" : "live tree",
      setupMs: Math.round(setup.setupMs),
      conversationId: setup.conversationId,
    },
    stop,
  };
}
