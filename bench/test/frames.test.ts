import { describe, expect, it } from "vitest";
import { decodeBaseline, decodeImsystem } from "../lib/frames.mjs";

describe("decodeImsystem", () => {
  it("turns one events frame into one item per event, keeping seq", () => {
    const frame = JSON.stringify({
      type: "events",
      events: [
        { seq: 1, type: "member", action: "created" },
        { seq: 2, type: "message", senderId: "u1", clientId: "c1", kind: "text", text: "bench burst 0 1.5" },
        { seq: 3, type: "message", senderId: "u1", clientId: "c2", kind: "text", text: "bench burst 1 1.5" },
      ],
    });
    expect(decodeImsystem(frame)).toEqual([
      { t: "event", seq: 1 },
      { t: "msg", text: "bench burst 0 1.5", clientId: "c1", seq: 2 },
      { t: "msg", text: "bench burst 1 1.5", clientId: "c2", seq: 3 },
    ]);
  });

  it("reads acks and error frames with their clientId", () => {
    expect(decodeImsystem('{"type":"ack","clientId":"c9","seq":7,"createdAt":1}')).toEqual([
      { t: "ack", clientId: "c9", seq: 7 },
    ]);
    expect(decodeImsystem('{"type":"error","code":"rate_limited","message":"slow down","clientId":"c9"}')).toEqual([
      { t: "error", code: "rate_limited", clientId: "c9", message: "slow down" },
    ]);
  });

  it("counts malformed input instead of throwing", () => {
    expect(decodeImsystem("not json")).toEqual([{ t: "unknown", what: "non-JSON frame" }]);
    expect(decodeImsystem('{"type":"events","events":[{"type":"message"}]}')).toEqual([
      { t: "unknown", what: "event without seq" },
    ]);
    expect(decodeImsystem('{"type":"surprise"}')).toEqual([{ t: "unknown", what: "frame type surprise" }]);
  });
});

describe("decodeBaseline", () => {
  it("reads back our own send frame", () => {
    const frame = JSON.stringify({ type: "send", clientId: "c1", kind: "text", text: "bench paced 4 2.25" });
    expect(decodeBaseline(frame)).toEqual([{ t: "msg", text: "bench paced 4 2.25", clientId: "c1", seq: null }]);
  });
});
