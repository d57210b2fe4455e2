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

const git = (args, opts = {}) => spawnSync("git", args, { cwd: root, encoding: "utf8", ...opts });

/**
 * Which commit the run measured, and whether the Worker had uncommitted
 * changes; with `ref` (BENCH_SOURCE), that ref's commit (nothing uncommitted).
 */
export function sourceState(ref = "") {
  if (ref) {
    const commit = git(["rev-parse", "--short", `${ref}^{commit}`]);
    if (commit.status !== 0) throw new Error(`BENCH_SOURCE: "${ref}" is not a commit in this repository`);
    return { ref, commit: commit.stdout.trim(), workerUncommittedFiles: 0 };
  }
  const head = git(["rev-parse", "--short", "HEAD"]);
  const status = git(["status", "--porcelain", "--", "worker", "migrations", "wrangler.toml"]);
  return {
    commit: head.status === 0 ? head.stdout.trim() : "unknown",
    workerUncommittedFiles: status.status === 0 ? status.stdout.split("\n").filter(Boolean).length : null,
  };
}

/**
 * Writes the COPY paths as committed at `ref` into `dir` (git archive, so
 * no worktree is touched); web/dist (built, not committed) comes from this tree.
 */
function extractRef(ref, dir) {
  const listed = git(["ls-tree", "--name-only", ref, "--", ...COPY]);
  if (listed.status !== 0) throw new Error(`BENCH_SOURCE: git ls-tree ${ref} failed: ${listed.stderr}`);
  const paths = listed.stdout.split("\n").filter(Boolean);
  const archive = git(["archive", "--format=tar", ref, "--", ...paths], { encoding: "buffer", maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new Error(`BENCH_SOURCE: git archive ${ref} failed: ${archive.stderr}`);
  const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`BENCH_SOURCE: tar failed: ${untar.stderr}`);
  if (existsSync(join(root, "web/dist"))) cpSync(join(root, "web/dist"), join(dir, "web/dist"), { recursive: true });
}

/**
 * @param {string} [ref] a git ref to run instead of the working tree (BENCH_SOURCE);
 *   node_modules stays this tree's, so the ref must not need other packages
 * @returns {{dir: string, startDevServer: Function, remove: () => void}} the
 * copy and the copy's own scripts/lib/dev-server.mjs (its root is the copy).
 */
export async function snapshotProject(ref = "") {
  const dir = mkdtempSync(join(tmpdir(), "imsystem-bench-src-"));
  try {
    if (ref) extractRef(ref, dir);
    else
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
