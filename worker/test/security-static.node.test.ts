// Static guards for the web client: no HTML sink for user text and a strict
// CSP in the headers file the platform serves with the PWA.
import { describe, expect, it } from "vitest";

/** The few node:fs calls used here; typed locally because worker/tsconfig.json has only Workers types. */
interface Fs {
  readdirSync(path: string): string[];
  readFileSync(path: string, encoding: "utf8"): string;
  statSync(path: string): { isDirectory(): boolean };
}
// A non-literal specifier keeps tsc from resolving node types; vitest runs this file in plain Node from the repo root.
const nodeFs = "node:fs";
const fs: Fs = await import(/* @vite-ignore */ nodeFs);
const { readdirSync, readFileSync, statSync } = fs;
const join = (...parts: string[]) => parts.join("/");
const root = ".";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("web client", () => {
  it("has no HTML sink: no dangerouslySetInnerHTML, innerHTML, outerHTML, insertAdjacentHTML, document.write or eval", () => {
    const sinks =
      /dangerouslySetInnerHTML|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/;
    const offenders = sources(join(root, "web", "src")).filter((f) => sinks.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("ships a CSP that allows only same-origin scripts, no plugins, no framing", () => {
    const headers = readFileSync(join(root, "web", "public", "_headers"), "utf8");
    const csp = /Content-Security-Policy:\s*(.+)/.exec(headers)?.[1] ?? "";
    const directives = new Map(
      csp.split(";").map((d) => {
        const [name = "", ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get("script-src") ?? directives.get("default-src")).toEqual(["'self'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("base-uri")).toEqual(["'none'"]);
    expect(headers).toMatch(/X-Content-Type-Options:\s*nosniff/);
  });
});
