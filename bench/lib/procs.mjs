// Child processes the bench starts (the baseline server, wrangler dev and
// its workerd children): start, find, measure and stop them by pid only.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "../../scripts/lib/dev-server.mjs";

/** A free TCP port on 127.0.0.1, so the bench never collides with a dev server on 8787. */
export { freePort };

const baselineScript = fileURLToPath(new URL("../baseline-server.mjs", import.meta.url));
// Linux reports process CPU time in clock ticks; 100/s on every common kernel config.
const CLOCK_TICKS = 100;

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces; fields after ")" are fixed.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(rest[1]), cpuTicks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}

/** The pid and every live descendant of it, read from /proc. */
export function processTree(rootPid) {
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(name));
    children.set(stat.ppid, list);
  }
  const out = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift();
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU seconds used so far per pid, labelled with the process name (/proc/<pid>/comm). */
export function cpuByProcess(pids) {
  const out = new Map();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat) continue;
    let name = "?";
    try {
      name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      // exited in between
    }
    out.set(pid, { name, seconds: stat.cpuTicks / CLOCK_TICKS });
  }
  return out;
}

/** User+system CPU seconds used so far by these pids (the ones still alive). */
export function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.cpuTicks ?? 0;
  return ticks / CLOCK_TICKS;
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits up to `graceMs` for these pids to exit on their own (workerd shuts
 * down after wrangler), then SIGKILLs the stragglers. Returns the killed pids.
 */
export async function reapLeftovers(pids, graceMs = 5000) {
  const deadline = performance.now() + graceMs;
  while (pids.some(isAlive) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const killed = [];
  for (const pid of pids) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // exited in between
    }
  }
  return killed;
}

/**
 * Starts bench/baseline-server.mjs in its own process (so its event loop is
 * not shared with the 50 clients, as workerd's is not either).
 * @returns {Promise<{url: string, pid: number, stop: () => Promise<void>}>}
 */
export async function startBaseline({ port, deflate }) {
  const args = [baselineScript, "--port", String(port), ...(deflate ? ["--deflate"] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("baseline server did not start within 10 s")), 10_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`baseline server exited with ${code}`));
    });
    child.stdout.on("data", (chunk) => {
      if (String(chunk).includes("listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** TCP ports (IPv4) on which these pids listen, with the owning pid and fd, from /proc/net/tcp and each pid's fds. */
export function listeningPorts(pids) {
  const inodes = new Map();
  for (const pid of pids) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.set(m[1], { pid, fd: Number(fd) });
      } catch {
        // closed in between
      }
    }
  }
  const out = [];
  let table = "";
  try {
    table = readFileSync("/proc/net/tcp", "utf8");
  } catch {
    return out;
  }
  for (const line of table.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    // f[1] local address hex ip:port, f[3] state (0A = LISTEN), f[9] inode
    if (f.length < 10 || f[3] !== "0A" || !inodes.has(f[9])) continue;
    out.push({ port: Number.parseInt(f[1].split(":")[1], 16), ...inodes.get(f[9]) });
  }
  // Lowest fd first: a server opens its main listening socket before the others.
  return out.sort((a, b) => a.fd - b.fd);
}

/** Resident memory of a process in bytes (VmRSS), or null when it is gone. */
export function rssBytes(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
