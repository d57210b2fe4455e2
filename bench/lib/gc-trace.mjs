// BENCH_TRACE_GC=1: V8's garbage-collector pauses in the Worker's workerd
// during each scenario, from `--trace-gc` (docs/benchmarks.md, round 6). A
// stop-the-world pause holds every frame that arrives meanwhile, so these
// lines explain a latency tail that no CPU profile of our code shows.
import { closeSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const WRAPPER = fileURLToPath(new URL("./workerd-trace-gc.sh", import.meta.url));

// "[pid:0xisolate]  1234 ms: Mark-Compact 18.9 (29.0) -> 3.4 (29.0) MB, pooled: 15.2 MB, 15.41 / 0.00 ms ..."
const LINE =
  /^\[(\d+):(0x[0-9a-f]+)\]\s+\d+ ms: (Scavenge|Minor Mark-Sweep|Mark-Compact)\b[^,]*,.*?([\d.]+) \/ [\d.]+ ms/;

/** Reads the GC lines one workerd appended to its log file. */
export class GcLog {
  constructor(path) {
    this.path = path;
  }

  /** Where the file ends now: a scenario reads from here on. */
  offset() {
    try {
      return statSync(this.path).size;
    } catch {
      return 0;
    }
  }

  /**
   * Pauses since `from`, for the isolate that collected most (the one that
   * runs the objects under load; wrangler's helper isolates collect rarely).
   */
  summary(from) {
    const end = this.offset();
    const buf = Buffer.alloc(Math.max(0, end - from));
    const fd = openSync(this.path, "r");
    try {
      readSync(fd, buf, 0, buf.length, from);
    } finally {
      closeSync(fd);
    }
    const byIsolate = new Map();
    for (const line of buf.toString("utf8").split("\n")) {
      const m = LINE.exec(line);
      if (!m) continue;
      const key = `${m[1]}:${m[2]}`;
      const list = byIsolate.get(key) ?? [];
      list.push({ kind: m[3] === "Mark-Compact" ? "markCompact" : "young", ms: Number(m[4]) });
      byIsolate.set(key, list);
    }
    const busiest = [...byIsolate.values()].sort((a, b) => b.length - a.length)[0] ?? [];
    const stats = (kind) => {
      const ms = busiest.filter((p) => p.kind === kind).map((p) => p.ms);
      const round = (v) => Math.round(v * 100) / 100;
      return { count: ms.length, maxMs: round(Math.max(0, ...ms)), totalMs: round(ms.reduce((a, b) => a + b, 0)) };
    };
    return { isolates: byIsolate.size, markCompact: stats("markCompact"), young: stats("young") };
  }
}

/**
 * The extra environment for one `wrangler dev` and the log to read, or null
 * when tracing is off. Every start gets a fresh file next to the results.
 */
export async function gcTrace(config, name) {
  if (!config.traceGc) return null;
  // workerd's package is CommonJS: its exports (the binary's path is `default`) arrive as `default`.
  const { default: workerd } = await import("workerd");
  const path = join(dirname(resolve(config.out)), `gc-${name}.log`);
  writeFileSync(path, "");
  return {
    env: {
      MINIFLARE_WORKERD_PATH: WRAPPER,
      MINIFLARE_WORKERD_V8_FLAGS: "--trace-gc",
      BENCH_REAL_WORKERD: workerd.default,
      BENCH_GC_LOG: path,
    },
    log: new GcLog(path),
  };
}

/** One report line per scenario that has GC figures. */
export function gcReport(results) {
  const lines = [];
  for (const [target, scenarios] of Object.entries(results)) {
    for (const [name, r] of Object.entries(scenarios ?? {})) {
      if (!r?.gc) continue;
      const { markCompact: mc, young } = r.gc;
      lines.push(
        `${target.padEnd(15)} ${name.padEnd(5)} gc pauses: mark-compact ${mc.count} (max ${mc.maxMs} ms, total ${mc.totalMs} ms),` +
          ` young ${young.count} (max ${young.maxMs} ms, total ${young.totalMs} ms)`,
      );
    }
  }
  return lines.join("\n");
}
