// The big-group scenario (issue 16), IMSystem only: groups of 2 (the ratio
// baseline) and of each of `bigGroupSizes` members; every member's inbox
// socket open (above `bigGroupOnline` members, an even sample of that many),
// `bigGroupLive` of them also on the conversation socket; after two warm-up
// messages, `bigGroupMessages` messages `bigGroupSpacing` ms apart. Each
// size is measured on a plain `wrangler dev` and again with
// `--var INBOX_CALL_DELAY_MS:<bigGroupDelay>` (a fixed delay in the inbox
// before each fan-out note, modelling a call to another region), both on one persist dir
// and frozen copy, so the users and groups are seeded once.
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { GroupProbe, spread } from "./big-group-probe.mjs";
import { closeClients, connectClients } from "./clients.mjs";
import { decodeImsystem } from "./frames.mjs";
import { openInboxSockets } from "./inbox-sockets.mjs";
import { cpuSeconds } from "./procs.mjs";
import { GroupCapError, Seeder } from "./seed.mjs";
import { ROUTE_LABEL, routeUrl, startImsystemServer } from "./targets.mjs";
import { devState } from "./wrangler-dev.mjs";

/** The Worker var the delayed pass sets (a fixed delay before every inbox call of the fan-out). */
export const DELAY_VAR = "INBOX_CALL_DELAY_MS";
/** Seconds without any progress before a phase stops waiting for its inboxes (BENCH_DRAIN if longer). */
const INBOX_STALL_S = 30;
/** No phase waits longer than this for its last inbox, whatever `drain` says. */
const PHASE_MAX_MS = 180_000;
/**
 * An inbox socket's welcome first pulls the summary of every conversation
 * that parked it, so 1,000 sockets opening at once queue on the group's
 * object: generous, since opening is not what is measured.
 */
const INBOX_OPEN_TIMEOUT_MS = 120_000;
/** Before a phase: the Worker's processes idle (below this share of one core) for QUIET_WINDOW_MS. */
const QUIET_CPU = 0.15;
const QUIET_WINDOW_MS = 2000;
const QUIET_MAX_MS = 60_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves true once `done()` holds; false when `progress()` did not move for `stallMs` (or after `maxMs`). */
function waitFor(done, progress, stallMs, maxMs = PHASE_MAX_MS) {
  return new Promise((resolve) => {
    const start = performance.now();
    let last = progress();
    let lastChange = start;
    const check = () => {
      const now = performance.now();
      if (progress() !== last) {
        last = progress();
        lastChange = now;
      }
      if (done()) return resolve(true);
      if (now - lastChange > stallMs || now - start > maxMs) return resolve(false);
      setTimeout(check, 5);
    };
    check();
  });
}

/**
 * Waits until the server's processes have used less than QUIET_CPU of a
 * core over QUIET_WINDOW_MS: the previous phase's tail (closing sockets
 * tell friends' inboxes, alarms, the membership index) must not land in
 * this one. Gives up after QUIET_MAX_MS. @returns {Promise<number>} ms waited
 */
async function waitForQuiet(pids) {
  const t0 = performance.now();
  for (;;) {
    const before = cpuSeconds(pids());
    await sleep(QUIET_WINDOW_MS);
    const used = cpuSeconds(pids()) - before;
    if (used < (QUIET_CPU * QUIET_WINDOW_MS) / 1000 || performance.now() - t0 > QUIET_MAX_MS)
      return Math.round(performance.now() - t0);
  }
}

/**
 * Sends message g of `probe` from live client `sender` now. The text carries
 * the scenario name for the other scenarios' counters; the probe keys on the clientId.
 */
function send(probe, client, g) {
  const now = performance.now();
  probe.onSend(g, now);
  client.send(JSON.stringify({ type: "send", clientId: probe.clientId(g), kind: "text", text: `bench big ${g}` }));
}

/**
 * One group measured once: sockets open, warm-up, the spaced messages, sockets closed.
 * @param {{base: string, seeder: Seeder, conversationId: string, members: object[], config: object,
 *   log: (msg: string) => void, pids: () => number[], label: string}} opts
 */
