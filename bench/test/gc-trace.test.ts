import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GcLog, gcReport } from "../lib/gc-trace.mjs";

// Lines as V8 12-14 prints them under `--trace-gc` (taken from a workerd run).
const busy = (ms: number, kind: string, pause: string) =>
  `[9750:0x333c3fcc2000]    ${ms} ms: ${kind} 19.4 (29.4) -> 14.1 (29.4) MB, pooled: 13.8 MB, ${pause} / 0.00 ms (average mu = 0.992, current mu = 0.992) allocation failure; \n`;
const helper = (ms: number) =>
  `[9750:0x333c3f51e000]    ${ms} ms: Scavenge 2.2 (3.5) -> 1.9 (4.2) MB, pooled: 0.0 MB, 9.90 / 0.00 ms (average mu = 1.000, current mu = 1.000) allocation failure; \n`;

describe("GcLog", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), "gc-trace-"));
    dirs.push(dir);
    return join(dir, "gc.log");
  };

  it("counts only the pauses after the offset, for the isolate that collected most", () => {
    const path = file();
    writeFileSync(path, busy(100, "Mark-Compact", "99.00"));
    const log = new GcLog(path);
    const from = log.offset();
    appendFileSync(
      path,
      busy(200, "Scavenge", "4.41") +
        helper(210) +
        '{"level":"info","message":"a structured log line"}\n' +
        busy(700, "Mark-Compact", "14.83") +
        busy(1800, "Scavenge", "3.94") +
        busy(2300, "Mark-Compact", "16.22"),
    );
    expect(log.summary(from)).toEqual({
      isolates: 2,
      markCompact: { count: 2, maxMs: 16.22, totalMs: 31.05 },
      young: { count: 2, maxMs: 4.41, totalMs: 8.35 },
    });
  });

  it("reports nothing collected when no GC line arrived", () => {
    const path = file();
    writeFileSync(path, "");
    const log = new GcLog(path);
    expect(log.summary(log.offset())).toEqual({
      isolates: 0,
      markCompact: { count: 0, maxMs: 0, totalMs: 0 },
      young: { count: 0, maxMs: 0, totalMs: 0 },
    });
  });

  it("prints one line per scenario that has GC figures", () => {
    const gc = {
      isolates: 1,
      markCompact: { count: 5, maxMs: 34.3, totalMs: 108.28 },
      young: { count: 9, maxMs: 4.38, totalMs: 31.72 },
    };
    const text = gcReport({ "imsystem-direct": { paced: { gc }, burst: {} }, baseline: { paced: {} } });
    expect(text.split("\n")).toEqual([
      "imsystem-direct paced gc pauses: mark-compact 5 (max 34.3 ms, total 108.28 ms), young 9 (max 4.38 ms, total 31.72 ms)",
    ]);
  });
});
