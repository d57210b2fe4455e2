// The test-only switches that let the Worker reach plain-http servers on the
// loopback (the tests' fake push service and preview pages) are off in every
// configuration wrangler.toml deploys: the top level and each [env.*].
import { describe, expect, it } from "vitest";

interface Fs {
  readFileSync(path: string, encoding: "utf8"): string;
}
// A non-literal specifier keeps tsc from resolving node types; vitest runs this file in plain Node from the repo root.
const nodeFs = "node:fs";
const fs: Fs = await import(/* @vite-ignore */ nodeFs);

/** `KEY = "value"` lines of each `[vars]` / `[env.NAME.vars]` table, by table name. */
function varsTables(toml: string): Map<string, Map<string, string>> {
  const tables = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const line of toml.split("\n")) {
    const header = /^\s*\[+([^\]]+)\]+\s*$/.exec(line);
    if (header) {
      const name = header[1]?.trim() ?? "";
      current = name === "vars" || /^env\.[^.]+\.vars$/.test(name) ? new Map() : null;
      if (current) tables.set(name, current);
      continue;
    }
    const pair = /^\s*([A-Z0-9_]+)\s*=\s*"([^"]*)"/.exec(line);
    if (current && pair) current.set(pair[1] ?? "", pair[2] ?? "");
  }
  return tables;
}

describe("deployed configurations", () => {
  const tables = varsTables(fs.readFileSync("wrangler.toml", "utf8"));

  it("have the insecure push and link-preview switches off, in all three", () => {
    expect([...tables.keys()].sort()).toEqual(["env.production.vars", "env.staging.vars", "vars"]);
    for (const [name, vars] of tables) {
      expect(vars.get("PUSH_ALLOW_INSECURE_ENDPOINTS"), name).toBe("false");
      expect(vars.get("PREVIEW_ALLOW_INSECURE"), name).toBe("false");
    }
  });
});