export async function measureGroup({ base, seeder, conversationId, members, config, log, pids, label }) {
  const online = spread(members, Math.min(config.bigGroupOnline, members.length));
  const live = spread(online, Math.min(config.bigGroupLive, online.length));
  await seeder.freshTokens(online);
  const quietMs = await waitForQuiet(pids);
  const openedAt = performance.now();
  const tag = randomBytes(3).toString("hex");
  const socketOf = new Map(online.map((u, i) => [u.id, i]));
  let probe = null;
  let inboxErrors = 0;
  const wsBase = base.replace(/^http/, "ws");
  const inboxes = await openInboxSockets(wsBase, online, {
    onItem: (socket, item, now) => {
      if (item.t === "conversation" && item.id === conversationId)
        probe?.onInbox(socketOf.get(socket.user.id), item.lastSeq, now);
      else if (item.t === "unknown") inboxErrors++;
    },
    concurrency: 10,
    timeoutMs: INBOX_OPEN_TIMEOUT_MS,
  });
  let clients = [];
  try {
    clients = await connectClients(
      {
        socketUrl: () => `${wsBase}/api/conversations/${encodeURIComponent(conversationId)}/ws`,
        socketHeaders: (i) => ({ Authorization: `Bearer ${live[i].token}` }),
        hello: JSON.stringify({ type: "hello", lastSeq: 0 }),
        decode: decodeImsystem,
      },
      live.length,
      false,
    );
    const sink = {
      onMessage: (c, _text, clientId, now) => {
        const g = probe?.messageIndex(clientId) ?? -1;
        if (g >= 0) probe.onLive(c.idx, g, now);
      },
      onAck: (_c, clientId, now, seq) => {
        const g = probe?.messageIndex(clientId) ?? -1;
        if (g >= 0) probe.onAck(g, seq, now);
      },
      onError: (_c, item) => probe?.onError(item.code, item.message),
    };
    for (const c of clients) c.sink = sink;
    const openMs = Math.round(performance.now() - openedAt);
    log(
      `big group ${label}: ${online.length} inbox sockets and ${clients.length} conversation sockets open in ${(openMs / 1000).toFixed(1)} s`,
    );
    // Opening sockets tells friends' inboxes (presence) and unparks inboxes: let that finish first.
    const settleMs = await waitForQuiet(pids);
    // A fan-out round over 1,000 inboxes took 3-20 s on the loaded machine: a shorter stall would call late updates lost.
    const drainMs = Math.max(config.drain, INBOX_STALL_S) * 1000;
    const progress = () => probe.progress;

    // Warm-up: the first message after the sockets opened also parks every
    // offline member's inbox (its fan-out calls them all). With the notifier
    // in the object (before Queues) the second one's round starts only after
    // the first ended; with the queue, the quiet wait below also covers the
    // first round's tail. Then the group is in its steady state.
    probe = new GroupProbe({ name: `w${label}`, tag, messages: 2, live: clients.length, online: online.length });
    const warm = probe;
    send(warm, clients[0], 0);
    await waitFor(() => warm.acked(0), progress, drainMs);
    send(warm, clients[0], 1);
    const warmOk = await waitFor(() => warm.settled(2), progress, drainMs);
    const coldMs = warm.lastInboxMs(0);
    // With the queue, the first message's calls to the offline members (which park them) go on
    // after the online inboxes have the second: the consumer runs in the same workerd, so quiet
    // CPU means that backlog is gone and the measured messages start from the steady state.
    const drainedMs = await waitForQuiet(pids);

    probe = new GroupProbe({
      name: label,
      tag,
      messages: config.bigGroupMessages,
      live: clients.length,
      online: online.length,
    });
    const run = probe;
    const cpu0 = cpuSeconds(pids());
    // The machine is shared: the 1-minute load average beside each figure says how quiet it was.
    const load0 = loadavg()[0];
    const t0 = performance.now() + 20;
    // Open loop: message k leaves at t0 + k * spacing whatever happened to the earlier ones.
    for (let g = 0; g < run.messages; g++) {
      const wait = t0 + g * config.bigGroupSpacing - performance.now();
      if (wait > 0) await sleep(wait);
      send(run, clients[g % clients.length], g);
    }
    const complete = await waitFor(() => run.settled(), progress, drainMs);
    const serverCpu = cpuSeconds(pids()) - cpu0;
    const closed =
      clients.filter((c) => c.closed !== null).length + inboxes.sockets.filter((s) => s.closed !== null).length;
    return {
      members: members.length,
      ...run.summary(),
      complete,
      warmUp: { settled: warmOk, coldLastInboxMs: Number.isNaN(coldMs) ? null : Math.round(coldMs) },
      quietWaitMs: quietMs + settleMs,
      warmUpDrainMs: drainedMs,
      socketsOpenMs: openMs,
      socketsClosed: closed,
      unexpectedInboxFrames: inboxErrors,
      serverCpuSeconds: Math.round(serverCpu * 100) / 100,
      loadAverage: [load0, loadavg()[0]].map((v) => Math.round(v * 10) / 10),
    };
  } finally {
    await closeClients(clients);
    await inboxes.close();
  }
}

