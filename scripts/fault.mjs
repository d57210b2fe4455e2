// Fault injection (issue 7): 3 senders x 1000 messages while `wrangler dev`
// is SIGKILLed 5 times at random moments and restarted on the same persist
// dir. At the end every acked message must be in the log exactly once, at
// the seq its ack named, with no seq reused and no gap. Exits non-zero on any
// violation; stops everything it started on every path; bounded to 5 min.
//
// The send rate limit (10/s, burst 30 per user) and the frame budget (20/s,
// burst 60 per socket) are lifted for this run with --var SEND_RATE_PER_SECOND:1000
// --var SEND_BURST:1000 --var FRAME_RATE_PER_SECOND:1000 --var FRAME_BURST:1000.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateLocalD1 } from "./lib/dev-server.mjs";
import { Sender } from "./lib/fault/sender.mjs";
import { DevServer, freePort } from "./lib/fault/server.mjs";

const SENDERS = 3;
const PER_SENDER = Number(process.env.FAULT_MESSAGES ?? 1000);
const KILLS = Number(process.env.FAULT_KILLS ?? 5);
const HARD_LIMIT_MS = 5 * 60_000;
const started = Date.now();
const deadline = started + HARD_LIMIT_MS - 30_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const randomBetween = (min, max) => min + Math.random() * (max - min);
const log = (msg) => console.log(`[fault ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const work = mkdtempSync(join(tmpdir(), "imsys-fault-"));
const persistDir = join(work, "state");
mkdirSync(persistDir);
const server = new DevServer({
  port: await freePort(),
  persistDir,
  logFile: join(work, "wrangler.log"),
  vars: { SEND_RATE_PER_SECOND: "1000", SEND_BURST: "1000", FRAME_RATE_PER_SECOND: "1000", FRAME_BURST: "1000" },
});
/** @type {Sender[]} */
let senders = [];

function cleanup() {
  for (const s of senders) s.stop();
  server.killHard();
}
// Every exit path stops wrangler/workerd: normal end, errors, Ctrl-C, the hard timer.
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    process.exit(130);
  });
}
const hardTimer = setTimeout(() => {
  log("hard time limit reached");
  process.exit(3);
}, HARD_LIMIT_MS);
hardTimer.unref();

async function call(path, { token, body, method, ip } = {}) {
  const headers = { "CF-Connecting-IP": ip ?? "10.9.9.9" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${server.url}${path}`, {
    method: method ?? (body !== undefined ? "POST" : "GET"),
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method ?? "POST"} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function setup() {
  const users = [];
  for (let i = 0; i < SENDERS; i++) {
    const username = `fault${Date.now().toString(36)}${i}`;
    const r = await call("/api/auth/register", {
      body: { username, password: `pw-${crypto.randomUUID()}` },
      ip: `10.77.0.${i + 1}`,
    });
    users.push(r);
  }
  const [owner, ...others] = users;
  for (const o of others) {
    const { request } = await call("/api/friends/requests", { token: owner.accessToken, body: { userId: o.user.id } });
    await call(`/api/friends/requests/${request.id}/accept`, { token: o.accessToken, method: "POST" });
  }
  const { conversation } = await call("/api/conversations", {
    token: owner.accessToken,
    body: { kind: "group", title: "fault", memberIds: others.map((o) => o.user.id) },
  });
  return { users, conversationId: conversation.id };
}

async function readLog(conversationId, token) {
  const events = [];
  let head = 0;
  for (;;) {
    const after = events.at(-1)?.seq ?? 0;
    const page = await call(`/api/conversations/${conversationId}/events?after=${after}&limit=500`, { token });
    head = page.head;
    events.push(...page.events);
    if (page.events.length === 0 || after + page.events.length >= head) break;
  }
  return { events, head };
}

function verify(events, head, users) {
  const violations = [];
  const seqs = events.map((e) => e.seq);
  if (new Set(seqs).size !== seqs.length) violations.push("a seq appears twice in the log");
  for (let i = 0; i < seqs.length; i++) {
    if (seqs[i] !== i + 1) {
      violations.push(`gap or disorder at position ${i}: seq ${seqs[i]}`);
      break;
    }
  }
  if (head !== events.length) violations.push(`head ${head} but ${events.length} events`);
  const bySender = new Map();
  for (const e of events) {
    if (e.type !== "message") continue;
    const key = `${e.senderId}/${e.clientId}`;
    if (bySender.has(key)) violations.push(`duplicate (sender, clientId) ${key} at ${bySender.get(key)} and ${e.seq}`);
    else bySender.set(key, e.seq);
  }
  for (const [i, s] of senders.entries()) {
    const userId = users[i].user.id;
    for (const [clientId, seq] of s.acked) {
      const at = bySender.get(`${userId}/${clientId}`);
      if (at === undefined) violations.push(`acked ${clientId} (seq ${seq}) is missing from the log`);
      else if (at !== seq) violations.push(`acked ${clientId} as seq ${seq} but the log has it at ${at}`);
    }
    for (let n = 0; n < PER_SENDER; n++) {
      if (!bySender.has(`${userId}/${s.id(n)}`)) violations.push(`${s.id(n)} never reached the log`);
    }
    violations.push(...s.violations.map((v) => `${s.o.tag}: ${v}`));
  }
  const messages = events.filter((e) => e.type === "message").length;
  if (messages !== SENDERS * PER_SENDER)
    violations.push(`${messages} messages in the log, expected ${SENDERS * PER_SENDER}`);
  return violations;
}

async function killer() {
  const kills = [];
  for (let k = 1; k <= KILLS; k++) {
    // A random moment while the senders are busy (or, late in the run, whenever).
    await sleep(randomBetween(1500, 4500));
    const pids = server.pids();
    const acked = senders.reduce((n, s) => n + s.acked.size, 0);
    server.killHard();
    const dead = await server.waitDead(pids);
    log(
      `kill ${k}/${KILLS}: SIGKILL ${pids.length} pids (wrangler + workerd), all dead: ${dead}, acked so far ${acked}`,
    );
    if (!dead) throw new Error(`pids survived SIGKILL: ${pids.join(",")}`);
    await sleep(randomBetween(100, 800));
    const t = Date.now();
    await server.start();
    log(`restart ${k}: healthy after ${Date.now() - t} ms`);
    kills.push({ ackedBefore: acked });
  }
  return kills;
}

let exitCode = 1;
try {
  migrateLocalD1(persistDir);
  await server.start();
  log(`wrangler dev up at ${server.url}, persist dir ${persistDir}`);
  const { users, conversationId } = await setup();
  senders = users.map(
    (u, i) =>
      new Sender({
        url: server.url,
        conversationId,
        token: u.accessToken,
        userId: u.user.id,
        tag: "abc"[i],
        total: PER_SENDER,
        // Paced so that sending spans the kills: ~1000 messages in ~20 s of uptime.
        intervalMs: 20,
        window: 200,
        deadline,
      }),
  );
  const [kills] = await Promise.all([killer(), ...senders.map((s) => s.run())]);
  const sendersDoneAt = Date.now();
  const { events, head } = await readLog(conversationId, users[0].accessToken);
  const violations = verify(events, head, users);
  const summary = {
    messages: SENDERS * PER_SENDER,
    kills: kills.length,
    ackedBeforeEachKill: kills.map((k) => k.ackedBefore),
    serverStarts: server.starts,
    head,
    resent: senders.map((s) => s.resent),
    resendsAlreadyInLog: senders.map((s) => s.repeatsAnswered),
    reconnects: senders.map((s) => s.reconnects),
    rateLimited: senders.map((s) => s.rateLimited),
    seconds: Math.round((sendersDoneAt - started) / 1000),
    violations: violations.length,
  };
  log(`summary ${JSON.stringify(summary)}`);
  if (kills.length < KILLS) violations.push(`only ${kills.length} kills happened`);
  if (violations.length > 0) {
    for (const v of violations.slice(0, 50)) console.error(`VIOLATION: ${v}`);
    exitCode = 1;
  } else {
    log("OK: every acked message is in the log once, at its acked seq; no gap, no reused seq, no duplicate");
    exitCode = 0;
  }
} catch (err) {
  console.error(`fault run failed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 2;
} finally {
  cleanup();
  if (exitCode === 0) rmSync(work, { recursive: true, force: true });
  else console.error(`kept ${work} (wrangler.log, persisted state) for inspection`);
}
process.exit(exitCode);
