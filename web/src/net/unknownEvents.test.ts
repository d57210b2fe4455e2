// A newer server's events must not wedge an older client (a cached PWA): each
// event is read on its own, one this build cannot read still takes its seq.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConversationEvent } from "../../../worker/protocol";
import type { ClientEvent } from "../wire/events";
import { ConversationSocket } from "./conversationSocket";
import { FakeSocket } from "./fakeSocket.test-helper";
import { parseServerFrame } from "./frames";

const msg = (seq: number): ConversationEvent => ({
  seq,
  conversationId: "c1",
  type: "message",
  senderId: "u2",
  kind: "text",
  text: `m${seq}`,
  createdAt: 1_700_000_000_000 + seq,
});

/** A live socket after `hello {lastSeq: 3}`, recording what reaches the listener. */
async function live() {
  const seen: ClientEvent[] = [];
  let socket: FakeSocket | null = null;
  const conn = new ConversationSocket({
    url: "ws://test/api/conversations/c1/ws",
    lastSeq: 3,
    getAccessToken: async () => "tok",
    refreshAccessToken: async () => true,
    createSocket: (url, protocols, handlers) => {
      socket = new FakeSocket(url, protocols, handlers);
      return socket;
    },
    random: () => 1,
    listener: { onEvents: (events) => seen.push(...events) },
  });
  conn.start();
  await vi.advanceTimersByTimeAsync(0);
  const s = socket as FakeSocket | null;
  if (!s) throw new Error("no socket");
  s.open();
  s.welcome(3);
  const syncs = () => s.frames().filter((f) => f.type === "sync");
  return { conn, s, seen, syncs };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("an events frame with events this build cannot read", () => {
  it("applies the known events and advances past an unknown type, with no sync", async () => {
    const h = await live();
    const poll = { seq: 5, conversationId: "c1", type: "poll", senderId: "u2", createdAt: 1, question: "lunch?" };
    h.s.receive({ type: "events", events: [msg(4), poll, msg(6)] });
    expect(h.seen.map((e) => [e.seq, e.type])).toEqual([
      [4, "message"],
      [5, "unknown"],
      [6, "message"],
    ]);
    expect(h.conn.lastSeq).toBe(6);
    // The next frame follows on without a hole.
    h.s.receive({ type: "events", events: [msg(7)] });
    expect(h.conn.lastSeq).toBe(7);
    expect(h.syncs()).toEqual([]);
  });

  it("keeps the neighbours of a known event whose shape is wrong, and takes its seq", async () => {
    const h = await live();
    const bad = { ...msg(5), type: "reaction", target: "not a seq", emoji: "👍", on: true };
    const newKind = { ...msg(6), kind: "sticker" };
    h.s.receive({ type: "events", events: [msg(4), bad, newKind, msg(7)] });
    expect(h.seen.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(h.seen.filter((e) => e.type === "unknown").map((e) => e.seq)).toEqual([5, 6]);
    expect(h.conn.lastSeq).toBe(7);
    expect(h.syncs()).toEqual([]);
  });

  it("skips an entry without a usable seq or type (it claims no place in the log)", async () => {
    const h = await live();
    h.s.receive({ type: "events", events: [msg(4), { seq: -1, type: "x" }, { seq: 5 }, "junk", msg(5)] });
    expect(h.seen.map((e) => [e.seq, e.type])).toEqual([
      [4, "message"],
      [5, "message"],
    ]);
    expect(h.syncs()).toEqual([]);
  });

  it("ignores a frame type it does not know and keeps going", async () => {
    const h = await live();
    h.s.receive({ type: "poll_results", poll: 5 });
    h.s.receive({ type: "events", events: [msg(4)] });
    expect(h.seen.map((e) => e.seq)).toEqual([4]);
    expect(h.conn.state).toBe("live");
  });
});

describe("parseServerFrame", () => {
  it("still refuses a frame that is not an events frame at all", () => {
    expect(parseServerFrame(JSON.stringify({ type: "events", events: "nope" }))).toBeNull();
    expect(parseServerFrame(JSON.stringify({ type: "events" }))).toBeNull();
    expect(parseServerFrame(JSON.stringify({ events: [msg(1)] }))).toBeNull();
    expect(parseServerFrame("{not json")).toBeNull();
  });

  it("marks an unknown event with its seq, wire type, sender and time only", () => {
    const frame = parseServerFrame(
      JSON.stringify({ type: "events", events: [{ seq: 9, type: "poll", senderId: "u2", createdAt: 5, x: 1 }] }),
    );
    expect(frame).toEqual({
      type: "events",
      events: [{ type: "unknown", seq: 9, wireType: "poll", senderId: "u2", createdAt: 5 }],
    });
  });
});
