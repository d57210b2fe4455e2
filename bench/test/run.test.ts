import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { Client } from "../lib/clients.mjs";
import { Run } from "../lib/scenario.mjs";
import { summarize } from "../lib/stats.mjs";

/** A Client over a fake socket that records what it sends. */
function fakeClient(idx: number) {
  const ws = Object.assign(new EventEmitter(), {
    sent: [] as string[],
    send(text: string) {
      this.sent.push(text);
    },
  });
  return { client: new Client(idx, ws, () => []), ws };
}

function frameText(sent: string) {
  const frame: unknown = JSON.parse(sent);
  if (typeof frame !== "object" || frame === null || !("text" in frame) || !("clientId" in frame))
    throw new Error("not a send frame");
  return { text: String(frame.text), clientId: String(frame.clientId) };
}

function makeRun(opts: { total: number; receivers: number; echoIsAck?: boolean }) {
  const fakes = Array.from({ length: opts.receivers }, (_, i) => fakeClient(i));
  const run = new Run({
    name: "burst",
    clients: fakes.map((f) => f.client),
    total: opts.total,
    senderOf: () => 0,
    echoIsAck: opts.echoIsAck ?? false,
    pad: 0,
    retryMs: 5,
    tag: "t",
  });
  return { run, fakes };
}

describe("Run bookkeeping", () => {
  it("counts a missing delivery as lost and a repeated one as duplicate", () => {
    const { run, fakes } = makeRun({ total: 2, receivers: 2 });
    run.send(0);
    run.send(1);
    const [m0, m1] = fakes[0].ws.sent.map(frameText);
    for (const c of fakes) run.onMessage(c.client, m0.text, m0.clientId, performance.now());
    run.onMessage(fakes[0].client, m1.text, m1.clientId, performance.now());
    run.onMessage(fakes[0].client, m1.text, m1.clientId, performance.now());
    run.onAck(fakes[0].client, m0.clientId, performance.now());
    run.onAck(fakes[0].client, m1.clientId, performance.now());
    const s = run.summary();
    expect(s.delivered).toBe(3);
    expect(s.lost).toBe(1);
    expect(s.duplicates).toBe(1);
    expect(s.accepted).toBe(2);
    expect(s.complete).toBe(false);
  });

  it("retries a rate-limited send with the same clientId and send time, and counts it", async () => {
    const { run, fakes } = makeRun({ total: 1, receivers: 1 });
    run.send(0);
    const first = fakes[0].ws.sent[0];
    run.onError(fakes[0].client, {
      t: "error",
      code: "rate_limited",
      clientId: frameText(first).clientId,
      message: "",
    });
    await vi.waitFor(() => expect(fakes[0].ws.sent).toHaveLength(2));
    expect(fakes[0].ws.sent[1]).toBe(first);
    expect(run.summary().rateLimitedRetries).toBe(1);
  });

  it("takes other refusals out of the expected deliveries and reports them by code", () => {
    const { run, fakes } = makeRun({ total: 1, receivers: 3 });
    run.send(0);
    const { clientId } = frameText(fakes[0].ws.sent[0]);
    run.onError(fakes[0].client, { t: "error", code: "forbidden", clientId, message: "no" });
    const s = run.summary();
    expect(s.errors).toEqual({ forbidden: 1 });
    expect(s.expectedDeliveries).toBe(0);
    expect(s.lost).toBe(0);
    expect(s.complete).toBe(true);
  });

  it("treats the sender's own echo as its ack when the server has no acks", () => {
    const { run, fakes } = makeRun({ total: 1, receivers: 2, echoIsAck: true });
    run.send(0);
    const m = frameText(fakes[0].ws.sent[0]);
    run.onMessage(fakes[1].client, m.text, m.clientId, performance.now());
    expect(run.summary().accepted).toBe(0);
    run.onMessage(fakes[0].client, m.text, m.clientId, performance.now());
    expect(run.summary()).toMatchObject({ accepted: 1, delivered: 2, complete: true });
  });

  it("keeps each message's earliest delivery apart from the spread of the rest", () => {
    const { run, fakes } = makeRun({ total: 2, receivers: 3 });
    run.send(0);
    run.send(1);
    const [m0, m1] = fakes[0].ws.sent.map(frameText);
    const sentAt = (t: string) => Number(t.split(" ")[3]);
    // Message 0 reaches its receivers after 1, 5 and 9 ms; message 1 after 3 and 4 ms (one never).
    const deliver = (m: { text: string; clientId: string }, delays: number[]) => {
      for (const [i, ms] of delays.entries()) run.onMessage(fakes[i].client, m.text, m.clientId, sentAt(m.text) + ms);
    };
    deliver(m0, [9, 1, 5]);
    deliver(m1, [4, 3]);
    const s = run.summary();
    expect(s.firstDeliveryMs).toMatchObject({ count: 2, p50: 1, max: 3 });
    expect(s.latencyMs).toMatchObject({ count: 5, max: 9 });
  });

  it("ignores messages of another scenario instead of counting them", () => {
    const { run, fakes } = makeRun({ total: 1, receivers: 1 });
    run.onMessage(fakes[0].client, "bench paced 0 1.0", "x", performance.now());
    run.onMessage(fakes[0].client, "hello there", null, performance.now());
    expect(run.summary()).toMatchObject({ delivered: 0, foreign: 2 });
  });
});

describe("Client seq check", () => {
  it("counts gaps and repeats in the seq order it receives", () => {
    const { client } = fakeClient(0);
    for (const seq of [1, 2, 5, 5, 4, 6]) client.handle({ t: "event", seq }, 0);
    expect(client.seqGaps).toBe(2);
    expect(client.seqRepeats).toBe(2);
  });
});

describe("summarize", () => {
  it("gives nearest-rank percentiles", () => {
    const samples = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(samples, 100)).toMatchObject({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(summarize(samples, 0)).toBeNull();
  });
});
