// The issue-7 scale scenarios, IMSystem only (the baseline has no conversations):
// idle    - workerd memory per idle (hibernatable) socket; runs first, before
//           the load phases leave garbage that hides it
// multi   - total throughput of 100 conversations x 5 clients against 1 x 5,
//           the same number of messages, closed loop (window per sender)
// catchup - a client that missed 10,000 messages reconnects: time to receive all
import { randomBytes } from "node:crypto";
import { closeClients, connectClients } from "./clients.mjs";
import { decodeImsystem } from "./frames.mjs";
import { createGroup, pool, setUpUsers } from "./imsystem-setup.mjs";
import { cpuSeconds, rssBytes } from "./procs.mjs";
import { Run } from "./scenario.mjs";
import { seqSnapshot } from "./scenarios.mjs";
import { summarize } from "./stats.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A client target for one conversation (the shape connectClients expects). */
function conversationTarget(base, conversationId, users, lastSeq = 0) {
  const wsBase = base.replace(/^http/, "ws");
  return {
    socketUrl: () => `${wsBase}/api/conversations/${encodeURIComponent(conversationId)}/ws`,
    socketHeaders: (i) => ({ Authorization: `Bearer ${users[i % users.length].token}` }),
    hello: JSON.stringify({ type: "hello", lastSeq }),
    decode: decodeImsystem,
  };
}

/**
 * Every client of every group sends `perSender` messages into its own
 * conversation, at most `window` unacked; returns totals over all groups.
 */
async function closedLoop(groups, { perSender, window, tag, name, drainMs, pids }) {
  const runs = groups.map((clients) => {
    const next = new Array(clients.length).fill(0);
    const inflight = new Array(clients.length).fill(0);
    let run;
    const pump = (s) => {
      while (inflight[s] < window && next[s] < perSender) {
        inflight[s]++;
        run.send(s * perSender + next[s]++);
      }
    };
    run = new Run({
      name,
      clients,
      total: clients.length * perSender,
      senderOf: (g) => Math.floor(g / perSender),
      echoIsAck: false,
      pad: 0,
      retryMs: 200,
      tag,
      onAccepted: (s) => {
        inflight[s]--;
        pump(s);
      },
    });
    for (const c of clients) c.sink = run;
    return {
      run,
      start: () => {
        for (let s = 0; s < clients.length; s++) pump(s);
      },
    };
  });
  const cpu0 = cpuSeconds(pids());
  const clientCpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const r of runs) r.start();
  await Promise.all(runs.map((r) => r.run.waitUntilDone(drainMs)));
  const wallMs = Math.max(...runs.map((r) => r.run.lastDelivery ?? t0)) - t0;
  const clientCpu = process.cpuUsage(clientCpu0);
  const serverCpu = cpuSeconds(pids()) - cpu0;
  for (const r of runs) r.run.stop();
  for (const g of groups) for (const c of g) c.sink = null;
  const sums = { delivered: 0, expected: 0, accepted: 0, messages: 0, lost: 0, duplicates: 0, errors: {} };
  const latency = [];
  for (const { run } of runs) {
    const s = run.summary();
    sums.delivered += s.delivered;
    sums.expected += s.expectedDeliveries;
    sums.accepted += s.accepted;
    sums.messages += s.messages;
    sums.lost += s.lost;
    sums.duplicates += s.duplicates;
    for (const [code, n] of Object.entries(s.errors)) sums.errors[code] = (sums.errors[code] ?? 0) + n;
    latency.push(run.latency.subarray(0, run.delivered));
  }
  const all = new Float64Array(latency.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of latency) {
    all.set(a, at);
    at += a.length;
  }
  const seq = seqSnapshot(groups.flat());
  const round = (v) => Math.round(v * 100) / 100;
  return {
    conversations: groups.length,
    clientsPerConversation: groups[0]?.length ?? 0,
    perSender,
    window,
    ...sums,
    wallMs: round(wallMs),
    deliveredPerSec: wallMs > 0 ? Math.round((sums.delivered / wallMs) * 1000) : null,
    acceptedPerSec: wallMs > 0 ? Math.round((sums.accepted / wallMs) * 1000) : null,
    latencyMs: summarize(all, all.length),
    seqGaps: seq.gaps,
    seqRepeats: seq.repeats,
    socketsClosed: groups.flat().filter((c) => c.closed !== null).length,
    cpuSeconds: { client: round((clientCpu.user + clientCpu.system) / 1e6), server: round(serverCpu) },
  };
}

/**
 * multi, catchup and idle share one setup: `multiClients` users (the first
 * friends with the rest), one conversation for the 1 x N phase and catch-up,
 * `multiConversations` for the N-conversation phase and the idle sockets.
 */
