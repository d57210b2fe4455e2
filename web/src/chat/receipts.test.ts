import { describe, expect, it } from "vitest";
import { Limits } from "../../../worker/protocol";
import { seenBy, seenCount, withReceipt } from "./receipts";
import type { TimelineItem } from "./timeline";

const item = (seq: number | null, senderId: string): TimelineItem => ({
  key: `k${seq}${senderId}`,
  seq,
  clientId: null,
  senderId,
  kind: "text",
  text: "x",
  createdAt: 0,
  deleted: false,
  reactions: new Map(),
  status: seq === null ? "pending" : "sent",
});

const m = (o: Record<string, number>) => new Map(Object.entries(o));

describe("seen markers", () => {
  it("names who has read up to my newest sent message, never me", () => {
    const items = [item(2, "me"), item(3, "bob"), item(4, "me"), item(null, "me")];
    expect(seenBy(items, m({ bob: 4, carol: 3, me: 9 }), "me")).toEqual({ seq: 4, userIds: ["bob"] });
    expect(seenBy(items, m({ bob: 9, carol: 5 }), "me")).toEqual({ seq: 4, userIds: ["bob", "carol"] });
    expect(seenBy(items, m({ bob: 3 }), "me")).toBeNull();
    expect(seenBy([item(1, "bob")], m({ bob: 1 }), "me")).toBeNull();
  });

  it("only ever moves a marker forward", () => {
    const a = withReceipt(new Map(), "bob", 5);
    expect(withReceipt(a, "bob", 3)).toBe(a);
    expect(withReceipt(a, "bob", 7)).toEqual(m({ bob: 7 }));
  });

  it("counts who has read up to my newest sent message in a large group, never me", () => {
    const items = [item(2, "me"), item(3, "bob"), item(4, "me"), item(null, "me")];
    const counts = [
      { seq: 3, count: 1500 },
      { seq: 5, count: 1234 },
      { seq: 6, count: 10 },
    ];
    // My message is seq 4: whoever is at 5 or past it has read it, less me (I read up to 6).
    expect(seenCount(items, counts, "me", 6)).toEqual({ seq: 4, count: 1233, atLeast: false });
    expect(seenCount(items, counts, "me", 3)).toEqual({ seq: 4, count: 1234, atLeast: false });
    // Only I read past it: nothing to show; nobody at all: nothing either.
    expect(seenCount(items, [{ seq: 4, count: 1 }], "me", 4)).toBeNull();
    expect(seenCount(items, [{ seq: 1, count: 7 }], "me", 0)).toBeNull();
    expect(seenCount([item(1, "bob")], counts, "me", 0)).toBeNull();
    // Older than every listed position: exact when the list holds every position, a floor when it is full.
    const full = Array.from({ length: Limits.readCountsMax }, (_, i) => ({ seq: 10 + i, count: 100 - i }));
    expect(seenCount(items, full, "me", 0)).toEqual({ seq: 4, count: 100, atLeast: true });
    expect(seenCount(items, full.slice(1), "me", 0)).toEqual({ seq: 4, count: 99, atLeast: false });
  });
});
