import { describe, expect, it } from "vitest";
import { readConfig } from "../lib/config.mjs";
import { listeningPorts, rssBytes } from "../lib/procs.mjs";
import { goals, scaleReport, table } from "../lib/report.mjs";

const side = (deliveredPerSec: number) => ({
  conversations: 100,
  clientsPerConversation: 5,
  deliveredPerSec,
  acceptedPerSec: deliveredPerSec / 5,
  latencyMs: { p50: 1, p99: 2 },
  delivered: 50,
  expected: 50,
  lost: 0,
  duplicates: 0,
  seqGaps: 0,
  errors: {},
  cpuSeconds: { server: 1, client: 1 },
});

describe("bench config", () => {
  it("runs every scenario through both routes by default and refuses unknown routes and scenarios", () => {
    const config = readConfig([], {});
    expect(config.scenarios).toEqual(["burst", "paced", "paced-inbox", "multi", "catchup", "idle"]);
    expect(config.timeout).toBe(300);
    expect(config.route).toBe("both");
    expect(readConfig(["--route=direct", "--scenarios=catchup"], {})).toMatchObject({
      route: "direct",
      scenarios: ["catchup"],
    });
    expect(() => readConfig(["--route=sideways"], {})).toThrow(/BENCH_ROUTE/);
    expect(() => readConfig(["--scenarios=burst,nope"], {})).toThrow(/unknown scenario/);
    expect(() => readConfig([], { BENCH_MULTI_CONVERSATIONS: "0" })).toThrow(/must be > 0/);
  });

  it("runs big-group only when asked, with sorted sizes and a hard limit that grows with the largest", () => {
    const config = readConfig(["--scenarios=big-group", "--big-group-sizes=10000,1000"], {});
    expect(config.scenarios).toEqual(["big-group"]);
    expect(config.bigGroupSizes).toEqual([1000, 10000]);
    expect(config.timeout).toBeGreaterThan(readConfig(["--scenarios=big-group", "--big-group-sizes=1000"], {}).timeout);
    expect(readConfig(["--timeout=60", "--scenarios=big-group"], {}).timeout).toBe(60);
    expect(() => readConfig(["--big-group-sizes=1000,2"], {})).toThrow(/BENCH_BIG_GROUP_SIZES/);
    expect(readConfig(["--big-group-online=10", "--big-group-live=50"], {}).bigGroupLive).toBe(10);
  });
});

describe("bench report", () => {
  it("prints both IMSystem routes against the baseline, with a ratio for each", () => {
    const r = (n: number) => ({ deliveredPerSec: n, acceptedPerSec: n / 50, latencyMs: { p50: 1, p99: 2, max: 3 } });
    const text = table(
      { imsystem: { burst: r(50) }, "imsystem-direct": { burst: r(100) }, baseline: { burst: r(200) } },
      { scenarios: ["burst"] },
    );
    const [head, , delivered] = text.split("\n");
    expect(head).toMatch(/IMSystem proxy\s+IMSystem direct\s+baseline\s+proxy\/baseline\s+direct\/baseline/);
    expect(delivered).toMatch(/50\s+100\s+200\s+0\.25\s+0\.50$/);
  });

  it("judges IMSystem's paced tail and reports both floors against the same 3x line, in their own columns", () => {
    const paced = (p99: number) => ({ paced: { latencyMs: { p50: 1, p99, max: 9 } } });
    const results = {
      "imsystem-direct": paced(3.5),
      baseline: paced(1),
      floor: paced(2.5),
      "floor-durable": paced(3.2),
    };
    expect(goals(results).split("\n")).toEqual([
      "goal (IMSystem direct) paced p99 <= 3x baseline: not met",
      "for reference, workerd floor paced p99 <= 3x baseline: met (2.5 ms vs 1 ms)",
      "for reference, durable floor paced p99 <= 3x baseline: not met (3.2 ms vs 1 ms)",
    ]);
    const lines = table(results, { scenarios: ["paced"] }).split("\n");
    const head = lines[0];
    const p99 = lines.find((l) => l.includes("latency p99"));
    expect(head).toMatch(
      /IMSystem direct\s+baseline\s+workerd floor\s+durable floor\s+direct\/baseline\s+floor\/baseline\s+durable floor\/baseline$/,
    );
    expect(p99).toMatch(/latency p99 ms\s+3\.5\s+1\s+2\.5\s+3\.2\s+3\.50\s+2\.50\s+3\.20$/);
  });

  it("judges the paced tail with inbox sockets against 1.5x the durable floor, and leaves the references out of that row", () => {
    const lat = (p99: number) => ({ latencyMs: { p50: 1, p99, max: 9 } });
    const results = {
      imsystem: { paced: lat(3), "paced-inbox": lat(4.5) },
      "imsystem-direct": { paced: lat(3), "paced-inbox": lat(5) },
      "floor-durable": { paced: lat(3) },
    };
    expect(goals(results).split("\n")).toEqual([
      "goal (IMSystem proxy) paced p99 with inbox sockets <= 1.5x durable floor: met (4.5 ms vs 3 ms, 1.50x)",
      "goal (IMSystem direct) paced p99 with inbox sockets <= 1.5x durable floor: not met (5 ms vs 3 ms, 1.67x)",
    ]);
    const row = table(results, { scenarios: ["paced-inbox"] })
      .split("\n")
      .find((l) => l.startsWith("paced-inbox  latency p99"));
    expect(row).toMatch(/4\.5\s+5\s+-$/);
  });

  it("states raised send limits, the multi ratio and the catch-up and idle figures, and judges the goals", () => {
    const scale = {
      route: "direct to the Worker's workerd",
      sendLimits: { SEND_RATE_PER_SECOND: "1000000", SEND_BURST: "1000000" },
      multiOne: { ...side(1000), conversations: 1 },
      multi: side(700),
      catchup: { missed: 10000, lastSeq: 1, head: 10001, ms: [120, 1100], complete: true },
      idle: {
        sockets: 500,
        waitS: 15,
        rssBeforeMiB: 100,
        rssOpenedMiB: 110,
        rssIdleMiB: 109,
        bytesPerSocketIdle: 20480,
        stillOpen: 500,
      },
    };
    const text = scaleReport(scale);
    expect(text).toContain("RAISED to 1000000/s");
    expect(text).toContain("100 conversations / 1 conversation, delivered msgs/s: 0.70");
    expect(text).toContain("120 ms, 1,100 ms");
    expect(text).toContain("20 KiB per socket");
    expect(goals({}, scale)).toBe(
      "goal multi 100 conversations >= 0.8x one conversation: not met\ngoal catch-up of 10000 under 1 s: not met (slowest 1100 ms)",
    );
  });
});

describe("bench process helpers", () => {
  it("reads this process's RSS and finds no listening port for a process without sockets", () => {
    expect(rssBytes(process.pid)).toBeGreaterThan(1024 * 1024);
    expect(rssBytes(2 ** 30)).toBeNull();
    expect(listeningPorts([2 ** 30])).toEqual([]);
  });
});
