// Attack pass on issue 17: a frame's pre-append lookup (the D1 read of a
// group mention's blocks, of a sent file, a forward's RPC to its source) ran
// for every frame the socket budget let through (20/s, burst 60, per
// socket, 10 sockets per user) though the send budget (10/s, burst 30 per
// user) refuses most of them right after: a burst of mention frames cost a
// D1 read each, all of them queued ahead of every other member's frames.
// A sender whose send budget is spent gets no lookup; the apply refuses the
// frame as rate_limited anyway.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { join, makeGroup, stubOf } from "./conversation-fixtures";
import { signUp, waitFor } from "./helpers";
import { inOneRateWindow } from "./rate-window";

interface Gate {
  run: (...args: unknown[]) => unknown;
}

interface Sources {
  mentionBlocks: (senderId: string, ids: readonly string[]) => Promise<unknown> | null;
}

describe("pre-append lookups and the send budget", () => {
  it("a burst of 60 mention frames starts at most the send burst of block lookups while they are slow", async () => {
    const [a, b] = await Promise.all([signUp("pfa"), signUp("pfb")]);
    const group = await makeGroup(a, [b]);
    let lookups = 0;
    let arrived = 0;
    // The lookups are held (a slow D1, the attack's own doing) until every frame has arrived:
    // then nothing is applied meanwhile, and only the send budget can stop new lookups.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await runInDurableObject(stubOf(group.id), (instance: unknown) => {
      const sources = (instance as { factSources: Sources }).factSources;
      const real = sources.mentionBlocks.bind(sources);
      sources.mentionBlocks = (senderId, ids) => {
        lookups++;
        const answer = real(senderId, ids);
        return answer === null ? null : held.then(() => answer);
      };
      const gate = (instance as { prefetch: Gate }).prefetch;
      const run = gate.run.bind(gate);
      gate.run = (...args: unknown[]) => {
        arrived++;
        return run(...args);
      };
    });
    await inOneRateWindow(async () => {
      const s = await join(group.id, a);
      lookups = 0;
      arrived = 0;
      const started = Date.now();
      const text = `@[b](u:${b.user.id}) look`;
      for (let i = 0; i < 60; i++)
        s.send({ type: "send", clientId: `m${i}-${crypto.randomUUID()}`, kind: "text", text });
      await waitFor(() => arrived >= 60, 10_000, "60 frames at the object");
      const seconds = (Date.now() - started) / 1000;
      const atMost = Math.floor(30 + 10 * seconds) + 1;
      expect(lookups).toBeLessThanOrEqual(atMost);
      release();
      await waitFor(
        () => s.frames.filter((f) => f.type === "ack" || f.type === "error").length >= 60,
        10_000,
        "60 answers",
      );
      expect(s.frames.filter((f) => f.type === "ack").length).toBeGreaterThanOrEqual(25);
      expect(s.frames.filter((f) => f.type === "error" && f.code === "rate_limited").length).toBeGreaterThan(0);
      s.close();
    });
  });
});