export async function scaleScenarios({ base, config, log, pids, workerPid }) {
  const out = {};
  const n = config.multiClients;
  const users = await setUpUsers(base, n, log);
  const tag = randomBytes(3).toString("hex");
  const drainMs = config.drain * 1000;
  const one = await createGroup(base, users, `bench one ${tag}`);
  const many = await pool(
    Array.from({ length: config.multiConversations }, (_, i) => i),
    4,
    (i) => createGroup(base, users, `bench many ${tag} ${i}`),
  );
  log(`scale: ${n} users, 1 + ${many.length} conversations`);
  const total = config.multiConversations * n * config.multiMessages;
  let oneHead = 1;
  let open = [];
  try {
    const wants = (s) => config.scenarios.includes(s);
    if (wants("idle") && workerPid) {
      // First, before the load phases leave garbage for the GC to return (RSS
      // then shrinks and hides the sockets). One socket per conversation loads
      // every object, so the figure is what an idle socket adds, not an object.
      const warm = await pool(
        many.map((id) => conversationTarget(base, id, users)),
        4,
        (t) => connectClients(t, 1, false),
      );
      open = warm.flat();
      await sleep(3000);
      const before = rssBytes(workerPid);
      const per = Math.ceil(config.idleSockets / many.length);
      const groups = await pool(
        many.map((id) => conversationTarget(base, id, users)),
        4,
        (t) => connectClients(t, per, false),
      );
      const idleSockets = groups.flat();
      open.push(...idleSockets);
      const opened = rssBytes(workerPid);
      await sleep(config.idleWait * 1000);
      const idle = rssBytes(workerPid);
      const perSocket = (v) => (v === null || before === null ? null : Math.round((v - before) / idleSockets.length));
      const mib = (v) => (v === null ? null : Math.round((v / 2 ** 20) * 10) / 10);
      out.idle = {
        sockets: idleSockets.length,
        waitS: config.idleWait,
        rssBeforeMiB: mib(before),
        rssOpenedMiB: mib(opened),
        rssIdleMiB: mib(idle),
        bytesPerSocketOpened: perSocket(opened),
        bytesPerSocketIdle: perSocket(idle),
        stillOpen: idleSockets.filter((c) => c.closed === null).length,
      };
      await closeClients(open);
      open = [];
      log(
        `scale: ${idleSockets.length} idle sockets: ${out.idle.bytesPerSocketIdle} bytes each after ${config.idleWait} s`,
      );
    }
    if (wants("multi") || wants("catchup")) {
      // Phase 1: one conversation, n senders, the same total as phase 2 (it also fills the catch-up log).
      const perSender = Math.max(Math.ceil(total / n), wants("catchup") ? Math.ceil(config.catchupMessages / n) : 0);
      open = await connectClients(conversationTarget(base, one, users), n, false);
      log(`scale: 1 x ${n}: ${perSender * n} messages...`);
      const single = await closedLoop([open], {
        perSender,
        window: config.window,
        tag,
        name: "one",
        drainMs,
        pids,
      });
      oneHead = 1 + single.accepted;
      await closeClients(open);
      open = [];
      log(`scale: 1 x ${n}: ${single.deliveredPerSec} delivered msgs/s`);
      if (wants("multi")) out.multiOne = single;
    }
    if (wants("catchup")) {
      const missed = Math.min(config.catchupMessages, oneHead - 1);
      const lastSeq = oneHead - missed;
      const times = [];
      let complete = true;
      for (let i = 0; i < config.catchupRepeats; i++) {
        const t0 = performance.now();
        const [c] = await connectClients(conversationTarget(base, one, users, lastSeq), 1, false);
        const ok = await new Promise((resolve) => {
          const started = performance.now();
          const check = () => {
            if (c.lastSeq === oneHead) return resolve(true);
            if (c.closed !== null || performance.now() - started > drainMs) return resolve(false);
            setTimeout(check, 2);
          };
          check();
        });
        times.push(Math.round((performance.now() - t0) * 10) / 10);
        complete &&= ok && c.seqGaps === 0 && c.seqRepeats === 0;
        await closeClients([c]);
      }
      out.catchup = { missed, lastSeq, head: oneHead, ms: times, complete };
      log(`scale: catch-up of ${missed} events: ${times.join(", ")} ms`);
    }
    if (wants("multi")) {
      const targets = many.map((id) => conversationTarget(base, id, users));
      const groups = await pool(targets, 4, (t) => connectClients(t, n, false));
      open = groups.flat();
      log(`scale: ${many.length} x ${n}: ${total} messages...`);
      const spread = await closedLoop(groups, {
        perSender: config.multiMessages,
        window: config.window,
        tag,
        name: "many",
        drainMs,
        pids,
      });
      out.multi = spread;
      await closeClients(open);
      open = [];
      log(`scale: ${many.length} x ${n}: ${spread.deliveredPerSec} delivered msgs/s`);
    }
  } finally {
    await closeClients(open);
  }
  return out;
}
