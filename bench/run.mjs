// `npm run bench`: the same load against IMSystem (wrangler dev) and a bare
// Node `ws` broadcast server, printed side by side. See docs/benchmarks.md.

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { bigGroupScenario } from "./lib/big-group.mjs";
import { bigGroupGoals, bigGroupReport } from "./lib/big-group-report.mjs";
import { closeClients, connectClients, negotiatedDeflate } from "./lib/clients.mjs";
import { describeKnobs, IMSYSTEM_ONLY_LOAD, LOAD_SCENARIOS, readConfig, SCALE_SCENARIOS } from "./lib/config.mjs";
import { gcReport } from "./lib/gc-trace.mjs";
import { processTree, reapLeftovers } from "./lib/procs.mjs";
import { goals, header, integrity, machineInfo, scaleReport, table, writeResults } from "./lib/report.mjs";
import { scaleScenarios } from "./lib/scale.mjs";
import { burst, paced } from "./lib/scenarios.mjs";
import { sourceState } from "./lib/snapshot.mjs";
import {
  floorTarget,
  imsystemTarget,
  ROUTE_LABEL,
  routeUrl,
  startBaselineTarget,
  startImsystemServer,
  TARGET_NAME,
} from "./lib/targets.mjs";

if (process.argv.includes("--help")) {
  console.log(`usage: npm run bench [-- --name=value ...]\n\nknobs (env var, flag, default):\n${describeKnobs()}`);
  process.exit(0);
}

