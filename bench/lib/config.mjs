// Benchmark knobs: every one can be set as an env var (BENCH_CLIENTS=20) or a
// flag (--clients=20). Defaults are sized to finish in well under 3 minutes
// on a 2-core machine, and to keep each IMSystem user inside the contract's
// per-user send limit (10/s, burst 30), so the numbers measure delivery and
// not the rate limiter.

/** burst and paced run on every target; the rest are IMSystem-only scale scenarios (lib/scale.mjs). */
export const LOAD_SCENARIOS = ["burst", "paced"];
export const SCALE_SCENARIOS = ["multi", "catchup", "idle"];
export const SCENARIOS = [...LOAD_SCENARIOS, ...SCALE_SCENARIOS];

const DEFAULTS = {
  target: "both", // both | baseline | imsystem
  scenarios: SCENARIOS.join(","),
  route: "both", // proxy | direct | both: IMSystem through wrangler's proxy, direct to the Worker's workerd, or both
  clients: 50,
  burstSenders: 50,
  burstMessages: 30,
  burstRounds: 3,
  window: 10,
  rate: 250,
  duration: 10,
  pacedSenders: 0, // 0 = every client
  pad: 0,
  multiConversations: 100,
  multiClients: 5,
  multiMessages: 20, // per sender in the many-conversation phase; the 1-conversation phase sends the same total
  catchupMessages: 10000,
  catchupRepeats: 3,
  idleSockets: 500,
  idleWait: 15, // seconds the idle sockets stay silent before memory is read
  deflate: false,
  drain: 10,
  timeout: 240,
  retryMs: 200,
  out: "bench/results/latest.json",
  quiet: true,
  snapshot: true, // run wrangler dev from a frozen copy of the Worker (see lib/snapshot.mjs)
  floor: true, // also measure the workerd floors (a bare broadcast Durable Object, and one that stores each frame first), each under its own wrangler dev with IMSystem's flags
  inboxSockets: false, // each IMSystem client also holds an inbox socket, as the PWA does (see docs/benchmarks.md)
  localObservability: false, // wrangler's local tracing of every invocation (X_LOCAL_OBSERVABILITY); see docs/benchmarks.md
  traceGc: false, // V8 --trace-gc in the Worker's and the floor's workerd: GC pauses per scenario (lib/gc-trace.mjs)
};

const toEnvName = (key) => `BENCH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
const toFlagName = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function coerce(key, raw) {
  const fallback = DEFAULTS[key];
  if (typeof fallback === "boolean") return raw === "" || /^(1|true|yes|on)$/i.test(raw);
  if (typeof fallback === "number") {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${toEnvName(key)} must be a non-negative number, got "${raw}"`);
    return n;
  }
  return raw;
}

/** @param {string[]} argv @param {Record<string, string | undefined>} env */
export function readConfig(argv = process.argv.slice(2), env = process.env) {
  const flags = new Map();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument "${arg}" (use --name=value)`);
    flags.set(m[1], m[2] ?? "");
  }
  const config = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    const raw = flags.has(toFlagName(key)) ? flags.get(toFlagName(key)) : env[toEnvName(key)];
    if (raw !== undefined) config[key] = coerce(key, raw);
    flags.delete(toFlagName(key));
  }
  if (flags.size > 0) throw new Error(`unknown flag(s): ${[...flags.keys()].map((f) => `--${f}`).join(", ")}`);

  if (!["both", "baseline", "imsystem"].includes(config.target))
    throw new Error(`BENCH_TARGET must be both, baseline or imsystem, got "${config.target}"`);
  const scenarios = config.scenarios.split(",").map((s) => s.trim());
  for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario "${s}"`);
  if (!["proxy", "direct", "both"].includes(config.route))
    throw new Error(`BENCH_ROUTE must be proxy, direct or both, got "${config.route}"`);
  config.scenarios = scenarios;
  for (const key of [
    "clients",
    "burstSenders",
    "burstMessages",
    "burstRounds",
    "window",
    "rate",
    "duration",
    "multiConversations",
    "multiClients",
    "multiMessages",
  ]) {
    if (config[key] === 0) throw new Error(`${toEnvName(key)} must be > 0`);
  }
  // The contract caps a message text at 4000 characters; the bench's own prefix needs ~40.
  if (config.pad > 3900) throw new Error("BENCH_PAD must be <= 3900 (message text limit 4000)");
  config.clients = Math.floor(config.clients);
  config.burstSenders = Math.min(Math.floor(config.burstSenders), config.clients);
  config.pacedSenders = config.pacedSenders === 0 ? config.clients : Math.min(config.pacedSenders, config.clients);
  return config;
}

export function describeKnobs() {
  return Object.entries(DEFAULTS)
    .map(([k, v]) => `  ${toEnvName(k).padEnd(22)} --${toFlagName(k).padEnd(16)} default ${v}`)
    .join("\n");
}
