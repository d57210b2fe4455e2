// The big-group scenario's printed table, ratios and issue-16 targets
// (docs/benchmarks.md "Big groups"). Reported, never enforced.

const fmt = (v, digits = 1) =>
  v === null || v === undefined ? "-" : Number(v).toLocaleString("en-US", { maximumFractionDigits: digits });
const ratio = (a, b) => (a === null || a === undefined || !b ? "-" : (a / b).toFixed(2));

/** Issue 16's targets for "every inbox updated" p99, plain and with 20 ms injected per inbox call. */
export const INBOX_TARGETS = [
  { size: 1000, online: 1000, plainMs: 300, delayedMs: 1000 },
  { size: 10000, online: 1000, plainMs: 1000, delayedMs: 3000 },
];
/** The size whose ack and live delivery must stay within `RATIO_LIMIT`x of the 2-member group's. */
export const RATIO_SIZE = 10000;
export const RATIO_LIMIT = 2;

const passLabel = (delayMs) => (delayMs > 0 ? `+${delayMs} ms/call` : "plain");

/** @param {Record<string, any>} b what bigGroupScenario returned */
export function bigGroupReport(b) {
  const cols = [];
  for (const size of b.sizes)
    for (const pass of b.passes) cols.push({ head: `${fmt(size, 0)} ${passLabel(pass.delayMs)}`, r: pass.sizes[size] });
  const rows = [["metric", ...cols.map((c) => c.head)]];
  const row = (label, pick) => rows.push([label, ...cols.map(({ r }) => (r && !r.error ? pick(r) : "-"))]);
  row("members / online / live", (r) => `${fmt(r.members, 0)} / ${fmt(r.online, 0)} / ${r.live}`);
  row("sender's ack p50 ms", (r) => fmt(r.ackMs?.p50, 2));
  row("sender's ack p99 ms", (r) => fmt(r.ackMs?.p99, 2));
  row("live delivery p50 ms", (r) => fmt(r.liveMs?.p50, 2));
  row("live delivery p99 ms", (r) => fmt(r.liveMs?.p99, 2));
  row("live delivery max ms", (r) => fmt(r.liveMs?.max, 2));
  row("every inbox updated p50 ms", (r) => fmt(r.inboxMs?.p50, 1));
  row("every inbox updated p99 ms", (r) => fmt(r.inboxMs?.p99, 1));
  row("every inbox updated max ms", (r) => fmt(r.inboxMs?.max, 1));
  row("last inbox per message p50 ms", (r) => fmt(r.lastInboxMs?.p50, 1));
  row("first message, last inbox ms", (r) => fmt(r.warmUp?.coldLastInboxMs, 0));
  row("missing ack / live / inbox", (r) => `${r.missing.acks} / ${r.missing.live} / ${r.missing.inbox}`);
  row("server cpu s", (r) => fmt(r.serverCpuSeconds, 2));
  row("machine load (1 min) before, after", (r) => r.loadAverage?.join(", ") ?? "-");
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  const out = [
    `big group (IMSystem ${b.route ?? "-"}; ${b.messages} messages ${fmt(b.spacingMs, 0)} ms apart after 2 warm-up messages;` +
      ` inbox sockets: every member up to ${fmt(b.online, 0)}, above it an even sample of ${fmt(b.online, 0)};` +
      ` ${b.live} members on the conversation socket; "+N ms/call": ${b.delayVar}=N):`,
    line(rows[0]),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map(line),
  ];
  for (const pass of b.passes) {
    const two = pass.sizes[2];
    for (const size of b.sizes.filter((s) => s !== 2)) {
      const big = pass.sizes[size];
      if (!two || two.error || !big || big.error) continue;
      out.push(
        `  ${fmt(size, 0)} / 2 members (${passLabel(pass.delayMs)}): ack p50 ${ratio(big.ackMs?.p50, two.ackMs?.p50)}x p99 ${ratio(big.ackMs?.p99, two.ackMs?.p99)}x,` +
          ` live p50 ${ratio(big.liveMs?.p50, two.liveMs?.p50)}x p99 ${ratio(big.liveMs?.p99, two.liveMs?.p99)}x`,
      );
    }
  }
  for (const pass of b.passes)
    for (const [size, r] of Object.entries(pass.sizes))
      if (r?.error)
        out.push(`  ${fmt(Number(size), 0)} members (${passLabel(pass.delayMs)}): not measured: ${r.error}`);
  const builds = Object.entries(b.seed.buildMs).map(([size, ms]) => `${fmt(Number(size), 0)}: ${fmt(ms / 1000, 1)} s`);
  out.push(
    `  seeding through the public API: ${fmt(b.seed.users, 0)} pooled users registered in ${fmt(b.seed.registerMs / 1000, 1)} s;` +
      ` group builds (registering, befriending, adding) ${builds.join(", ") || "-"}` +
      (b.seed.rateLimitedWaits ? `; ${b.seed.rateLimitedWaits} calls waited out a 429 (per-user budgets)` : ""),
  );
  if (b.error) out.push(`  big-group stopped early: ${b.error}`);
  return out.join("\n");
}

