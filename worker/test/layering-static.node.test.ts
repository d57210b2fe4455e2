// Static guards for the worker's layout: D1 is reached only through
// worker/db/, the conversation's pure core imports nothing from its host,
// and no two folders import each other both ways.
import { describe, expect, it } from "vitest";

/** The few node:fs calls used here; typed locally because worker/tsconfig.json has only Workers types. */
interface Fs {
  readdirSync(path: string): string[];
  readFileSync(path: string, encoding: "utf8"): string;
  statSync(path: string): { isDirectory(): boolean };
  existsSync(path: string): boolean;
}
// A non-literal specifier keeps tsc from resolving node types; vitest runs this file in plain Node from the repo root.
const nodeFs = "node:fs";
const fs: Fs = await import(/* @vite-ignore */ nodeFs);

/** Every non-test source file under `dir`, as a path from the repo root. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (fs.statSync(path).isDirectory()) return name === "test" ? [] : sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The specifiers a file imports or re-exports (static imports only: the worker has no dynamic ones). */
function importsOf(path: string): string[] {
  const text = fs.readFileSync(path, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1] ?? "");
}

/** A relative specifier of `from` as a repo path (with its .ts file), or null for a package. */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const parts = from.split("/").slice(0, -1);
  for (const p of spec.split("/")) {
    if (p === "..") parts.pop();
    else if (p !== ".") parts.push(p);
  }
  const base = parts.join("/");
  return fs.existsSync(`${base}.ts`) ? `${base}.ts` : `${base}/index.ts`;
}

const folderOf = (path: string) => path.split("/")[1] ?? "";

const workerFiles = sources("worker");

describe("D1 access", () => {
  it("happens only in worker/db/: no drizzle, D1 prepare/batch/exec or drizzle-orm import elsewhere", () => {
    const d1Call = /\bdrizzle\s*\(|\b(?:DB|d1|db)\s*\.\s*(?:prepare|batch|exec|dump)\s*\(/;
    const offenders = workerFiles.filter(
      (f) =>
        !f.startsWith("worker/db/") &&
        (d1Call.test(fs.readFileSync(f, "utf8")) || importsOf(f).some((s) => s.startsWith("drizzle-orm"))),
    );
    expect(offenders).toEqual([]);
  });

  it("the guard itself sees a D1 call (it would not pass vacuously)", () => {
    expect(
      workerFiles.some((f) => f.startsWith("worker/db/") && /\bdrizzle\s*\(/.test(fs.readFileSync(f, "utf8"))),
    ).toBe(true);
  });
});

describe("the conversation's pure core", () => {
  const core = ["log", "room", "membership", "frames"].map((n) => `worker/conversation/${n}.ts`);
  // The host: platform APIs, the D1 module, auth, the inbox, the objects' kit.
  const hostPackage = (spec: string) => spec.startsWith("cloudflare:") || spec.startsWith("drizzle-orm");
  const hostFolders = new Set(["auth", "inbox", "db", "do", "routes", "files", "social", "push"]);
  const hostFiles = new Set(["worker/conversation/object.ts", "worker/index.ts", "worker/app.ts"]);

  it("imports nothing from its host, directly or through the files it imports", () => {
    const seen = new Set<string>();
    const queue = [...core];
    const offenders: string[] = [];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of importsOf(file)) {
        const target = resolve(file, spec);
        if (target === null) {
          if (hostPackage(spec)) offenders.push(`${file} -> ${spec}`);
          continue;
        }
        if (hostFolders.has(folderOf(target)) || hostFiles.has(target)) offenders.push(`${file} -> ${spec}`);
        else queue.push(target);
      }
    }
    expect(offenders).toEqual([]);
    expect(seen.size).toBeGreaterThan(core.length);
  });
});

describe("the objects' kit", () => {
  it("socket hosting and alarms import nothing but the wire, the HTTP basics and each other", () => {
    const kit = ["socket-host", "alarms", "sockets", "upgrade"].map((n) => `worker/do/${n}.ts`);
    const allowed = (target: string) =>
      target === "worker/protocol.ts" || kit.includes(target) || ["http", "shared"].includes(folderOf(target));
    const offenders = kit.flatMap((file) =>
      importsOf(file).flatMap((spec) => {
        const target = resolve(file, spec);
        return target !== null && !allowed(target) ? [`${file} -> ${spec}`] : [];
      }),
    );
    expect(offenders).toEqual([]);
  });
});

describe("folders", () => {
  it("never import each other both ways", () => {
    const edges = new Set<string>();
    for (const file of workerFiles) {
      for (const spec of importsOf(file)) {
        const target = resolve(file, spec);
        if (target === null) continue;
        const [a, b] = [folderOf(file), folderOf(target)];
        // Files directly in worker/ (index, app, protocol, ids) are the entry and the shared base.
        if (a !== b && a.includes(".") === false && b.includes(".") === false) edges.add(`${a}>${b}`);
      }
    }
    const cycles = [...edges].filter((e) => {
      const [a, b] = e.split(">");
      return a !== undefined && b !== undefined && a < b && edges.has(`${b}>${a}`);
    });
    expect(cycles).toEqual([]);
    expect(edges.size).toBeGreaterThan(10);
  });
});
