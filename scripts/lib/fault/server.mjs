// A `wrangler dev` that can be killed like a crashed host: SIGKILL to wrangler
// and every workerd under it, then restarted on the same persist dir.
import { openSync, readdirSync, readFileSync } from "node:fs";
import { devArgs, freePort, wrangler } from "../dev-server.mjs";

export { freePort };

/** Every descendant pid of `pid`, read from /proc (children first found, then theirs). */
export function descendants(pid) {
  const parentOf = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name may hold spaces or parens: ppid is the 2nd field after the last ")".
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(name), ppid);
    } catch {
      // the process ended while we listed
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift();
    for (const [child, parent] of parentOf) {
      if (parent === p && !out.includes(child)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * One wrangler dev process in its own process group (detached), so a kill
 * reaches workerd too. `kill()` is SIGKILL to the group and to every
 * descendant found in /proc, in case one moved to another group.
 */
export class DevServer {
  /** @param {{port: number, persistDir: string, logFile: string, vars: Record<string,string>}} opts */
  constructor(opts) {
    this.opts = opts;
    this.url = `http://127.0.0.1:${opts.port}`;
    this.child = null;
    this.starts = 0;
  }

  async start(deadlineMs = 60_000) {
    const { port, persistDir, logFile, vars } = this.opts;
    const log = openSync(logFile, "a");
    this.child = wrangler(devArgs({ port, inspectorPort: await freePort(), persistDir, logLevel: "warn", vars }), {
      detached: true,
      stdio: ["ignore", log, log],
    });
    this.starts += 1;
    const child = this.child;
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode} (see ${logFile})`);
      try {
        const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`wrangler dev not healthy within ${deadlineMs} ms (see ${logFile})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGKILL wrangler and all its workerd processes; returns how many pids were killed. */
  killHard() {
    const child = this.child;
    if (!child?.pid) return 0;
    const pids = [child.pid, ...descendants(child.pid)];
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // group already gone
    }
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already dead
      }
    }
    this.child = null;
    return pids.length;
  }

  /** Waits until every killed pid is gone (so the port and SQLite files are free). */
  async waitDead(pids, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return !pids.some(alive);
  }

  pids() {
    return this.child?.pid ? [this.child.pid, ...descendants(this.child.pid)] : [];
  }
}
