// A large group's receipts and typing (issue 16 point 2): above
// Limits.largeGroupAbove members receipts are counts, typing a sample, on
// every path (live frames and the welcome). Driven with fake sockets and a
// fake clock; worker/test/large-group-signals.test.ts does the same through
// real sockets in workerd.
import { describe, expect, it } from "vitest";
import { Limits, type ReadCount } from "../protocol";
import { Coalescer, RECEIPT_INTERVAL_MS, TYPING_INTERVAL_MS } from "./coalesce";
import { FrameBudget } from "./frame-budget";
import { READ_COUNTS_INTERVAL_MS } from "./large-group";
import { TokenBuckets } from "./rate-limit";
import { type FakeSocket, makeRoom } from "./room.test-helper";

/** alice (owner), bob and `Limits.largeGroupAbove - 1` more: one over the threshold. */
const LARGE = Limits.largeGroupAbove - 1;

function largeRoom(bulk = LARGE) {
  const r = makeRoom({ bulk });
  for (let i = 0; i < 9; i++) r.room.change("alice", { type: "send", clientId: `s${i}`, kind: "text", text: "hi" });
  r.tick();
  return r;
}

const hello = (r: ReturnType<typeof makeRoom>, userId: string): FakeSocket => {
  const s = r.connect(userId);
  r.frame(s, { type: "hello", lastSeq: 10 });
  return s;
};

describe("receipts in a large group", () => {
  it("go out as counts to everyone and as the reader's own receipt to the reader's sockets only", () => {
    const r = largeRoom();
    const alice = hello(r, "alice");
    const bobPhone = hello(r, "bob");
    const bobLaptop = hello(r, "bob");
    const m0 = hello(r, "m0");
    r.frame(bobPhone, { type: "read", seq: 10 });
    r.frame(m0, { type: "read", seq: 10 });
    r.advance(READ_COUNTS_INTERVAL_MS);
    r.frame(alice, { type: "read", seq: 4 });
    r.advance(READ_COUNTS_INTERVAL_MS);

    // Nobody learns who read: no receipt of bob reaches alice or m0.
    expect(alice.ofType("receipt").map((f) => f.userId)).toEqual(["alice"]);
    expect(m0.ofType("receipt").map((f) => f.userId)).toEqual(["m0"]);
    // bob's devices hear bob's own marker (so each can tell "Seen by" without itself).
    expect(bobLaptop.ofType("receipt")).toEqual([{ type: "receipt", userId: "bob", seq: 10 }]);
    const last = (alice.ofType("read_counts").at(-1)?.counts ?? []) as ReadCount[];
    expect(last).toEqual([
      { seq: 4, count: 3 },
      { seq: 10, count: 2 },
    ]);
    expect(m0.ofType("read_counts").at(-1)?.counts).toEqual(last);
  });

  it("a read storm of many members costs one counts frame per interval, the last one exact", () => {
    const r = largeRoom();
    const watcher = hello(r, "alice");
    const readers = Array.from({ length: 300 }, (_, i) => hello(r, `m${i}`));
    watcher.frames = [];
    readers.forEach((s, i) => {
      r.frame(s, { type: "read", seq: 1 + (i % 10) });
      r.advance(5);
    });
    r.advance(READ_COUNTS_INTERVAL_MS);
    const counts = watcher.ofType("read_counts");
    // 1.5 s of reads: leading, one per interval, trailing; never a frame per reader.
    expect(counts.length).toBeLessThanOrEqual(2 + Math.ceil(1500 / READ_COUNTS_INTERVAL_MS));
    expect(watcher.ofType("receipt")).toEqual([]);
    expect(((counts.at(-1)?.counts ?? []) as ReadCount[]).map((c) => c.count)).toEqual(
      Array.from({ length: 10 }, (_, k) => 300 - 30 * k),
    );
  });

  it("the welcome hides others' markers (0), keeps the caller's and carries the counts", () => {
    const r = largeRoom();
    const bob = hello(r, "bob");
    r.frame(bob, { type: "read", seq: 8 });
    r.advance(READ_COUNTS_INTERVAL_MS);
    const alice = r.connect("alice");
    r.room.log.transact(() => r.store.setRead("alice", 5));
    r.frame(alice, { type: "hello", lastSeq: 10 });
    const welcome = alice.ofType("welcome")[0];
    expect(welcome).toMatchObject({ readSeq: 5, memberCount: Limits.largeGroupAbove + 1 });
    const members = (welcome?.members ?? []) as { userId: string; readSeq: number }[];
    expect(members.find((m) => m.userId === "bob")?.readSeq).toBe(0);
    expect(members.find((m) => m.userId === "alice")?.readSeq).toBe(5);
    expect(welcome?.readCounts).toEqual([
      { seq: 5, count: 2 },
      { seq: 8, count: 1 },
    ]);
  });

  it("lists at most welcomeMembersMax members however many are online: the caller first, then the owner", () => {
    const r = largeRoom();
    for (let i = 0; i < Limits.welcomeMembersMax + 50; i++) r.connect(`m${i}`);
    const bob = hello(r, "bob");
    const members = (bob.ofType("welcome")[0]?.members ?? []) as { userId: string; role: string; online: boolean }[];
    expect(members).toHaveLength(Limits.welcomeMembersMax);
    expect(members.slice(0, 2).map((m) => [m.userId, m.role])).toEqual([
      ["bob", "member"],
      ["alice", "owner"],
    ]);
    expect(members.slice(2).every((m) => m.online)).toBe(true);
  });

  it("at the threshold (not above) receipts stay per user, and the welcome lists every marker", () => {
    const r = largeRoom(LARGE - 1);
    const alice = hello(r, "alice");
    const bob = hello(r, "bob");
    r.frame(bob, { type: "read", seq: 7 });
    expect(alice.ofType("receipt")).toEqual([{ type: "receipt", userId: "bob", seq: 7 }]);
    expect(alice.ofType("read_counts")).toEqual([]);
    const again = hello(r, "alice");
    const welcome = again.ofType("welcome")[0];
    expect(welcome?.readCounts).toBeUndefined();
    expect(
      ((welcome?.members ?? []) as { userId: string; readSeq: number }[]).find((m) => m.userId === "bob")?.readSeq,
    ).toBe(7);
  });
});

