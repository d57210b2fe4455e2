// Issue 13 point 4: every frame has a budget, replays are merged and paced,
// receipts and typing are coalesced. Driven with fake sockets and a fake clock.
import { beforeEach, describe, expect, it } from "vitest";
import { Limits } from "../protocol";
import { utf8Length } from "../shared/utf8";
import { RECEIPT_INTERVAL_MS, TYPING_INTERVAL_MS } from "./coalesce";
import { type FakeSocket, makeRoom, send } from "./room.test-helper";

/** 4000 CJK characters: 12 KB of UTF-8 per message, the shape of the 146 MB report. */
const CJK = "漢".repeat(Limits.textMax);

function fill(r: ReturnType<typeof makeRoom>, n: number, text = "x") {
  r.room.buckets.limit = { perSecond: 1e9, burst: 1e9 };
  for (let i = 0; i < n; i++) r.room.change("alice", { type: "send", clientId: `f${i}`, kind: "text", text });
  r.tick();
}

/** Seqs received in order must be 1..n, each once. */
const expectExactlyOnce = (s: FakeSocket, n: number) =>
  expect(s.seqs()).toEqual(Array.from({ length: n }, (_, i) => i + 1));

describe("frame budget", () => {
  let r: ReturnType<typeof makeRoom>;
  beforeEach(() => {
    r = makeRoom();
  });

  it("counts every frame but the ping text: hello, sync, read, typing, changes, invalid and unknown frames", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    const kinds = [{ type: "sync", after: 0 }, { type: "read", seq: 1 }, { type: "typing" }, send("c")];
    // Invalid and unknown frames count too (few of them: ten protocol errors close the socket).
    r.frame(a, { type: "nope" });
    r.frame(a, { type: "ping", extra: 1 });
    for (let i = 3; i < Limits.frameBurst; i++) r.frame(a, kinds[i % kinds.length]);
    r.room.onFrame(a, "not json");
    r.room.onFrame(a, '{"type":"ping"}');
    r.tick();
    const limited = a.ofType("error").filter((f) => f.code === "rate_limited");
    // The 61st frame (invalid JSON) was refused; the exact ping text was not counted.
    expect(limited).toHaveLength(1);
    expect(a.closed).toBeNull();
  });

  it("names the clientId of a refused change, so the client can retry it", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    for (let i = 1; i < Limits.frameBurst; i++) r.frame(a, { type: "typing" });
    r.frame(a, send("late"));
    expect(a.ofType("error").at(-1)).toMatchObject({ code: "rate_limited", clientId: "late" });
    r.advance(1000 / Limits.framesPerSecond);
    r.frame(a, send("late"));
    r.tick();
    expect(a.ofType("ack").map((f) => f.clientId)).toEqual(["late"]);
  });

  it("closes a socket that keeps going with 4008, after a bounded number of rate_limited answers", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    let sent = 1;
    while (!a.closed && sent < 10_000) {
      r.frame(a, { type: "read", seq: 1 });
      sent += 1;
    }
    expect(a.closed?.code).toBe(4008);
    // Budget, then one burst of refusals: never an answer per frame without bound.
    expect(sent).toBe(Limits.frameBurst * 2 + 1);
    expect(a.ofType("error").length).toBeLessThanOrEqual(Limits.frameBurst);
  });

  it("forgives a socket that slows down to its budget", () => {
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 0 });
    for (let i = 0; i < Limits.frameBurst + 30; i++) r.frame(a, { type: "typing" });
    expect(a.ofType("error")).toHaveLength(31);
    // A minute at exactly the budget: every frame passes, nothing closes.
    for (let i = 0; i < 60 * Limits.framesPerSecond; i++) {
      r.advance(1000 / Limits.framesPerSecond);
      r.frame(a, { type: "typing" });
    }
    expect(a.ofType("error")).toHaveLength(31);
    expect(a.closed).toBeNull();
  });
});

