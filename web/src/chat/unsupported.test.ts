// What the timeline and the cache make of what this build cannot read (wire/events.ts).
import { describe, expect, it } from "vitest";
import type { Message } from "../../../worker/protocol";
import { newestItems, readableCachedItems } from "../store/trim";
import { addHistory, applyEvents, emptyTimeline, lastSeqOf, type Timeline } from "./timeline";

const message = (seq: number): Message => ({
  seq,
  senderId: "bob",
  clientId: null,
  kind: "text",
  text: `m${seq}`,
  createdAt: seq,
  reactions: {},
});
const shown = (t: Timeline) => t.items.map((i) => [i.seq, i.unsupported === true ? "?" : i.text]);

describe("the timeline with events this build cannot read", () => {
  it("changes nothing for an unknown event that is not a message", () => {
    const t = addHistory(emptyTimeline, [message(2)], false);
    const after = applyEvents(t, [{ type: "unknown", seq: 3, wireType: "poll_vote", senderId: "bob", createdAt: 3 }]);
    expect(shown(after)).toEqual([[2, "m2"]]);
  });

  it("holds a message of an unknown shape in its place as a placeholder, live and from history alike", () => {
    let t = addHistory(emptyTimeline, [message(4), { seq: 3, unsupported: true, senderId: "bob", createdAt: 3 }], true);
    t = applyEvents(t, [{ type: "unknown", seq: 5, wireType: "message", senderId: "carol", createdAt: 5 }]);
    expect(shown(t)).toEqual([
      [3, "?"],
      [4, "m4"],
      [5, "?"],
    ]);
    expect(lastSeqOf(t)).toBe(5);
    // Changes to it still apply: a delete shows it as deleted.
    t = applyEvents(t, [{ seq: 6, conversationId: "c", type: "delete", target: 5, senderId: "carol", createdAt: 6 }]);
    expect(t.items.find((i) => i.seq === 5)?.deleted).toBe(true);
  });
});

describe("the message cache", () => {
  it("does not keep placeholders, so the build that can read them fetches them afresh", () => {
    const t = addHistory(
      emptyTimeline,
      [message(4), { seq: 3, unsupported: true, senderId: "bob", createdAt: 3 }],
      true,
    );
    expect(newestItems(t.items, 10).map((i) => i.seq)).toEqual([4]);
  });

  it("reads the items it can show and leaves out the rest, not the whole cache", () => {
    const good = { ...addHistory(emptyTimeline, [message(4)], false).items[0], reactions: { "👍": ["bob"] } };
    const items = readableCachedItems([{ ...good, seq: 3, key: "s:3", kind: "poll" }, null, { seq: 2 }, good]);
    expect(items.map((i) => i.seq)).toEqual([4]);
    expect(items[0]?.reactions).toEqual(new Map([["👍", ["bob"]]]));
    expect(readableCachedItems(undefined)).toEqual([]);
  });
});
