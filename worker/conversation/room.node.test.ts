import { beforeEach, describe, expect, it } from "vitest";
import { FakeSocket, makeRoom, send } from "./room.test-helper";
import { type FlushClock, IDLE_GAP_MS } from "./room-host";

describe("Room", () => {
  let r: ReturnType<typeof makeRoom>;
  beforeEach(() => {
    r = makeRoom();
  });

  it("starts the log with the member-created event at seq 1 and init is idempotent", () => {
    expect(r.store.events.map((e) => e.seq)).toEqual([1]);
    expect(JSON.parse(r.store.events[0]?.body ?? "")).toMatchObject({
      type: "member",
      action: "created",
      userIds: ["alice", "bob"],
    });
    const again = r.room.log.init({
      id: "c_test",
      kind: "group",
      title: "x",
      createdAt: 0,
      createdBy: "bob",
      members: [],
    });
    expect(again).toEqual({ ok: true, head: 1, created: false });
  });

  it("assigns gap-free seqs in arrival order and acks each change", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    for (let i = 0; i < 5; i++) r.frame(a, send(`m${i}`));
    // Queued, not applied: back-to-back changes are applied together in one turn (one SQLite commit).
    expect(r.store.events).toHaveLength(1);
    expect(a.ofType("ack")).toEqual([]);
    r.tick();
    expect(a.ofType("ack").map((f) => f.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(a.seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    // Back-to-back frames share one flush: one events frame for the replay, one for the five sends.
    expect(a.ofType("events")).toHaveLength(2);
    // Each ack leaves before the events frame that carries its change.
    expect(a.frames.map((f) => f.type)).toEqual(["welcome", "events", "ack", "ack", "ack", "ack", "ack", "events"]);
  });

  it("answers a repeated clientId with the original seq and creates no event", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    r.frame(a, send("x", "first"));
    r.tick();
    r.advance(5000);
    r.frame(a, send("x", "second"));
    // A repeat inside one batch is found too: the first copy is stored before the second is looked up.
    r.frame(a, send("x", "third"));
    r.tick();
    const acks = a.ofType("ack");
    expect(acks[1]).toEqual(acks[0]);
    expect(acks[2]).toEqual(acks[0]);
    expect(r.store.events).toHaveLength(2);
    // The same clientId from another sender is a different key.
    const b = r.connect("bob");
    r.frame(b, { type: "hello", lastSeq: 0 });
    r.frame(b, send("x"));
    r.tick();
    expect(b.ofType("ack")[0]?.seq).toBe(3);
  });

  it("gives a hello that arrives while events are pending each event exactly once", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    r.tick();
    r.frame(a, send("p1"));
    r.frame(a, send("p2"));
    // Not flushed yet: p1 and p2 are queued when bob joins from lastSeq 0.
    const b = r.connect("bob");
    r.frame(b, { type: "hello", lastSeq: 0 });
    expect(b.seqs()).toEqual([1]);
    r.frame(a, send("p3"));
    r.tick();
    expect(b.seqs()).toEqual([1, 2, 3, 4]);
    expect(a.seqs()).toEqual([1, 2, 3, 4]);
    expect(b.ofType("welcome")[0]).toMatchObject({ head: 1, protocol: 1 });
    // Events appended outside socket frames (REST posts) are pending until the flush.
    r.room.change("alice", { type: "send", clientId: "p4", kind: "text", text: "p4" });
    const c = r.connect("bob", "s2");
    r.frame(c, { type: "hello", lastSeq: 0 });
    expect(c.seqs()).toEqual([1, 2, 3, 4]);
    expect(c.ofType("welcome")[0]).toMatchObject({ head: 5 });
    r.tick();
    expect(c.seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(b.seqs()).toEqual([1, 2, 3, 4, 5]);
  });

  it("flushes an isolated change in its own turn and batches the changes that follow a flush closely", () => {
    const { connect, frame, tick, endTurn, queued, advance } = makeRoom({ soon: true });
    const a = connect("alice");
    const b = connect("bob");
    frame(a, { type: "hello", lastSeq: 1 });
    frame(b, { type: "hello", lastSeq: 1 });
    const seqsOfLastFrame = () => ((b.ofType("events").at(-1)?.events ?? []) as { seq: number }[]).map((e) => e.seq);

    advance(IDLE_GAP_MS);
    frame(a, { type: "send", clientId: "c1", kind: "text", text: "alone" });
    expect(queued()).toEqual({ timers: 0, microtasks: 1 });
    endTurn();
    expect(seqsOfLastFrame()).toEqual([2]);
    expect(a.ofType("ack").map((f) => f.seq)).toEqual([2]);

    // Right after a flush the room is busy: the change waits for the frames queued behind it.
    advance(IDLE_GAP_MS - 1);
    frame(a, { type: "send", clientId: "c2", kind: "text", text: "first" });
    frame(b, { type: "send", clientId: "c3", kind: "text", text: "second" });
    expect(queued()).toEqual({ timers: 1, microtasks: 0 });
    endTurn();
    expect(b.ofType("events")).toHaveLength(1);
    tick();
    expect(seqsOfLastFrame()).toEqual([3, 4]);
    expect(b.ofType("ack").map((f) => f.seq)).toEqual([4]);

    advance(IDLE_GAP_MS);
    frame(b, { type: "send", clientId: "c4", kind: "text", text: "later" });
    expect(queued()).toEqual({ timers: 0, microtasks: 1 });
    endTurn();
    expect(seqsOfLastFrame()).toEqual([5]);
  });

  it("batches in a room whose neighbours on the same thread just flushed", () => {
    const clock: FlushClock = { last: Number.NEGATIVE_INFINITY };
    const one = makeRoom({ soon: true, flushClock: clock });
    const two = makeRoom({ soon: true, flushClock: clock });
    const a1 = one.connect("alice");
    const a2 = two.connect("alice");
    one.frame(a1, { type: "hello", lastSeq: 1 });
    two.frame(a2, { type: "hello", lastSeq: 1 });
    one.advance(IDLE_GAP_MS);
    two.advance(IDLE_GAP_MS);
    one.frame(a1, { type: "send", clientId: "c1", kind: "text", text: "one" });
    expect(one.queued()).toEqual({ timers: 0, microtasks: 1 });
    one.endTurn();
    // Same instant, other room: the thread is busy, so it waits for the frames queued behind it.
    two.frame(a2, { type: "send", clientId: "c1", kind: "text", text: "two" });
    expect(two.queued()).toEqual({ timers: 1, microtasks: 0 });
    two.tick();
    expect(a2.ofType("ack").map((f) => f.seq)).toEqual([2]);
  });

  it("answers a change that throws with an internal error and still applies the rest of its batch", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    r.tick();
    const append = r.store.append.bind(r.store);
    r.store.append = (e) => {
      if (e.clientId === "boom") throw new Error("disk full");
      append(e);
    };
    r.frame(a, send("before"));
    r.frame(a, send("boom"));
    r.frame(a, send("after"));
    r.tick();
    expect(a.frames.filter((f) => f.type === "ack" || f.type === "error").map((f) => [f.type, f.clientId])).toEqual([
      ["ack", "before"],
      ["error", "boom"],
      ["ack", "after"],
    ]);
    expect(a.ofType("error")[0]).toMatchObject({ code: "internal" });
    expect(a.seqs()).toEqual([1, 2, 3]);
  });

  it("replays only what the client lacks and clamps a lastSeq past head", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    for (let i = 0; i < 3; i++) r.frame(a, send(`m${i}`));
    r.tick();
    const b = r.connect("bob");
    r.frame(b, { type: "hello", lastSeq: 2 });
    expect(b.seqs()).toEqual([3, 4]);
    const c = r.connect("bob", "s2");
    r.frame(c, { type: "hello", lastSeq: 99 });
    expect(c.seqs()).toEqual([]);
    expect(c.ofType("welcome")[0]?.head).toBe(4);
    r.frame(c, { type: "sync", after: 1 });
    expect(c.seqs()).toEqual([2, 3, 4]);
  });

  it("pages a long replay into frames of at most 500 events", () => {
    r.room.buckets.limit = { perSecond: 1e9, burst: 1e9 };
    for (let i = 0; i < 1200; i++) r.room.change("alice", { type: "send", clientId: `c${i}`, kind: "text", text: "x" });
    r.tick();
    const b = r.connect("bob");
    r.frame(b, { type: "hello", lastSeq: 0 });
    const sizes = b.ofType("events").map((f) => (f.events as unknown[]).length);
    expect(sizes).toEqual([500, 500, 201]);
    expect(b.seqs()).toEqual(Array.from({ length: 1201 }, (_, i) => i + 1));
  });

  it("closes a socket whose first frame is not hello with 4400", () => {
    const a = r.connect("alice");
    r.frame(a, send("x"));
    expect(a.closed?.code).toBe(4400);
    expect(r.store.events).toHaveLength(1);
  });

  it("closes on an oversized frame (1009), an expired token (4001) and a removed member (4003)", () => {
    const a = r.connect("alice");
    r.room.onFrame(a, `{"type":"hello","lastSeq":0,"pad":"${"x".repeat(70_000)}"}`);
    expect(a.closed?.code).toBe(1009);
    const expired = new FakeSocket("alice", "s1", 1);
    r.frame(expired, { type: "hello", lastSeq: 0 });
    expect(expired.closed?.code).toBe(4001);
    const stranger = new FakeSocket("mallory");
    r.frame(stranger, { type: "hello", lastSeq: 0 });
    expect(stranger.closed?.code).toBe(4003);
  });

  it("refuses invalid frames with error frames and closes after repeated protocol errors", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    r.frame(a, { type: "send", clientId: "k1", kind: "text", text: "   " });
    expect(a.ofType("error")[0]).toMatchObject({ code: "invalid_request", clientId: "k1" });
    r.frame(a, send("big", "y".repeat(4001)));
    r.tick();
    expect(a.ofType("error")[1]).toMatchObject({ code: "too_large", clientId: "big" });
    for (let i = 0; i < 9; i++) r.room.onFrame(a, "not json");
    expect(a.closed?.code).toBe(4400);
  });

  it("rate-limits changes per user with a token bucket and keeps the socket open", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    for (let i = 0; i < 31; i++) r.frame(a, send(`m${i}`));
    r.tick();
    expect(a.ofType("ack")).toHaveLength(30);
    expect(a.ofType("error")[0]).toMatchObject({ code: "rate_limited", clientId: "m30" });
    r.advance(100); // one token back at 10/s
    r.frame(a, send("m30"));
    r.tick();
    expect(a.ofType("ack")).toHaveLength(31);
    expect(a.closed).toBeNull();
  });

  it("folds edits, reactions and deletes into the message view with the right rights", () => {
    const a = r.connect("alice");
    const b = r.connect("bob");
    r.frame(a, { type: "hello", lastSeq: 0 });
    r.frame(b, { type: "hello", lastSeq: 0 });
    r.frame(b, send("m", "hello"));
    r.tick();
    r.frame(a, { type: "edit", clientId: "e1", target: 2, text: "hijack" });
    r.tick();
    expect(a.ofType("error")[0]).toMatchObject({ code: "forbidden", clientId: "e1" });
    r.frame(b, { type: "edit", clientId: "e2", target: 2, text: "hello!" });
    r.tick();
    r.frame(a, { type: "react", clientId: "r1", target: 2, emoji: "👍", on: true });
    r.tick();
    r.frame(b, { type: "react", clientId: "r2", target: 2, emoji: "👍", on: true });
    r.tick();
    r.frame(a, { type: "react", clientId: "r3", target: 2, emoji: "👍", on: false });
    r.tick();
    expect(r.store.getMessage(2)).toMatchObject({ text: "hello!", reactions: { "👍": ["bob"] } });
    // An owner may delete another member's message; the text is erased.
    r.frame(a, { type: "delete", clientId: "d1", target: 2 });
    r.tick();
    expect(r.store.getMessage(2)).toMatchObject({ text: null, deleted: true });
    r.frame(b, { type: "edit", clientId: "e3", target: 2, text: "back" });
    r.tick();
    expect(b.ofType("error").at(-1)).toMatchObject({ code: "not_found", clientId: "e3" });
  });

  it("sends typing to other users only and read receipts forward only", () => {
    const a = r.connect("alice");
    const b = r.connect("bob");
    r.frame(a, { type: "hello", lastSeq: 0 });
    r.frame(b, { type: "hello", lastSeq: 0 });
    r.frame(a, { type: "typing" });
    r.frame(a, { type: "typing" }); // throttled
    expect(b.ofType("typing")).toEqual([{ type: "typing", userId: "alice" }]);
    expect(a.ofType("typing")).toEqual([]);
    r.frame(a, send("m1"));
    r.tick();
    r.frame(b, { type: "read", seq: 99 });
    r.frame(b, { type: "read", seq: 1 });
    expect(a.ofType("receipt")).toEqual([{ type: "receipt", userId: "bob", seq: 2 }]);
    expect(r.store.getRead("bob")).toBe(2);
  });

  it("closes only the sockets of the named sessions", () => {
    const a1 = r.connect("alice", "s1");
    const a2 = r.connect("alice", "s2");
    const b = r.connect("bob", "s1");
    r.room.closeSessions("alice", { except: "s2" });
    expect([a1.closed?.code, a2.closed, b.closed]).toEqual([4001, null, null]);
    r.room.closeSessions("alice", { only: "s2" });
    expect(a2.closed?.code).toBe(4001);
  });
});
