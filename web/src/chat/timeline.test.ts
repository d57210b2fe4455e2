import { describe, expect, it } from "vitest";
import type { ConversationEvent, Message } from "../../../worker/protocol";
import {
  addHistory,
  addPending,
  applyEvents,
  emptyTimeline,
  lastSeqOf,
  markAcked,
  markFailed,
  oldestSeqOf,
  type Timeline,
} from "./timeline";

const itemBySeq = (t: Timeline, seq: number) => t.items.find((i) => i.seq === seq);

const message = (seq: number, senderId = "bob", clientId: string | null = null): Message => ({
  seq,
  senderId,
  clientId,
  kind: "text",
  text: `m${seq}`,
  createdAt: seq,
  reactions: {},
});
const event = (seq: number, senderId = "bob", clientId?: string): ConversationEvent => ({
  seq,
  conversationId: "c",
  type: "message",
  senderId,
  kind: "text",
  text: `e${seq}`,
  createdAt: seq,
  ...(clientId ? { clientId } : {}),
});

describe("timeline", () => {
  it("keeps a forward's origin from history and live events, and drops it when the message is deleted", () => {
    const origin = { senderId: "carol", name: "Carol", createdAt: 1 };
    let t = addHistory(emptyTimeline, [{ ...message(3), forwardedFrom: origin }], false);
    t = applyEvents(t, [{ ...event(4), forwardedFrom: origin } as ConversationEvent]);
    expect(itemBySeq(t, 3)?.forwardedFrom).toEqual(origin);
    expect(itemBySeq(t, 4)?.forwardedFrom).toEqual(origin);
    t = applyEvents(t, [{ seq: 5, conversationId: "c", type: "delete", senderId: "bob", createdAt: 5, target: 4 }]);
    expect(itemBySeq(t, 4)).not.toHaveProperty("forwardedFrom");
    expect(
      addHistory(emptyTimeline, [{ ...message(6), forwardedFrom: origin, deleted: true }], false).items[0],
    ).not.toHaveProperty("forwardedFrom");
  });

  it("renders history oldest first and pages older messages in front", () => {
    let t = addHistory(emptyTimeline, [message(5), message(4), message(3)], true);
    expect(t.items.map((i) => i.seq)).toEqual([3, 4, 5]);
    expect(lastSeqOf(t)).toBe(5);
    expect(oldestSeqOf(t)).toBe(3);
    t = addHistory(t, [message(2), message(1)], false);
    expect(t.items.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(t.hasMore).toBe(false);
  });

  it("turns an own pending message into the sent one, whether the ack or the event comes first", () => {
    let t = addPending(emptyTimeline, "c1", "me", "hello", 0);
    t = addPending(t, "c2", "me", "again", 0);
    expect(t.items.map((i) => i.status)).toEqual(["pending", "pending"]);

    t = markAcked(t, "me", "c1", 3, 30);
    t = applyEvents(t, [event(3, "me", "c1")]);
    t = applyEvents(t, [event(4, "me", "c2")]);
    t = markAcked(t, "me", "c2", 4, 40);
    expect(t.items.map((i) => [i.seq, i.status])).toEqual([
      [3, "sent"],
      [4, "sent"],
    ]);
  });

  it("keeps a pending message after live ones from others, and marks refusals", () => {
    let t = addPending(emptyTimeline, "c1", "me", "hi", 0);
    t = applyEvents(t, [event(2), event(3)]);
    expect(t.items.map((i) => i.seq)).toEqual([2, 3, null]);
    t = markFailed(t, "me", "c1", "too long");
    expect(t.items[2]).toMatchObject({ status: "failed", failure: "too long" });
  });

  it("does not match another user's message with the same clientId", () => {
    let t = addPending(emptyTimeline, "same", "me", "mine", 0);
    t = applyEvents(t, [event(2, "bob", "same")]);
    expect(t.items.map((i) => [i.senderId, i.status])).toEqual([
      ["bob", "sent"],
      ["me", "pending"],
    ]);
  });

  it("applies edits, deletes and reactions to their target", () => {
    let t = addHistory(emptyTimeline, [message(2), message(1)], false);
    const base = { conversationId: "c", senderId: "bob", createdAt: 9 };
    t = applyEvents(t, [
      { ...base, seq: 3, type: "edit", target: 1, text: "fixed" },
      { ...base, seq: 4, type: "delete", target: 2 },
      { ...base, seq: 5, type: "reaction", target: 1, emoji: "👍", on: true },
    ]);
    expect(t.items[0]).toMatchObject({ text: "fixed", editedAt: 9, reactions: new Map([["👍", ["bob"]]]) });
    expect(t.items[1]).toMatchObject({ text: null, deleted: true });
  });

  it("folds a replay of everything missed while offline: replies, files, edits, reactions, deletes", () => {
    let t = addHistory(emptyTimeline, [message(1)], false);
    const base = { conversationId: "c", createdAt: 20 };
    const file = { id: "f_1", name: "a.png", size: 3, contentType: "image/png" };
    t = applyEvents(t, [
      { ...base, seq: 2, type: "message", senderId: "carol", kind: "text", text: "re", replyTo: 1 },
      { ...base, seq: 3, type: "message", senderId: "bob", kind: "image", fileId: "f_1", file },
      { ...base, seq: 4, type: "reaction", senderId: "carol", target: 1, emoji: "👍", on: true },
      { ...base, seq: 5, type: "reaction", senderId: "bob", target: 1, emoji: "👍", on: true },
      { ...base, seq: 6, type: "reaction", senderId: "carol", target: 1, emoji: "👍", on: false },
      { ...base, seq: 7, type: "edit", senderId: "carol", target: 2, text: "re (fixed)" },
      { ...base, seq: 8, type: "delete", senderId: "bob", target: 3 },
      { ...base, seq: 9, type: "edit", senderId: "bob", target: 3, text: "too late" },
      { ...base, seq: 10, type: "member", senderId: "bob", action: "added", userIds: ["dan"] },
    ]);
    expect(t.items.map((i) => i.seq)).toEqual([1, 2, 3]);
    expect(itemBySeq(t, 1)?.reactions).toEqual(new Map([["👍", ["bob"]]]));
    expect(itemBySeq(t, 2)).toMatchObject({ text: "re (fixed)", replyTo: 1, editedAt: 20 });
    const gone = itemBySeq(t, 3);
    expect(gone).toMatchObject({ deleted: true, text: null, kind: "image" });
    expect(gone?.file).toBeUndefined();
  });

  it("keeps file and reply of history messages, and erases a deleted one's file", () => {
    const file = { id: "f_2", name: "b.bin", size: 9, contentType: "application/octet-stream" };
    const t = addHistory(
      emptyTimeline,
      [
        { ...message(2), kind: "file", text: null, file, replyTo: 1 },
        { ...message(1), deleted: true, text: null, file },
      ],
      false,
    );
    expect(itemBySeq(t, 2)).toMatchObject({ file, replyTo: 1 });
    expect(itemBySeq(t, 1)?.file).toBeUndefined();
  });

  it("lets a window of older history take changes but not new messages", () => {
    let window = addHistory(emptyTimeline, [message(20), message(19)], true);
    const base = { conversationId: "c", senderId: "bob", createdAt: 9 };
    window = applyEvents(window, [event(101), { ...base, seq: 102, type: "edit", target: 20, text: "new" }], {
      appendNew: false,
    });
    expect(window.items.map((i) => [i.seq, i.text])).toEqual([
      [19, "m19"],
      [20, "new"],
    ]);
  });

  it("carries the reply target of a pending send", () => {
    const t = addPending(emptyTimeline, "c9", "me", "yes", 0, 7);
    expect(t.items[0]).toMatchObject({ replyTo: 7, status: "pending" });
  });
});

describe("timeline mentions", () => {
  const base = { conversationId: "c", senderId: "bob", createdAt: 1 } as const;
  it("carries a message's mentions from history and events; an edit replaces them, a delete drops them", () => {
    let t = addHistory(emptyTimeline, [{ ...message(2), mentions: ["amy"] }], false);
    expect(itemBySeq(t, 2)?.mentions).toEqual(["amy"]);
    t = applyEvents(t, [{ ...base, seq: 3, type: "message", kind: "text", text: "x", mentions: ["cy"] }]);
    expect(itemBySeq(t, 3)?.mentions).toEqual(["cy"]);
    t = applyEvents(t, [{ ...base, seq: 4, type: "edit", target: 2, text: "y", mentions: ["dan"] }]);
    expect(itemBySeq(t, 2)?.mentions).toEqual(["dan"]);
    t = applyEvents(t, [{ ...base, seq: 5, type: "edit", target: 2, text: "z" }]);
    expect(itemBySeq(t, 2)).not.toHaveProperty("mentions");
    t = applyEvents(t, [{ ...base, seq: 6, type: "delete", target: 3 }]);
    expect(itemBySeq(t, 3)).not.toHaveProperty("mentions");
  });
});
