// The two loads. burst: S senders each push M messages, at most `window`
// unacknowledged at a time, as fast as the server accepts them. paced: a
// fixed total rate spread round-robin over the senders, open loop (a send
// is never held back waiting for an earlier one), for a fixed duration.
import { cpuByProcess, cpuSeconds } from "./procs.mjs";
import { Run } from "./scenario.mjs";
import { summarize } from "./stats.mjs";

/** Sequence gaps and repeats summed over `clients`. */
export function seqSnapshot(clients) {
  let gaps = 0;
  let repeats = 0;
  for (const c of clients) {
    gaps += c.seqGaps;
    repeats += c.seqRepeats;
  }
  return { gaps, repeats };
}

/** Runs `drive` on a fresh Run and adds CPU use and seq-order findings to its summary. */
async function measured(ctx, run, drive) {
  const { clients, serverPids, config } = ctx;
  for (const c of clients) c.sink = run;
  const seqBefore = seqSnapshot(clients);
  const pids = serverPids();
  const serverCpu0 = cpuSeconds(pids);
  const perProcess0 = cpuByProcess(pids);
  // esbuild helpers come and go on their own; any other server process that
  // is replaced during the scenario means the server restarted.
  const lasting = (byProcess) => [...byProcess].filter(([, p]) => p.name !== "esbuild").map(([pid]) => pid);
  const lastingBefore = lasting(perProcess0);
  const closedBefore = clients.filter((c) => c.closed !== null).length;
  const gcFrom = ctx.target.gcLog?.offset();
  const clientCpu0 = process.cpuUsage();
  const extra = await drive();
  await run.waitUntilDone(config.drain * 1000);
  run.stop();
  const clientCpu = process.cpuUsage(clientCpu0);
  const serverCpu = cpuSeconds(pids) - serverCpu0;
  // Which server process burned the CPU (wrangler's node, the workerd running
  // the Worker, the proxy workerd), summed by process name and pid.
  const serverCpuByProcess = {};
  for (const [pid, after] of cpuByProcess(pids)) {
    const delta = after.seconds - (perProcess0.get(pid)?.seconds ?? 0);
    if (delta > 0) serverCpuByProcess[`${after.name}:${pid}`] = Math.round(delta * 100) / 100;
  }
  // wrangler dev rebuilds and restarts workerd when a watched source file
  // changes (it has no flag to stop watching); a run that saw that is void.
  const lastingAfter = lasting(cpuByProcess(serverPids()));
  const serverRestarted =
    lastingBefore.some((p) => !lastingAfter.includes(p)) || lastingAfter.some((p) => !lastingBefore.includes(p));
  const seqAfter = seqSnapshot(clients);
  for (const c of clients) c.sink = null;
  const summary = run.summary();
  const round = (v) => Math.round(v * 100) / 100;
  return {
    ...summary,
    ...extra,
    seqGaps: seqAfter.gaps - seqBefore.gaps,
    seqRepeats: seqAfter.repeats - seqBefore.repeats,
    socketsClosed: clients.filter((c) => c.closed !== null).length - closedBefore,
    serverRestarted,
    ...(ctx.target.gcLog ? { gc: ctx.target.gcLog.summary(gcFrom) } : {}),
    cpuSeconds: {
      client: round((clientCpu.user + clientCpu.system) / 1e6),
      server: serverRestarted ? null : round(serverCpu),
      serverByProcess: serverCpuByProcess,
    },
  };
}

export function burst(ctx) {
  const { clients, config, target } = ctx;
  const senders = config.burstSenders;
  const perSender = config.burstMessages;
  const rounds = config.burstRounds;
  const perRound = senders * perSender;
  // Between rounds every sender's token bucket (10/s, burst 30) refills, so
  // each round is a full burst; the baseline gets the same pauses.
  const pauseMs = Math.ceil((perSender / 10) * 1000) + 500;
  const next = new Array(senders).fill(0);
  const inflight = new Array(senders).fill(0);
  let round = 0;
  let run;
  const pump = (s) => {
    while (inflight[s] < config.window && next[s] < perSender) {
      inflight[s]++;
      run.send(round * perRound + s * perSender + next[s]++);
    }
  };
  run = new Run({
    name: "burst",
    clients,
    total: rounds * perRound,
    senderOf: (g) => Math.floor((g % perRound) / perSender),
    echoIsAck: target.echoIsAck,
    pad: config.pad,
    retryMs: config.retryMs,
    tag: ctx.tag,
    onAccepted: (s) => {
      inflight[s]--;
      pump(s);
    },
  });
  return measured(ctx, run, async () => {
    const roundMs = [];
    for (round = 0; round < rounds; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, pauseMs));
      next.fill(0);
      inflight.fill(0);
      const start = performance.now();
      for (let s = 0; s < senders; s++) pump(s);
      const ok = await run.waitUntil(() => run.settledUpTo((round + 1) * perRound), config.drain * 1000);
      // A round in which nothing arrived (sockets gone) adds no time, never negative time.
      roundMs.push(Math.round(Math.max(0, (run.lastDelivery ?? start) - start) * 100) / 100);
      if (!ok) break;
    }
    run.activeMs = roundMs.reduce((a, b) => a + b, 0);
    return { senders, perSender, window: config.window, rounds, roundMs };
  });
}

/** @param {string} [name] the Run's name: a second paced run needs its own, or its clientIds would repeat the first's */
export function paced(ctx, name = "paced") {
  const { clients, config, target } = ctx;
  const senders = config.pacedSenders;
  const total = Math.round(config.rate * config.duration);
  const intervalMs = 1000 / config.rate;
  const run = new Run({
    name,
    clients,
    total,
    senderOf: (g) => g % senders,
    echoIsAck: target.echoIsAck,
    pad: config.pad,
    retryMs: config.retryMs,
    tag: ctx.tag,
  });
  return measured(ctx, run, async () => {
    // How late each send left against its schedule: a busy client process
    // shows up here instead of silently lowering the offered rate.
    const lag = new Float64Array(total);
    await new Promise((resolve) => {
      const start = performance.now() + 20;
      let g = 0;
      const tick = () => {
        const now = performance.now();
        while (g < total && start + g * intervalMs <= now) {
          lag[g] = now - (start + g * intervalMs);
          run.send(g++);
        }
        if (g >= total) return resolve();
        setTimeout(tick, Math.max(0, start + g * intervalMs - performance.now()));
      };
      setTimeout(tick, 20);
    });
    return {
      senders,
      offeredRate: config.rate,
      durationS: config.duration,
      perSenderRate: Math.round((config.rate / senders) * 100) / 100,
      sendLagMs: summarize(lag, total),
    };
  });
}
