// The printed header and table, and the raw results file.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, freemem, release, totalmem } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { LOAD_SCENARIOS } from "./config.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")).version;
  } catch {
    return "unknown";
  }
}

export function machineInfo() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    kernel: `${process.platform} ${release()}`,
    node: process.version,
    wrangler: packageVersion("wrangler"),
    ws: packageVersion("ws"),
  };
}

export function header(machine, config, startedAt) {
  const load = config.scenarios.some((s) => LOAD_SCENARIOS.includes(s));
  const deflate = config.deflate
    ? "ON for both (BENCH_DEFLATE=1: clients offer it, the baseline server enables it)"
    : "OFF for both (clients do not offer it, the baseline server disables it; BENCH_DEFLATE=1 turns it on)";
  return [
    `IMSystem bench, ${startedAt.toISOString()}`,
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.kernel}`,
    `node ${machine.node}, wrangler ${machine.wrangler}, ws ${machine.ws}`,
    `permessage-deflate: ${deflate}`,
    load ? `clients: ${config.clients} in this one process, one conversation` : null,
    config.scenarios.includes("burst")
      ? `burst: ${config.burstSenders} senders x ${config.burstMessages} msgs, window ${config.window} unacked per sender`
      : null,
    config.scenarios.includes("paced")
      ? `paced: ${config.rate} msgs/s offered over ${config.pacedSenders} senders for ${config.duration} s`
      : null,
    config.scenarios.includes("paced-inbox")
      ? "paced-inbox (IMSystem only): paced again once every client's user also holds an inbox socket, judged against the durable floor's paced p99"
      : null,
    config.scenarios.includes("big-group")
      ? `big-group (IMSystem only): groups of 2 and ${config.bigGroupSizes.join(", ")}; inbox sockets of every member up to ${config.bigGroupOnline} (above: an even sample of ${config.bigGroupOnline}), ${config.bigGroupLive} on the conversation socket; ${config.bigGroupMessages} messages ${config.bigGroupSpacing} ms apart after 2 warm-up messages; plain${config.bigGroupDelay > 0 ? ` and with INBOX_CALL_DELAY_MS=${config.bigGroupDelay}` : ""}`
      : null,
    `wrangler local observability (X_LOCAL_OBSERVABILITY): ${config.localObservability ? "ON (BENCH_LOCAL_OBSERVABILITY=1): every invocation is traced, about 160 us per incoming frame" : "OFF for IMSystem and the floor (a dev-tool tracer, not in production; BENCH_LOCAL_OBSERVABILITY=1 keeps it)"}`,
    config.floor && config.target !== "imsystem" && load
      ? "workerd floors: bench/floor/worker.js (a Durable Object that only broadcasts, hibernatable sockets; the durable floor first stores each frame as one SQLite row) under the same wrangler dev, direct"
      : null,
    config.traceGc
      ? "V8 --trace-gc: ON in IMSystem's and the floor's workerd (BENCH_TRACE_GC=1); GC pauses per scenario below the table"
      : null,
    !load
      ? null
      : `inbox sockets: ${config.inboxSockets ? "ON: every IMSystem client also holds an inbox socket (the PWA's shape; no inbox is parked)" : "off: clients hold only their conversation socket (BENCH_INBOX_SOCKETS=1 adds an inbox socket each)"}`,
    `hard timeout: ${config.timeout} s (BENCH_TIMEOUT)`,
    `IMSystem route: ${{ proxy: "through wrangler's proxy (the public port)", direct: "direct to the Worker's workerd", both: "both through wrangler's proxy and direct to the Worker's workerd" }[config.route]}`,
    config.scenarios.includes("multi")
      ? `multi: ${config.multiConversations} conversations x ${config.multiClients} clients x ${config.multiMessages} msgs per sender vs 1 conversation x ${config.multiClients} with the same total, window ${config.window}`
      : null,
    config.scenarios.includes("catchup")
      ? `catchup: a client reconnects after ${config.catchupMessages} missed messages, ${config.catchupRepeats} times`
      : null,
    config.scenarios.includes("idle")
      ? `idle: ${config.idleSockets} silent sockets, Worker workerd RSS read after ${config.idleWait} s`
      : null,
  ]
    .filter(Boolean)
    .join("\n");
}

const fmt = (v, digits = 1) =>
  v === null || v === undefined ? "-" : Number(v).toLocaleString("en-US", { maximumFractionDigits: digits });

function ratio(a, b) {
  return a === null || a === undefined || !b ? "-" : (a / b).toFixed(2);
}

/**
 * The table's columns, in order. `role`: IMSystem is judged against the
 * goals; a reference (the floors) is reported against the same lines.
 */
const COLUMNS = [
  ["imsystem", "IMSystem proxy", "imsystem"],
  ["imsystem-direct", "IMSystem direct", "imsystem"],
  ["baseline", "baseline", "baseline"],
  ["floor", "workerd floor", "reference"],
  ["floor-durable", "durable floor", "reference"],
];
const columnsOf = (role) => COLUMNS.filter(([, , r]) => r === role);

/** @param {Record<string, Record<string, any>>} results target -> scenario -> summary */
export function table(results, config) {
  const base = results.baseline ?? {};
  const present = COLUMNS.filter(([name]) => results[name]);
  // Every other column as a ratio of the Node baseline.
  const imsystems = present.filter(([, , role]) => role !== "baseline");
  const ratioHeads = results.baseline
    ? imsystems.map(([, label]) => `${label.replace("IMSystem ", "").replace("workerd ", "")}/baseline`)
    : [];
  const rows = [["scenario", "metric", ...present.map(([, label]) => label), ...ratioHeads]];
  const metric = (scenario, label, pick, digits) => {
    const value = (name) => (results[name]?.[scenario] ? pick(results[name][scenario]) : null);
    const b = base[scenario] ? pick(base[scenario]) : null;
    rows.push([
      scenario,
      label,
      ...present.map(([name]) => fmt(value(name), digits)),
      ...(results.baseline ? imsystems.map(([name]) => ratio(value(name), b)) : []),
    ]);
  };
  for (const s of config.scenarios.filter((x) => LOAD_SCENARIOS.includes(x))) {
    metric(s, "delivered msgs/s", (r) => r.deliveredPerSec, 0);
    metric(s, "accepted msgs/s", (r) => r.acceptedPerSec, 0);
    metric(s, "latency p50 ms", (r) => r.latencyMs?.p50, 2);
    metric(s, "latency p99 ms", (r) => r.latencyMs?.p99, 2);
    metric(s, "latency max ms", (r) => r.latencyMs?.max, 2);
    metric(s, "first delivery p50 ms", (r) => r.firstDeliveryMs?.p50, 2);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

function describeLimits(limits) {
  if (typeof limits !== "object" || limits === null) return String(limits);
  return `RAISED to ${limits.SEND_RATE_PER_SECOND}/s burst ${limits.SEND_BURST} (--var SEND_RATE_PER_SECOND/SEND_BURST; the contract default is 10/s burst 30)`;
}

const errorText = (errors) =>
  Object.entries(errors)
    .map(([c, n]) => `${c} x${n}`)
    .join(", ") || "none";

/** The multi / catchup / idle results, IMSystem only. */
export function scaleReport(scale) {
  const lines = [`scale scenarios (IMSystem ${scale.route}; send limits ${describeLimits(scale.sendLimits)}):`];
  const one = scale.multiOne;
  const many = scale.multi;
  const side = (r) =>
    `${fmt(r.deliveredPerSec, 0)} delivered msgs/s, ${fmt(r.acceptedPerSec, 0)} accepted msgs/s,` +
    ` p50 ${fmt(r.latencyMs?.p50, 2)} ms, p99 ${fmt(r.latencyMs?.p99, 2)} ms` +
    ` (delivered ${r.delivered}/${r.expected}, lost ${r.lost}, dup ${r.duplicates}, seq gaps ${r.seqGaps},` +
    ` errors ${errorText(r.errors)}, cpu server ${r.cpuSeconds.server}s client ${r.cpuSeconds.client}s)`;
  if (one) lines.push(`  multi   1 x ${one.clientsPerConversation}: ${side(one)}`);
  if (many) lines.push(`  multi   ${many.conversations} x ${many.clientsPerConversation}: ${side(many)}`);
  if (one && many)
    lines.push(
      `  multi   ${many.conversations} conversations / 1 conversation, delivered msgs/s: ${ratio(many.deliveredPerSec, one.deliveredPerSec)}`,
    );
  const c = scale.catchup;
  if (c)
    lines.push(
      `  catchup ${c.missed} missed events (hello lastSeq ${c.lastSeq}, head ${c.head}):` +
        ` ${c.ms.map((ms) => `${fmt(ms, 1)} ms`).join(", ")} (socket open to last event)` +
        (c.complete ? "" : " INCOMPLETE or out of order"),
    );
  const i = scale.idle;
  if (i)
    lines.push(
      `  idle    ${i.sockets} idle sockets: Worker workerd RSS ${i.rssBeforeMiB} -> ${i.rssOpenedMiB} MiB on open` +
        ` -> ${i.rssIdleMiB} MiB after ${i.waitS} s silent;` +
        ` ${fmt(i.bytesPerSocketIdle === null ? null : i.bytesPerSocketIdle / 1024, 1)} KiB per socket (${i.stillOpen} still open)`,
    );
  return lines.join("\n");
}

/** Per target and scenario: did every message arrive once, in order, and what was refused. */
export function integrity(results) {
  const lines = [];
  for (const [target, scenarios] of Object.entries(results)) {
    for (const [name, r] of Object.entries(scenarios)) {
      if (!r || typeof r !== "object" || !("delivered" in r)) continue;
      lines.push(
        `${target.padEnd(15)} ${name.padEnd(5)} delivered ${r.delivered}/${r.expectedDeliveries}` +
          ` lost ${r.lost} dup ${r.duplicates} accepted ${r.accepted}/${r.messages}` +
          ` rate_limited(retried) ${r.rateLimitedRetries} errors ${errorText(r.errors)}` +
          (target.startsWith("imsystem") ? ` seq gaps ${r.seqGaps} repeats ${r.seqRepeats}` : "") +
          ` cpu client ${r.cpuSeconds.client}s server ${r.cpuSeconds.server ?? "-"}s` +
          (r.sendLagMs ? ` send lag p99 ${r.sendLagMs.p99}ms` : "") +
          (r.socketsClosed > 0 ? ` SOCKETS CLOSED ${r.socketsClosed}` : "") +
          (r.serverRestarted ? " SERVER PROCESS RESTARTED (wrangler reload?)" : "") +
          (r.complete ? "" : "  INCOMPLETE"),
      );
      for (const sample of r.errorSamples) lines.push(`    ${sample}`);
    }
  }
  return lines.join("\n");
}

/**
 * The project's goals (docs/benchmarks.md), reported, never enforced.
 * @param {Record<string, Record<string, any>>} results target -> scenario -> summary
 * @param {Record<string, any> | null} [scale] the scale scenarios' figures
 */
export function goals(results, scale = null) {
  const base = results.baseline;
  const out = [];
  for (const [name, label] of columnsOf("imsystem")) {
    const ims = results[name];
    if (!ims || !base) continue;
    if (ims.burst?.deliveredPerSec && base.burst?.deliveredPerSec)
      out.push(
        `goal (${label}) burst delivered msgs/s >= baseline: ${ims.burst.deliveredPerSec >= base.burst.deliveredPerSec ? "met" : "not met"}`,
      );
    if (ims.paced?.latencyMs && base.paced?.latencyMs)
      out.push(
        `goal (${label}) paced p99 <= 3x baseline: ${ims.paced.latencyMs.p99 <= 3 * base.paced.latencyMs.p99 ? "met" : "not met"}`,
      );
  }
  // Issue 16: with inbox notifications on, the paced tail within 1.5x of the least a durable room costs.
  const durable = results["floor-durable"]?.paced?.latencyMs;
  for (const [name, label] of columnsOf("imsystem")) {
    const withInboxes = results[name]?.["paced-inbox"]?.latencyMs;
    if (!withInboxes || !durable) continue;
    out.push(
      `goal (${label}) paced p99 with inbox sockets <= 1.5x durable floor: ${withInboxes.p99 <= 1.5 * durable.p99 ? "met" : "not met"} (${withInboxes.p99} ms vs ${durable.p99} ms, ${ratio(withInboxes.p99, durable.p99)}x)`,
    );
  }
  // For reference: the runtime alone (no checks; no log, then one SQLite row per message) against the same goal.
  for (const [name, label] of columnsOf("reference")) {
    const floor = results[name]?.paced?.latencyMs;
    if (floor && base?.paced?.latencyMs)
      out.push(
        `for reference, ${label} paced p99 <= 3x baseline: ${floor.p99 <= 3 * base.paced.latencyMs.p99 ? "met" : "not met"} (${floor.p99} ms vs ${base.paced.latencyMs.p99} ms)`,
      );
  }
  const one = scale?.multiOne;
  const many = scale?.multi;
  if (one?.deliveredPerSec && many?.deliveredPerSec)
    out.push(
      `goal multi ${many.conversations} conversations >= 0.8x one conversation: ${many.deliveredPerSec >= 0.8 * one.deliveredPerSec ? "met" : "not met"}`,
    );
  const c = scale?.catchup;
  if (c?.ms?.length)
    out.push(
      `goal catch-up of ${c.missed} under 1 s: ${c.complete && Math.max(...c.ms) < 1000 ? "met" : "not met"} (slowest ${Math.max(...c.ms)} ms)`,
    );
  return out.join("\n") || null;
}

export function writeResults(path, data) {
  const full = path.startsWith("/") ? path : `${root}${path}`;
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, `${JSON.stringify(data, null, 2)}\n`);
  return full;
}