/** Issue 16's big-group targets, each judged only where its shape was measured. */
export function bigGroupGoals(b) {
  const out = [];
  const plain = b.passes.find((p) => p.delayMs === 0);
  const delayed = b.passes.find((p) => p.delayMs > 0);
  for (const t of INBOX_TARGETS) {
    if (!b.sizes.includes(t.size)) continue;
    const shape = `${fmt(t.size, 0)} members, ${t.online === t.size ? "all" : fmt(t.online, 0)} online`;
    const judge = (pass, limit, what) => {
      if (!pass) return;
      const r = pass.sizes[t.size];
      const head = `goal big group ${shape}${what}: every inbox updated p99 <= ${fmt(limit, 0)} ms:`;
      if (!r || r.error) out.push(`${head} not measured${r?.error ? ` (${r.error})` : ""}`);
      else if (r.online !== t.online)
        out.push(`${head} not judged (${r.online} online, the target is for ${t.online})`);
      else if (r.missing.inbox > 0) out.push(`${head} not met (${r.missing.inbox} inbox updates never arrived)`);
      else out.push(`${head} ${r.inboxMs.p99 <= limit ? "met" : "not met"} (${fmt(r.inboxMs.p99, 1)} ms)`);
    };
    judge(plain, t.plainMs, "");
    const note = delayed && delayed.delayMs !== 20 ? " (the target assumes 20)" : "";
    judge(delayed, t.delayedMs, delayed ? `, ${delayed.delayMs} ms per inbox call${note}` : "");
  }
  if (b.sizes.includes(RATIO_SIZE)) {
    for (const pass of b.passes) {
      const two = pass.sizes[2];
      const big = pass.sizes[RATIO_SIZE];
      const head = `goal big group ${fmt(RATIO_SIZE, 0)} members (${passLabel(pass.delayMs)}): ack and live delivery within ${RATIO_LIMIT}x the 2-member group's:`;
      if (!two || two.error || !big || big.error) {
        out.push(`${head} not measured${big?.error ? ` (${big.error})` : ""}`);
        continue;
      }
      const ratios = [
        big.ackMs?.p50 / two.ackMs?.p50,
        big.ackMs?.p99 / two.ackMs?.p99,
        big.liveMs?.p50 / two.liveMs?.p50,
        big.liveMs?.p99 / two.liveMs?.p99,
      ];
      const met = ratios.every((x) => Number.isFinite(x) && x <= RATIO_LIMIT);
      out.push(
        `${head} ${met ? "met" : "not met"} (ack p50/p99 ${ratios[0].toFixed(2)}x/${ratios[1].toFixed(2)}x, live p50/p99 ${ratios[2].toFixed(2)}x/${ratios[3].toFixed(2)}x)`,
      );
    }
  }
  return out.join("\n") || null;
}