/**
 * Both passes over every size; seeding happens in the first pass, a size at
 * a time in ascending order, so a size the Worker refuses (its group cap)
 * costs only the users of its first refused block.
 * @returns {Promise<Record<string, unknown>>} the figures for the report and results file
 */
export async function bigGroupScenario({ config, log, onStop }) {
  const sizes = [2, ...config.bigGroupSizes];
  const delays = [0, ...(config.bigGroupDelay > 0 ? [config.bigGroupDelay] : [])];
  /** @type {Map<number, {conversationId: string, members: object[]} | {error: string}>} */
  const groups = new Map();
  const out = {
    route: null,
    online: config.bigGroupOnline,
    live: config.bigGroupLive,
    messages: config.bigGroupMessages,
    spacingMs: config.bigGroupSpacing,
    delayVar: DELAY_VAR,
    sizes,
    seed: { buildMs: {}, registerMs: 0, users: 0 },
    passes: [],
  };
  try {
    await runPasses({ config, log, onStop, sizes, delays, groups, out });
  } catch (err) {
    // What was measured before the failure is kept; the report prints the error.
    out.error = err instanceof Error ? err.message : String(err);
  }
  return out;
}

async function runPasses({ config, log, onStop, sizes, delays, groups, out }) {
  const state = await devState(config, onStop, log);
  let seeder = null;
  for (const delayMs of delays) {
    const vars = delayMs > 0 ? { [DELAY_VAR]: String(delayMs) } : {};
    const server = await startImsystemServer(config, onStop, log, { state, vars });
    const pass = { delayMs, sizes: {} };
    out.passes.push(pass);
    try {
      const route = config.route !== "proxy" && server.directUrl ? "direct" : "proxy";
      const base = routeUrl(server, route);
      out.route = ROUTE_LABEL[route];
      seeder ??= new Seeder(base, log, { addChunk: config.bigGroupAddChunk });
      seeder.base = base;
      for (const size of sizes) {
        if (!groups.has(size)) {
          const t0 = performance.now();
          try {
            const members = size === 2 ? await seeder.extraUsers(2) : null;
            const conversationId = await seeder.group(size, members);
            groups.set(size, { conversationId, members: members ?? seeder.users.slice(0, size) });
          } catch (err) {
            if (!(err instanceof GroupCapError)) throw err;
            groups.set(size, { error: err.message });
            log(`big group ${size}: ${err.message}`);
          }
          out.seed.buildMs[size] = Math.round(performance.now() - t0);
          out.seed.registerMs = Math.round(seeder.registerMs);
          out.seed.users = seeder.users.length;
          out.seed.rateLimitedWaits = seeder.rateLimitedWaits;
        }
        const group = groups.get(size);
        if ("error" in group) {
          pass.sizes[size] = { error: group.error };
          continue;
        }
        const label = `${size}${delayMs > 0 ? `d${delayMs}` : "p"}`;
        log(`big group ${size}${delayMs > 0 ? ` with ${DELAY_VAR}=${delayMs}` : ""}...`);
        try {
          pass.sizes[size] = await measureGroup({ base, seeder, ...group, config, log, pids: server.pids, label });
          const s = pass.sizes[size];
          log(
            `big group ${label}: ack p50 ${s.ackMs?.p50} ms, live p99 ${s.liveMs?.p99} ms, inbox p99 ${s.inboxMs?.p99} ms max ${s.inboxMs?.max} ms`,
          );
        } catch (err) {
          pass.sizes[size] = { error: err instanceof Error ? err.message : String(err) };
          log(`big group ${label} FAILED: ${pass.sizes[size].error}`);
        }
      }
    } finally {
      await server.stop();
    }
  }
}
