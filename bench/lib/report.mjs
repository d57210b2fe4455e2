// The printed header and table, and the raw results file.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, freemem, release, totalmem } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

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
  const deflate = config.deflate
    ? "ON for both (BENCH_DEFLATE=1: clients offer it, the baseline server enables it)"
    : "OFF for both (clients do not offer it, the baseline server disables it; BENCH_DEFLATE=1 turns it on)";
  return [
    `IMSystem bench, ${startedAt.toISOString()}`,
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.kernel}`,
    `node ${machine.node}, wrangler ${machine.wrangler}, ws ${machine.ws}`,
    `permessage-deflate: ${deflate}`,
    `clients: ${config.clients} in this one process, one conversation`,
    config.scenarios.includes("burst")
      ? `burst: ${config.burstSenders} senders x ${config.burstMessages} msgs, window ${config.window} unacked per sender`
      : null,
    config.scenarios.includes("paced")
      ? `paced: ${config.rate} msgs/s offered over ${config.pacedSenders} senders for ${config.duration} s`
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

/** @param {Record<string, Record<string, any>>} results target -> scenario -> summary */
export function table(results, config) {
  const ims = results.imsystem ?? {};
  const base = results.baseline ?? {};
  const rows = [["scenario", "metric", "IMSystem", "baseline", "IMSystem/baseline"]];
  const metric = (scenario, label, pick, digits) => {
    const a = ims[scenario] ? pick(ims[scenario]) : null;
    const b = base[scenario] ? pick(base[scenario]) : null;
    rows.push([scenario, label, fmt(a, digits), fmt(b, digits), ratio(a, b)]);
  };
  for (const s of config.scenarios) {
    metric(s, "delivered msgs/s", (r) => r.deliveredPerSec, 0);
    metric(s, "accepted msgs/s", (r) => r.acceptedPerSec, 0);
    metric(s, "latency p50 ms", (r) => r.latencyMs?.p50, 2);
    metric(s, "latency p99 ms", (r) => r.latencyMs?.p99, 2);
    metric(s, "latency max ms", (r) => r.latencyMs?.max, 2);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** Per target and scenario: did every message arrive once, in order, and what was refused. */
export function integrity(results) {
  const lines = [];
  for (const [target, scenarios] of Object.entries(results)) {
    for (const [name, r] of Object.entries(scenarios)) {
      if (!r || typeof r !== "object" || !("delivered" in r)) continue;
      const errors = Object.entries(r.errors)
        .map(([code, n]) => `${code} x${n}`)
        .join(", ");
      lines.push(
        `${target.padEnd(8)} ${name.padEnd(5)} delivered ${r.delivered}/${r.expectedDeliveries}` +
          ` lost ${r.lost} dup ${r.duplicates} accepted ${r.accepted}/${r.messages}` +
          ` rate_limited(retried) ${r.rateLimitedRetries} errors ${errors || "none"}` +
          (target === "imsystem" ? ` seq gaps ${r.seqGaps} repeats ${r.seqRepeats}` : "") +
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

/** The project's goals (docs/benchmarks.md), reported, never enforced. */
export function goals(results) {
  const ims = results.imsystem;
  const base = results.baseline;
  if (!ims || !base) return null;
  const out = [];
  if (ims.burst?.deliveredPerSec && base.burst?.deliveredPerSec)
    out.push(
      `goal burst delivered msgs/s >= baseline: ${ims.burst.deliveredPerSec >= base.burst.deliveredPerSec ? "met" : "not met"}`,
    );
  if (ims.paced?.latencyMs && base.paced?.latencyMs)
    out.push(
      `goal paced p99 <= 3x baseline: ${ims.paced.latencyMs.p99 <= 3 * base.paced.latencyMs.p99 ? "met" : "not met"}`,
    );
  return out.join("\n") || null;
}

export function writeResults(path, data) {
  const full = path.startsWith("/") ? path : `${root}${path}`;
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, `${JSON.stringify(data, null, 2)}\n`);
  return full;
}
