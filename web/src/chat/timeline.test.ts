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
} from "./timeline";

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
    expect(t.items[0]).toMatchObject({ text: "fixed", editedAt: 9, reactions: { "👍": ["bob"] } });
    expect(t.items[1]).toMatchObject({ text: null, deleted: true });
  });
});
