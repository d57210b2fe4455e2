import { describe, expect, it } from "vitest";
import { type FileFacts, fileRefFor, kindAccepts } from "./message-file";
import { gatherFacts, PrefetchGate, peekFrame } from "./prefetch";

const facts = (over: Partial<FileFacts> = {}): FileFacts => ({
  id: "f_1",
  conversationId: "c_1",
  name: "a.png",
  size: 10,
  status: "ready",
  detectedType: "image/png",
  ...over,
});

describe("file message rules", () => {
  it("matches the kind to the sniffed type, with audio-only containers accepted as audio", () => {
    expect(kindAccepts("image", "image/png")).toBe(true);
    expect(kindAccepts("image", "text/plain")).toBe(false);
    expect(kindAccepts("image", null)).toBe(false);
    expect(kindAccepts("audio", "video/webm")).toBe(true);
    expect(kindAccepts("audio", "audio/ogg")).toBe(true);
    expect(kindAccepts("audio", "image/png")).toBe(false);
    expect(kindAccepts("video", "audio/mpeg")).toBe(false);
    expect(kindAccepts("file", null)).toBe(true);
  });

  it("refuses unknown, foreign and pending files alike as invalid_request", () => {
    for (const f of [null, facts({ conversationId: "c_2" }), facts({ status: "pending" })]) {
      expect(fileRefFor("image", f, "c_1")).toMatchObject({ ok: false, code: "invalid_request" });
    }
    expect(fileRefFor("image", facts(), "c_1")).toEqual({
      id: "f_1",
      name: "a.png",
      size: 10,
      contentType: "image/png",
    });
  });
});

describe("PrefetchGate", () => {
  it("delivers frames in arrival order while a file lookup is in flight", async () => {
    let release: (f: FileFacts | null) => void = () => {};
    const sources = {
      file: () => new Promise<FileFacts | null>((r) => (release = r)),
      forward: () => Promise.reject(new Error("no forwards here")),
      mentionBlocks: () => null,
    };
    const gate = new PrefetchGate((data) => {
      const peeked = peekFrame(data);
      return peeked && gatherFacts(peeked, "u_1", sources);
    });
    const order: string[] = [];
    const fileFrame = JSON.stringify({ type: "send", clientId: "a", kind: "image", fileId: "f_1" });
    expect(peekFrame(fileFrame)).toEqual({ type: "send", fileId: "f_1" });
    expect(peekFrame('{"type":"typing"}')).toBeNull();
    const first = gate.run(fileFrame, (facts) => order.push(`file:${facts.files.has("f_1")}`));
    const second = gate.run('{"type":"typing"}', () => order.push("typing"));
    expect(order).toEqual([]);
    release(facts());
    await Promise.all([first, second]);
    expect(order).toEqual(["file:true", "typing"]);
    // Idle again: a plain frame passes straight through in the same turn.
    gate.run('{"type":"typing"}', () => order.push("now"));
    expect(order.at(-1)).toBe("now");
  });

  it("gathers nothing for a frame that needs no lookup, and a failed lookup delivers no facts", async () => {
    const failing = {
      file: () => Promise.reject(new Error("D1 down")),
      forward: () => Promise.reject(new Error("down")),
      mentionBlocks: () => null,
    };
    expect(gatherFacts({ type: "edit" }, "u_1", failing)).toBeNull();
    expect(gatherFacts({ type: "send", fileId: 5 }, "u_1", failing)).toBeNull();
    expect(gatherFacts({ type: "forward", from: { conversationId: 5, seq: 1 } }, "u_1", failing)).toBeNull();
    const gate = new PrefetchGate(() => failing.file());
    let got: boolean | null = null;
    await gate.run("x", (facts) => (got = facts.files.size > 0));
    expect(got).toBe(false);
  });
});
