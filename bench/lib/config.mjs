// Benchmark knobs: every one can be set as an env var (BENCH_CLIENTS=20) or a
// flag (--clients=20). Defaults are sized to finish in well under 3 minutes
// on a 2-core machine, and to keep each IMSystem user inside the contract's
// per-user send limit (10/s, burst 30), so the numbers measure delivery and
// not the rate limiter.

/**
 * burst and paced run on every target; paced-inbox (paced again, every
 * client's user now also holding an inbox socket) on IMSystem only; the
 * scale scenarios (lib/scale.mjs) and big-group (lib/big-group.mjs) are
 * IMSystem-only. big-group seeds thousands of users and runs its own
 * wrangler dev twice, so it is not in the default list.
 */
export const LOAD_SCENARIOS = ["burst", "paced", "paced-inbox"];
export const SCALE_SCENARIOS = ["multi", "catchup", "idle"];
export const BIG_SCENARIOS = ["big-group"];
export const SCENARIOS = [...LOAD_SCENARIOS, ...SCALE_SCENARIOS, ...BIG_SCENARIOS];
/** The load scenarios only IMSystem runs (the baseline and the floors have no inboxes). */
export const IMSYSTEM_ONLY_LOAD = ["paced-inbox"];
const DEFAULT_SCENARIOS = [...LOAD_SCENARIOS, ...SCALE_SCENARIOS];

const DEFAULTS = {
  target: "both", // both | baseline | imsystem
  scenarios: DEFAULT_SCENARIOS.join(","),
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
  timeout: 0, // hard limit for the whole run in seconds; 0 = by the scenarios (300 s, plus the big-group estimate)
  retryMs: 200,
  out: "bench/results/latest.json",
  quiet: true,
  snapshot: true, // run wrangler dev from a frozen copy of the Worker (see lib/snapshot.mjs)
  floor: true, // also measure the workerd floors (a bare broadcast Durable Object, and one that stores each frame first), each under its own wrangler dev with IMSystem's flags
  inboxSockets: false, // each IMSystem client also holds an inbox socket, as the PWA does (see docs/benchmarks.md)
  localObservability: false, // wrangler's local tracing of every invocation (X_LOCAL_OBSERVABILITY); see docs/benchmarks.md
  traceGc: false, // V8 --trace-gc in the Worker's and the floor's workerd: GC pauses per scenario (lib/gc-trace.mjs)
  bigGroupSizes: "1000,10000", // big-group sizes measured beside the 2-member group (the ratio baseline)
  bigGroupOnline: 1000, // inbox sockets open per group: every member up to this many, above it an even sample
  bigGroupLive: 50, // of those, members also on the conversation socket (the senders rotate over them)
  bigGroupMessages: 10, // measured messages per group and pass, after 2 warm-up messages
  bigGroupSpacing: 1000, // ms between two measured messages (open loop)
  bigGroupDelay: 20, // ms: the second pass runs wrangler dev with --var INBOX_CALL_DELAY_MS:<this>; 0 = no second pass
  bigGroupAddChunk: 500, // user ids per POST /api/conversations/:id/members while seeding
  source: "", // a git ref (branch, commit) whose Worker wrangler dev runs instead of the working tree; needs snapshot
  history: true, // then `npm run bench:history` (the 1,000,000-message page), when the run succeeded
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
  const sizes = config.bigGroupSizes.split(",").map((s) => Number(s.trim()));
  for (const n of sizes)
    if (!Number.isInteger(n) || n < 3)
      throw new Error(`BENCH_BIG_GROUP_SIZES: each size must be an integer >= 3, got "${n}"`);
  config.bigGroupSizes = [...new Set(sizes)].sort((a, b) => a - b);
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
    "bigGroupOnline",
    "bigGroupLive",
    "bigGroupMessages",
    "bigGroupAddChunk",
  ]) {
    if (config[key] === 0) throw new Error(`${toEnvName(key)} must be > 0`);
  }
  // The contract caps a message text at 4000 characters; the bench's own prefix needs ~40.
  if (config.pad > 3900) throw new Error("BENCH_PAD must be <= 3900 (message text limit 4000)");
  config.clients = Math.floor(config.clients);
  config.burstSenders = Math.min(Math.floor(config.burstSenders), config.clients);
  config.pacedSenders = config.pacedSenders === 0 ? config.clients : Math.min(config.pacedSenders, config.clients);
  config.bigGroupLive = Math.min(config.bigGroupLive, config.bigGroupOnline);
  if (config.source && !config.snapshot) throw new Error("BENCH_SOURCE needs the frozen copy (BENCH_SNAPSHOT on)");
  if (config.timeout === 0) config.timeout = autoTimeout(config);
  return config;
}

/**
 * The hard limit when BENCH_TIMEOUT is not given: 300 s for the default
 * scenarios; big-group adds its seeding (0.16-0.3 s a user registered and
 * befriended on the shared 2-core machine, taken at 0.35 s) and per pass
 * and size three minutes of sockets and warm-up (1,000 inbox sockets took
 * 24-160 s to open there) plus the messages.
 */
export function autoTimeout(config) {
  let s = 300;
  if (config.scenarios.includes("big-group")) {
    const largest = Math.max(...config.bigGroupSizes);
    const passes = config.bigGroupDelay > 0 ? 2 : 1;
    const phases = passes * (config.bigGroupSizes.length + 1);
    s +=
      Math.ceil(largest * 0.35) + phases * Math.ceil(180 + (config.bigGroupMessages * config.bigGroupSpacing) / 1000);
  }
  return s;
}

export function describeKnobs() {
  return Object.entries(DEFAULTS)
    .map(([k, v]) => `  ${toEnvName(k).padEnd(22)} --${toFlagName(k).padEnd(16)} default ${v}`)
    .join("\n");
}
