import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClients, connectClients } from "../lib/clients.mjs";
import { readConfig } from "../lib/config.mjs";
import { burst, paced } from "../lib/scenarios.mjs";
import { startBaselineTarget } from "../lib/targets.mjs";

// The whole harness against the real baseline server, at a tiny size.
describe("bench against the baseline server", () => {
  const stops: (() => Promise<void>)[] = [];
  const config = readConfig(
    ["--clients=5", "--burst-messages=20", "--burst-rounds=2", "--window=4", "--rate=100", "--duration=0.5"],
    {},
  );
  let target: Awaited<ReturnType<typeof startBaselineTarget>>;
  let clients: Awaited<ReturnType<typeof connectClients>>;

  beforeAll(async () => {
    target = await startBaselineTarget(config, (fn: () => Promise<void>) => stops.push(fn));
    clients = await connectClients(target, config.clients, false);
  });
  afterAll(async () => {
    await closeClients(clients ?? []);
    for (const stop of stops) await stop();
  });

  it("burst delivers every message to every client exactly once", async () => {
    const r = await burst({ clients, config, target, tag: "t1", serverPids: target.serverPids });
    expect(r).toMatchObject({ messages: 200, delivered: 1000, lost: 0, duplicates: 0, accepted: 200, complete: true });
    expect(r.roundMs).toHaveLength(2);
    expect(r.deliveredPerSec).toBeGreaterThan(0);
  });

  it("paced sends rate x duration messages and measures a latency for each delivery", async () => {
    const r = await paced({ clients, config, target, tag: "t2", serverPids: target.serverPids });
    expect(r).toMatchObject({ messages: 50, delivered: 250, lost: 0, complete: true, senders: 5 });
    expect(r.latencyMs.count).toBe(250);
    expect(r.latencyMs.p99).toBeLessThanOrEqual(r.latencyMs.max);
  });
});
