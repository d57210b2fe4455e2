// A frozen copy of the Worker for one bench run. `wrangler dev` rebuilds and
// restarts workerd whenever a watched source file changes (it has no flag to
// stop watching), which closes every socket mid-run; in a tree where others
// are editing that voids the numbers. Running it from a copy that nobody
// edits avoids that. node_modules is linked, not copied; .dev.vars is not
// copied: scripts/dev-vars.mjs gives the copy fresh random secrets.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const COPY = [
  "worker",
  "migrations",
  "scripts",
  "web/dist",
  "wrangler.toml",
  "package.json",
  "tsconfig.json",
  ".dev.vars.example",
];

/** Which commit the run measured, and whether the Worker had uncommitted changes. */
export function sourceState() {
  const git = (args) => spawnSync("git", args, { cwd: root, encoding: "utf8" });
  const head = git(["rev-parse", "--short", "HEAD"]);
  const status = git(["status", "--porcelain", "--", "worker", "migrations", "wrangler.toml"]);
  return {
    commit: head.status === 0 ? head.stdout.trim() : "unknown",
    workerUncommittedFiles: status.status === 0 ? status.stdout.split("\n").filter(Boolean).length : null,
  };
}

/**
 * @returns {{dir: string, startDevServer: Function, remove: () => void}} the
 * copy and the copy's own scripts/lib/dev-server.mjs (its root is the copy).
 */
export async function snapshotProject() {
  const dir = mkdtempSync(join(tmpdir(), "imsystem-bench-src-"));
  try {
    for (const rel of COPY) {
      if (existsSync(join(root, rel))) cpSync(join(root, rel), join(dir, rel), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    const mod = await import(pathToFileURL(join(dir, "scripts/lib/dev-server.mjs")).href);
    return { dir, startDevServer: mod.startDevServer, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