describe("paced, merged replays", () => {
  let r: ReturnType<typeof makeRoom>;
  beforeEach(() => {
    r = makeRoom();
  });

  it("200 sync frames of a long CJK log send at most the byte budget, not 200 replays", () => {
    fill(r, 80, CJK);
    const logBytes = r.store.events.reduce((n, e) => n + utf8Length(e.body), 0);
    // Sent at once: the burst, overshot by at most one replay frame (and the welcome).
    const bound = Limits.replayBytesBurst + Limits.replayFrameBytes + 2 * utf8Length(CJK) + 4096;
    const flood = r.connect("bob");
    r.frame(flood, { type: "hello", lastSeq: 81 });
    for (let i = 0; i < 200; i++) r.frame(flood, { type: "sync", after: 0 });
    expect(flood.sentBytes).toBeLessThan(bound);
    // Unbounded, this was 59 whole replays (the syncs within the frame budget).
    expect(logBytes * 59).toBeGreaterThan(bound * 20);
    // A socket that keeps going past its budget is closed; its replay stops.
    expect(flood.closed?.code).toBe(4008);
    r.advance(60_000);
    expect(flood.sentBytes).toBeLessThan(bound);

    // Within the frame budget: the syncs merge into one paced replay.
    const b = r.connect("bob", "s2");
    r.frame(b, { type: "hello", lastSeq: 81 });
    for (let i = 1; i < Limits.frameBurst; i++) r.frame(b, { type: "sync", after: 0 });
    expect(b.sentBytes).toBeLessThan(bound);
    // Over time: the rate, plus that one frame.
    r.advance(3000);
    expect(b.sentBytes).toBeLessThan(bound + 3 * Limits.replayBytesPerSecond);
    r.advance(60_000);
    // What was asked arrived (the first sync's replay, then the merged one), and then nothing more.
    expect(b.seqs()).toEqual([
      ...Array.from({ length: 81 }, (_, i) => i + 1),
      ...Array.from({ length: 81 }, (_, i) => i + 1),
    ]);
    const after = b.sentBytes;
    r.advance(60_000);
    expect(b.sentBytes).toBe(after);
    expect(b.closed).toBeNull();
  });

  it("a reconnect does not refill the replay budget: one user's sockets, old and new, share it", () => {
    fill(r, 80, CJK);
    const bound = Limits.replayBytesBurst + Limits.replayFrameBytes + 2 * utf8Length(CJK) + 4096;
    // The reconnect flood: a fresh socket per hello, each closed once its burst arrived (16 MB/s against wrangler dev).
    const sockets: FakeSocket[] = [];
    for (let i = 0; i < 20; i++) {
      const s = r.connect("bob", `s${i}`);
      r.frame(s, { type: "hello", lastSeq: 0 });
      sockets.push(s);
      r.room.socketGone(s);
      s.close(1000, "gone");
    }
    const total = () => sockets.reduce((n, s) => n + s.sentBytes, 0);
    expect(total()).toBeLessThan(bound);
    // Paced from then on at the rate, whichever socket asks.
    const last = r.connect("bob", "last");
    r.frame(last, { type: "hello", lastSeq: 0 });
    r.advance(2000);
    expect(total() + last.sentBytes).toBeLessThan(bound + 2 * Limits.replayBytesPerSecond);
    // Another member's budget is their own.
    const alice = r.connect("alice");
    r.frame(alice, { type: "hello", lastSeq: 0 });
    expect(alice.sentBytes).toBeGreaterThan(Limits.replayBytesBurst / 2);
  });

  it("a sync during a running replay is merged into it: nothing skipped, nothing sent twice unless asked", () => {
    fill(r, 300, CJK);
    const b = r.connect("bob");
    r.frame(b, { type: "hello", lastSeq: 0 });
    expect(b.seqs().length).toBeLessThan(301);
    const sentSoFar = b.seqs().length;
    // Asking for what the running replay will send anyway changes nothing.
    r.frame(b, { type: "sync", after: sentSoFar });
    r.advance(60_000);
    expectExactlyOnce(b, 301);
    // Asking again from the same start while it runs: merged, still one replay.
    const c = r.connect("bob", "s2");
    r.frame(c, { type: "hello", lastSeq: 0 });
    for (let i = 0; i < 20; i++) r.frame(c, { type: "sync", after: 0 });
    r.advance(60_000);
    expectExactlyOnce(c, 301);
    // A sync from before the replay's start: the replay goes back there (what it sent comes again, in order).
    const d = r.connect("bob", "s3");
    r.frame(d, { type: "hello", lastSeq: 100 });
    const first = d.seqs();
    expect(first[0]).toBe(101);
    r.frame(d, { type: "sync", after: 50 });
    r.advance(60_000);
    expect(d.seqs()).toEqual([...first, ...Array.from({ length: 251 }, (_, i) => 51 + i)]);
  });

  it("keeps replay-then-live exact while a paced replay runs and new events are appended", () => {
    fill(r, 300, CJK);
    const a = r.connect("alice");
    r.frame(a, { type: "hello", lastSeq: 301 });
    const b = r.connect("bob");
    r.frame(b, { type: "hello", lastSeq: 0 });
    for (let i = 0; i < 20; i++) {
      r.frame(a, send(`live${i}`));
      r.tick();
      r.advance(100);
    }
    r.advance(60_000);
    expectExactlyOnce(b, 321);
    expect(a.seqs()).toEqual(Array.from({ length: 20 }, (_, i) => 302 + i));
    // Once caught up, bob is live again.
    r.frame(a, send("after"));
    r.tick();
    expect(b.seqs().at(-1)).toBe(322);
  });

  it("stops a paced replay when its socket is gone", () => {
    fill(r, 300, CJK);
    const b = r.connect("bob");
    r.frame(b, { type: "hello", lastSeq: 0 });
    const before = b.seqs().length;
    r.room.socketGone(b);
    r.advance(60_000);
    expect(b.seqs()).toHaveLength(before);
  });
});

