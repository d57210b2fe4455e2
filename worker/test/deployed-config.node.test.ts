// The test-only switches that let the Worker reach plain-http servers on the
// loopback (the tests' fake push service and preview pages) and the bench's
// inbox-call delay are off in every configuration wrangler.toml deploys: the
// top level and each [env.*]. Each has the fan-out queue with its dead letters.
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

/** `key = value` lines of each `[[<prefix>queues.<kind>]]` entry, in order, by environment ("" for the top level). */
function queueEntries(toml: string, kind: "producers" | "consumers"): Map<string, Map<string, string>[]> {
  const out = new Map<string, Map<string, string>[]>();
  let current: Map<string, string> | null = null;
  for (const line of toml.split("\n")) {
    const header = /^\s*\[+([^\]]+)\]+\s*$/.exec(line);
    if (header) {
      const m = new RegExp(`^(?:env\\.([^.]+)\\.)?queues\\.${kind}$`).exec(header[1]?.trim() ?? "");
      current = m ? new Map() : null;
      if (m && current) out.set(m[1] ?? "", [...(out.get(m[1] ?? "") ?? []), current]);
      continue;
    }
    const pair = /^\s*([a-z_]+)\s*=\s*"?([^"\s]*)"?/.exec(line);
    if (current && pair) current.set(pair[1] ?? "", pair[2] ?? "");
  }
  return out;
}

describe("deployed configurations", () => {
  const toml = fs.readFileSync("wrangler.toml", "utf8");
  const tables = varsTables(toml);

  it("have the insecure push and link-preview switches off, in all three", () => {
    expect([...tables.keys()].sort()).toEqual(["env.production.vars", "env.staging.vars", "vars"]);
    for (const [name, vars] of tables) {
      expect(vars.get("PUSH_ALLOW_INSECURE_ENDPOINTS"), name).toBe("false");
      expect(vars.get("PREVIEW_ALLOW_INSECURE"), name).toBe("false");
    }
  });

  it("wait for no injected delay before inbox calls, in all three", () => {
    for (const [name, vars] of tables) expect(vars.get("INBOX_CALL_DELAY_MS"), name).toBe("0");
  });

  it("each produce to and consume the fan-out queue, with a dead-letter queue that is consumed too", () => {
    const producers = queueEntries(toml, "producers");
    const consumers = queueEntries(toml, "consumers");
    expect([...producers.keys()].sort()).toEqual(["", "production", "staging"]);
    for (const [envName, list] of producers) {
      const queue = list.find((p) => p.get("binding") === "FANOUT")?.get("queue") ?? "";
      expect(queue, envName).toMatch(/^imsystem-fanout/);
      const main = consumers.get(envName)?.find((c) => c.get("queue") === queue);
      expect(main?.get("dead_letter_queue"), envName).toBe(`${queue}-dlq`);
      expect(main?.get("max_batch_size"), envName).toBe("4");
      expect(
        consumers.get(envName)?.some((c) => c.get("queue") === `${queue}-dlq`),
        envName,
      ).toBe(true);
    }
  });
});