let config;
try {
  config = readConfig();
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)} (see --help)`);
  process.exit(1);
}
const log = (msg) => console.error(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${msg}`);
const startedAt = new Date();
const machine = machineInfo();
let source;
try {
  source = sourceState(config.source);
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const results = {};
/** The scale scenarios' figures (IMSystem only), beside the per-target results. */
let scale = null;
/** The big-group scenario's figures (IMSystem only). */
let bigGroup = null;
const info = {};
const failures = {};

// Everything started is stopped on every way out: normal end, error, ctrl-c, hard timeout.
const stops = [];
let cleaning = null;
function cleanUp() {
  cleaning ??= (async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        log(`cleanup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // Last resort: anything still running below this process (a wrangler cut
    // off mid-start by the hard timeout has no stop handle yet) is ours to end.
    const leftovers = processTree(process.pid).slice(1);
    if (leftovers.length > 0) {
      for (const pid of leftovers) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
      const killed = await reapLeftovers(leftovers, 5000);
      log(
        `cleanup: stopped ${leftovers.length} leftover child process(es)${killed.length ? `, ${killed.length} needed SIGKILL` : ""}`,
      );
    }
  })();
  return cleaning;
}

function save(status) {
  const path = writeResults(config.out, {
    status,
    startedAt: startedAt.toISOString(),
    machine,
    source,
    config,
    info,
    failures,
    results,
    scale,
    bigGroup,
  });
  log(`raw numbers in ${path}`);
}

let aborting = null;
async function abort(reason, code) {
  if (aborting) return;
  aborting = reason;
  log(reason);
  await cleanUp();
  save(reason);
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => abort(`stopped by ${signal}`, 130));
const hardTimeout = setTimeout(
  () => abort(`hard timeout: the run took longer than ${config.timeout} s (BENCH_TIMEOUT)`, 2),
  config.timeout * 1000,
);

const LOAD_RUNNERS = {
  burst,
  paced,
  // The same paced load once every client's user also holds an inbox socket (the PWA's shape).
  "paced-inbox": async (ctx) => {
    await ctx.target.openInboxes();
    return paced(ctx, "pacedinbox");
  },
};
const tag = randomBytes(3).toString("hex");

async function benchTarget(name, start) {
  let target = null;
  let clients = [];
  let heartbeat = null;
  const onStop = (fn) => stops.push(fn);
  try {
    target = await start(config, onStop, log);
    clients = await connectClients(target, config.clients, config.deflate);
    const deflate = negotiatedDeflate(clients);
    info[target.name] = { ...target.info, permessageDeflate: deflate };
    log(`${target.label}: ${clients.length} clients connected, permessage-deflate ${deflate ? "on" : "off"}`);
    if (target.heartbeat) {
      // The server drops sockets silent for 60 s; a long custom run must not lose its receivers.
      heartbeat = setInterval(() => {
        for (const c of clients) if (c.ws.readyState === c.ws.OPEN) c.send(target.heartbeat);
      }, 20_000);
    }
    results[target.name] = {};
    const load = config.scenarios.filter(
      (s) => LOAD_SCENARIOS.includes(s) && (target.openInboxes || !IMSYSTEM_ONLY_LOAD.includes(s)),
    );
    for (const scenario of load) {
      log(`${target.label}: ${scenario}...`);
      const summary = await LOAD_RUNNERS[scenario]({ clients, config, target, tag, serverPids: target.serverPids });
      results[target.name][scenario] = summary;
      log(
        `${target.label}: ${scenario} delivered ${summary.delivered}/${summary.expectedDeliveries}` +
          ` at ${summary.deliveredPerSec ?? "-"} msgs/s, p99 ${summary.latencyMs?.p99 ?? "-"} ms`,
      );
      if (clients.some((c) => c.closed !== null)) {
        throw new Error(
          `the server closed sockets during ${scenario}` +
            (summary.serverRestarted ? " (its workerd process was restarted)" : "") +
            "; later scenarios skipped",
        );
      }
    }
    if (target.logHead) {
      const accepted = Object.values(results[target.name]).reduce((n, r) => n + r.accepted, 0);
      const head = await target.logHead();
      info[target.name].log = { head, expectedHead: 1 + accepted };
      log(`${target.label}: log head ${head}, expected ${1 + accepted} (seq 1 created + accepted messages)`);
    }
    const closedEarly = clients.filter((c) => c.closed !== null).map((c) => `${c.idx}:${c.closed.code}`);
    const outside = clients.flatMap((c) => c.errorsOutside);
    const unknown = {};
    for (const c of clients) for (const [what, n] of c.unknown) unknown[what] = (unknown[what] ?? 0) + n;
    info[target.name].socketsClosedDuringRun = closedEarly;
    if (target.inboxSockets) info[target.name].inboxSockets = target.inboxSockets();
    info[target.name].errorFramesOutsideScenarios = outside.slice(0, 10);
    info[target.name].unexpectedFrames = unknown;
    if (closedEarly.length > 0)
      log(`${target.label}: sockets closed by the server during the run: ${closedEarly.join(" ")}`);
    if (Object.keys(unknown).length > 0) log(`${target.label}: unexpected frames ${JSON.stringify(unknown)}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    failures[name] = message;
    log(`FAILED: ${message}`);
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    await closeClients(clients);
    if (target) await target.stop();
  }
}

/** One wrangler dev; burst/paced through each route, then the scale scenarios. */
async function benchImsystem() {
  let server = null;
  try {
    server = await startImsystemServer(config, (fn) => stops.push(fn), log);
    info.server = server.info;
    const routes = config.route === "both" ? ["proxy", "direct"] : [config.route];
    const load = config.scenarios.some((s) => LOAD_SCENARIOS.includes(s));
    for (const route of routes) {
      const name = TARGET_NAME[route];
      if (route === "direct" && !server.directUrl) {
        failures[name] = "the Worker's direct port was not found";
        continue;
      }
      if (load) await benchTarget(name, () => imsystemTarget(server, route, config, log));
    }
    if (config.scenarios.some((s) => SCALE_SCENARIOS.includes(s))) {
      const route = routes.includes("direct") && server.directUrl ? "direct" : "proxy";
      log(`scale scenarios ${ROUTE_LABEL[route]}...`);
      try {
        const figures = await scaleScenarios({
          base: routeUrl(server, route),
          config,
          log,
          pids: server.pids,
          workerPid: server.workerPid,
        });
        scale = { route: ROUTE_LABEL[route], sendLimits: server.info.sendLimits, ...figures };
      } catch (err) {
        failures.scale = err instanceof Error ? err.message : String(err);
        log(`scale FAILED: ${failures.scale}`);
      }
    }
  } catch (err) {
    failures.imsystem = err instanceof Error ? err.message : String(err);
    log(`FAILED: ${failures.imsystem}`);
  } finally {
    await server?.stop();
  }
}

console.log(header(machine, config, startedAt));
console.log(
  (source.ref
    ? `source: ${source.ref} at commit ${source.commit} (BENCH_SOURCE; this tree's node_modules and web/dist)`
    : `source: commit ${source.commit}, ${source.workerUncommittedFiles ?? "?"} uncommitted Worker file(s)`) +
    (config.snapshot ? ", wrangler dev runs a frozen copy" : ", wrangler dev runs the live tree"),
);
const wants = (list) => config.scenarios.some((s) => list.includes(s));
const sharedLoad = LOAD_SCENARIOS.filter((s) => !IMSYSTEM_ONLY_LOAD.includes(s));
// The baseline and the floors are references for the load scenarios only.
if (config.target !== "imsystem" && wants(sharedLoad)) await benchTarget("baseline", startBaselineTarget);
if (config.target !== "imsystem" && config.floor && wants(sharedLoad)) {
  await benchTarget("floor", floorTarget("floor"));
  await benchTarget("floor-durable", floorTarget("floor-durable"));
}
if (config.target !== "baseline" && wants([...LOAD_SCENARIOS, ...SCALE_SCENARIOS])) await benchImsystem();
if (config.target !== "baseline" && config.scenarios.includes("big-group")) {
  log("big-group...");
  bigGroup = await bigGroupScenario({ config, log, onStop: (fn) => stops.push(fn) });
  if (bigGroup.error) failures.bigGroup = bigGroup.error;
}
await cleanUp();
// abort() owns the exit once it started; the main flow must not report "ok" over it.
if (aborting) await new Promise(() => {});
clearTimeout(hardTimeout);

if (Object.keys(results).length > 0) {
  console.log(`\n${table(results, config)}`);
  console.log(`\n${integrity(results)}`);
}
const gcText = gcReport(results);
if (gcText) console.log(`\n${gcText}`);
for (const name of Object.values(TARGET_NAME)) {
  const imsLog = info[name]?.log;
  if (!imsLog) continue;
  const verdict = imsLog.head === imsLog.expectedHead ? "every accepted message is in the log" : "MISMATCH";
  console.log(`${name} log head ${imsLog.head}, expected ${imsLog.expectedHead}: ${verdict}`);
}
if (scale) console.log(`\n${scaleReport(scale)}`);
if (bigGroup) console.log(`\n${bigGroupReport(bigGroup)}`);
const goalText = [goals(results, scale), bigGroup ? bigGroupGoals(bigGroup) : null].filter(Boolean).join("\n");
if (goalText) console.log(`\n${goalText}`);
for (const [name, message] of Object.entries(failures)) console.log(`\n${name} FAILED: ${message}`);
console.log(`\ntotal ${(performance.now() / 1000).toFixed(1)} s`);
const ok = Object.keys(failures).length === 0;
save(ok ? "ok" : "failed");
if (ok && config.history) {
  // As `npm run bench` always did (it ran `&& npm run bench:history`); here so that flags reach this script.
  const history = spawnSync("npm", ["run", "bench:history"], { stdio: "inherit" });
  process.exit(history.status ?? 1);
}
process.exit(ok ? 0 : 1);
