// The check that keeps user-chosen strings out of plain-object keys (issue 13):
// the Biome plugin scripts/biome/no-string-keyed-object.grit flags the syntax
// such a lookup needs, this file proves it does, and every place that opts out
// with `biome-ignore lint/plugin` is a reviewed exception listed here.
import { describe, expect, it } from "vitest";

/** The few node calls used here; typed locally because worker/tsconfig.json has only Workers types. */
interface Fs {
  readdirSync(path: string): string[];
  readFileSync(path: string, encoding: "utf8"): string;
  statSync(path: string): { isDirectory(): boolean };
  mkdtempSync(prefix: string): string;
  writeFileSync(path: string, data: string): void;
  rmSync(path: string, opts: { recursive: true; force: true }): void;
}
interface ChildProcess {
  spawnSync(cmd: string, args: string[], opts: { encoding: "utf8" }): { stdout: string; status: number | null };
}
// Non-literal specifiers keep tsc from resolving node types; vitest runs this file in plain Node from the repo root.
const [nodeFs, nodeChild, nodeOs, nodeProcess] = ["node:fs", "node:child_process", "node:os", "node:process"];
const fs: Fs = await import(/* @vite-ignore */ nodeFs);
const child: ChildProcess = await import(/* @vite-ignore */ nodeChild);
const os: { tmpdir(): string } = await import(/* @vite-ignore */ nodeOs);
const proc: { cwd(): string } = await import(/* @vite-ignore */ nodeProcess);
const join = (...parts: string[]) => parts.join("/");

/** Each place allowed to opt out, with how many opt-outs it has. Adding one means reviewing why its keys are safe. */
const REVIEWED = new Map([
  // The wire's JSON shape of reactions; readers take own entries only.
  ["worker/protocol.ts", 1],
  // The folded reactions written back as the wire's shape; the fold reads them through a Map.
  ["worker/conversation/reactions.ts", 1],
  // Stored reactions parsed into own data properties only (RPC cannot carry a null prototype).
  ["worker/conversation/sqlite-rows.ts", 1],
  // Own entries copied into a fresh object that is only serialized again.
  ["worker/conversation/erasure.ts", 1],
  // i18n placeholder names are written in code and our tables; read with Object.hasOwn.
  ["web/src/i18n/index.ts", 1],
]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (fs.statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

interface Diagnostic {
  category: string;
  location: { path: string; start: { line: number } };
}

/** Runs only the plugin over `files` (in a config of its own) and returns the flagged lines per file. */
function pluginHits(dir: string): Map<string, number[]> {
  const grit = join(proc.cwd(), "scripts/biome/no-string-keyed-object.grit");
  fs.writeFileSync(
    join(dir, "biome.json"),
    JSON.stringify({
      plugins: [grit],
      linter: { enabled: true, rules: { recommended: false } },
      formatter: { enabled: false },
      assist: { enabled: false },
    }),
  );
  const run = child.spawnSync("npx", ["biome", "lint", `--config-path=${dir}`, "--reporter=json", dir], {
    encoding: "utf8",
  });
  const report: unknown = JSON.parse(run.stdout);
  if (
    typeof report !== "object" ||
    report === null ||
    !("diagnostics" in report) ||
    !Array.isArray(report.diagnostics)
  ) {
    throw new Error(`biome gave no JSON report: ${run.stdout.slice(0, 200)}`);
  }
  const hits = new Map<string, number[]>();
  for (const d of report.diagnostics as Diagnostic[]) {
    if (d.category !== "plugin") continue;
    const name = d.location.path.split("/").at(-1) ?? "";
    hits.set(name, [...(hits.get(name) ?? []), d.location.start.line]);
  }
  return hits;
}

describe("no user-chosen string as a plain-object key", () => {
  it("the Biome plugin flags each risky pattern and leaves Maps, literal keys and own-field reads alone", () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), "safe-keys-"));
    try {
      const risky = [
        "export const a: Record<string, number> = {};",
        "export type B = { [key: string]: number };",
        "export const c = (k: string, v: number) => ({ [k]: v });",
        "export const d = (k: string, o: { x?: number }) => { const { [k]: _, ...rest } = o as never; return rest; };",
        "export const e = (k: string, o: object) => k in o;",
        "export const f = (m: Map<string, number>) => Object.fromEntries(m);",
        "export const g = (o: unknown) => o as Readonly<Record<string, unknown>>;",
        "export class H { [key: string]: number }",
      ];
      const safe = [
        "export const i = new Map<string, number>();",
        'export const j = { ["literal"]: 1, [`template`]: 2 };',
        'export const k = (o: object) => "type" in o;',
        'export const l: Record<"a" | "b", number> = { a: 1, b: 2 };',
        "export const m = (o: { x?: number }) => o.x ?? 0;",
      ];
      fs.writeFileSync(join(dir, "risky.ts"), `${risky.join("\n")}\n`);
      fs.writeFileSync(join(dir, "safe.ts"), `${safe.join("\n")}\n`);
      const hits = pluginHits(dir);
      expect(hits.get("risky.ts")).toEqual(risky.map((_, i) => i + 1));
      expect(hits.get("safe.ts")).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("biome.json runs the plugin on worker/ and web/src", () => {
    const config: unknown = JSON.parse(fs.readFileSync("biome.json", "utf8"));
    expect(config).toMatchObject({
      plugins: [
        {
          path: "./scripts/biome/no-string-keyed-object.grit",
          includes: expect.arrayContaining(["worker/**/*.ts", "web/src/**/*.ts", "web/src/**/*.tsx"]),
        },
      ],
    });
  });

  it("opts out only at the reviewed exceptions", () => {
    const found = new Map<string, number>();
    for (const file of [...sources("worker"), ...sources(join("web", "src"))]) {
      const n = fs.readFileSync(file, "utf8").split("biome-ignore lint/plugin").length - 1;
      if (n > 0 && file !== "worker/test/safe-keys.node.test.ts") found.set(file, n);
    }
    expect(found).toEqual(REVIEWED);
  });
});
