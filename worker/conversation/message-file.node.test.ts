import { describe, expect, it } from "vitest";
import { FileGate, sentFileId } from "./file-gate";
import { type FileFacts, fileRefFor, kindAccepts } from "./message-file";

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

describe("FileGate", () => {
  it("delivers frames in arrival order while a file lookup is in flight", async () => {
    let release: (f: FileFacts | null) => void = () => {};
    const gate = new FileGate(() => new Promise((r) => (release = r)));
    const order: string[] = [];
    const fileFrame = JSON.stringify({ type: "send", clientId: "a", kind: "image", fileId: "f_1" });
    expect(sentFileId(fileFrame)).toBe("f_1");
    const first = gate.run(fileFrame, (files) => order.push(`file:${files.has("f_1")}`));
    const second = gate.run('{"type":"typing"}', () => order.push("typing"));
    expect(order).toEqual([]);
    release(facts());
    await Promise.all([first, second]);
    expect(order).toEqual(["file:true", "typing"]);
    // Idle again: a plain frame passes straight through in the same turn.
    gate.run('{"type":"typing"}', () => order.push("now"));
    expect(order.at(-1)).toBe("now");
  });
});
