import { describe, expect, it } from "vitest";
import { seenBy, withReceipt } from "./receipts";
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
});