describe("typing in a large group", () => {
  it("reaches the others from at most typingSampleMax typers per window; the rest are dropped", () => {
    const r = largeRoom();
    const watcher = hello(r, "alice");
    const typers = Array.from({ length: 8 }, (_, i) => hello(r, `m${i}`));
    for (let round = 0; round < 3; round++) {
      for (const t of typers) r.frame(t, { type: "typing" });
      r.advance(TYPING_INTERVAL_MS);
    }
    const typing = watcher.ofType("typing");
    expect(typing).toHaveLength(3 * Limits.typingSampleMax);
    // A typer never hears itself, and hears the sample like everyone.
    expect(typers[0]?.ofType("typing").some((f) => f.userId === "m0")).toBe(false);
  });
});

describe("per-user state in memory", () => {
  it("the send buckets and replay accounts hold the users active lately, not every member who ever was", () => {
    const buckets = new TokenBuckets({ perSecond: 10, burst: 30 });
    const budget = new FrameBudget({ perSecond: 20, burst: 60 }, { perSecond: 1024 * 1024, burst: 1024 * 1024 });
    let now = 0;
    for (let i = 0; i < 20_000; i++) {
      expect(buckets.take(`u${i}`, now)).toBe(true);
      budget.spendReplay(`u${i}`, 10_000, now);
      now += 50;
    }
    // A bucket refills in 3 s and an account in 10 ms: only the last seconds' users are held.
    expect(buckets.size).toBeLessThan(2500);
    expect(budget.replayAccounts).toBeLessThan(2500);
    // Pruning forgets nothing that matters: a user who just spent is still counted.
    for (let i = 0; i < 30; i++) buckets.take("busy", now);
    expect(buckets.take("busy", now)).toBe(false);
  });

  it("the coalescer holds entries only for recent readers and typers, not one per member who ever read", () => {
    let now = 0;
    const c = new Coalescer(
      { now: () => now, delay: () => undefined },
      () => undefined,
      () => undefined,
    );
    for (let i = 0; i < 20_000; i++) {
      c.receipt(`u${i}`, 1);
      c.typing(`u${i}`);
      now += Math.max(RECEIPT_INTERVAL_MS, TYPING_INTERVAL_MS) / 100;
    }
    expect(c.size).toBeLessThan(5000);
  });
});