describe("coalesced receipts and typing", () => {
  let r: ReturnType<typeof makeRoom>;
  beforeEach(() => {
    r = makeRoom();
  });

  it("a read flood reaches another member as a few receipts, the last with the latest seq", () => {
    fill(r, 300);
    const a = r.connect("alice");
    const b = r.connect("bob");
    r.frame(a, { type: "hello", lastSeq: 301 });
    r.frame(b, { type: "hello", lastSeq: 301 });
    r.room.budget.frames = { perSecond: 1e9, burst: 1e9 };
    for (let seq = 2; seq <= 301; seq++) {
      r.frame(b, { type: "read", seq });
      r.advance(1);
    }
    r.advance(RECEIPT_INTERVAL_MS);
    const receipts = a.ofType("receipt");
    // 300 reads in 300 ms: a leading receipt, then one per interval, then the trailing one.
    expect(receipts.length).toBeLessThanOrEqual(2 + Math.ceil(300 / RECEIPT_INTERVAL_MS));
    expect(receipts.at(-1)).toEqual({ type: "receipt", userId: "bob", seq: 301 });
    expect(r.store.getRead("bob")).toBe(301);
  });

  it("a typing flood reaches another member once per typing interval", () => {
    const a = r.connect("alice");
    const b = r.connect("bob");
    r.frame(a, { type: "hello", lastSeq: 0 });
    r.frame(b, { type: "hello", lastSeq: 0 });
    for (let i = 0; i < 40; i++) {
      r.frame(b, { type: "typing" });
      r.advance(100);
    }
    expect(a.ofType("typing")).toHaveLength(Math.ceil(4000 / TYPING_INTERVAL_MS));
  });
});

const bytes = (u: Uint8Array): ArrayBuffer => u.slice().buffer as ArrayBuffer;

describe("binary frames", () => {
  it("are decoded strictly: bytes that are not UTF-8 close the socket with 1007", () => {
    const r = makeRoom();
    const a = r.connect("alice");
    r.room.onFrame(a, bytes(new TextEncoder().encode('{"type":"hello","lastSeq":0}')));
    expect(a.ofType("welcome")).toHaveLength(1);
    const bad = new Uint8Array([...new TextEncoder().encode('{"type":"typing","x":"'), 0xff, 0x22, 0x7d]);
    r.room.onFrame(a, bytes(bad));
    expect(a.closed?.code).toBe(1007);
  });
});
