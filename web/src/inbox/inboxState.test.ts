import { describe, expect, it } from "vitest";
import type { ConversationSummary } from "../../../worker/protocol";
import { applyInboxFrame, emptyInbox, markSeen, noticeFor, totalUnread, withSettings } from "./inboxState";

const summary = (id: string, updatedAt: number, unread = 0, senderId = "peer"): ConversationSummary => ({
  id,
  kind: "dm",
  title: null,
  memberCount: 2,
  role: "member",
  lastSeq: 10,
  readSeq: 10 - unread,
  unread,
  lastMessage: { seq: 10, senderId, kind: "text", preview: "hi", createdAt: updatedAt },
  updatedAt,
});

describe("inbox state", () => {
  it("orders by activity and moves a conversation up on new activity", () => {
    let s = applyInboxFrame(emptyInbox, {
      type: "welcome",
      conversations: [summary("a", 1), summary("b", 3), summary("c", 2)],
      friends: [{ userId: "u1", status: "offline", lastSeenAt: 5 }],
    });
    expect(s.conversations.map((c) => c.id)).toEqual(["b", "c", "a"]);
    s = applyInboxFrame(s, { type: "conversation", conversation: summary("a", 9, 2) });
    expect(s.conversations.map((c) => c.id)).toEqual(["a", "b", "c"]);
    expect(s.conversations).toHaveLength(3);
    expect(totalUnread(s)).toBe(2);
    expect(markSeen(s, "a").conversations[0]?.unread).toBe(0);
    expect(totalUnread(markSeen(s, "a"))).toBe(0);
  });

  it("drops a conversation the user left or was removed from", () => {
    let s = applyInboxFrame(emptyInbox, {
      type: "welcome",
      conversations: [summary("a", 1, 1), summary("b", 2, 3)],
      friends: [],
    });
    s = applyInboxFrame(s, { type: "conversation_removed", conversationId: "b" });
    expect(s.conversations.map((c) => c.id)).toEqual(["a"]);
    expect(totalUnread(s)).toBe(1);
  });

  it("tracks presence and bumps the contacts version on friend frames", () => {
    let s = applyInboxFrame(emptyInbox, { type: "presence", userId: "u1", status: "online", lastSeenAt: null });
    expect(s.presence.get("u1")).toEqual({ status: "online", lastSeenAt: null });
    s = applyInboxFrame(s, { type: "presence", userId: "u1", status: "offline", lastSeenAt: 77 });
    expect(s.presence.get("u1")).toEqual({ status: "offline", lastSeenAt: 77 });
    const v0 = s.contactsVersion;
    s = applyInboxFrame(s, { type: "friend_removed", userId: "u1" });
    expect(s.contactsVersion).toBe(v0 + 1);
  });

  it("notifies only for someone else's new message in a conversation that is not open", () => {
    const before = applyInboxFrame(emptyInbox, {
      type: "welcome",
      conversations: [summary("a", 1, 1), summary("b", 1)],
      friends: [],
    });
    expect(noticeFor(before, summary("a", 2, 2), "me", null)).toBe(true);
    expect(noticeFor(before, summary("a", 2, 2), "me", "a")).toBe(false);
    expect(noticeFor(before, summary("b", 2, 0, "me"), "me", null)).toBe(false);
    // A read marker moving (unread going down) is not news.
    expect(noticeFor(before, summary("a", 2, 0), "me", null)).toBe(false);
    expect(noticeFor(before, summary("new", 2, 1), "me", null)).toBe(true);
  });

  it("lists pinned chats first, oldest pin first, then by activity; unpinning puts one back in place", () => {
    let s = applyInboxFrame(emptyInbox, {
      type: "welcome",
      conversations: [
        summary("a", 5),
        { ...summary("b", 1), pinned: true, pinnedAt: 20 },
        { ...summary("c", 2), pinned: true, pinnedAt: 10 },
      ],
      friends: [],
    });
    expect(s.conversations.map((c) => c.id)).toEqual(["c", "b", "a"]);
    s = withSettings(s, "c", { muted: false, pinned: false });
    expect(s.conversations.map((c) => c.id)).toEqual(["b", "a", "c"]);
    s = withSettings(s, "a", { muted: false, pinned: true, pinnedAt: 30 });
    expect(s.conversations.map((c) => c.id)).toEqual(["b", "a", "c"]);
  });

  it("a muted chat raises no notice and leaves the app badge, until its timed mute ends", () => {
    const before = applyInboxFrame(emptyInbox, {
      type: "welcome",
      conversations: [summary("a", 1), { ...summary("b", 1, 2), muted: true }],
      friends: [],
    });
    expect(noticeFor(before, { ...summary("a", 2, 1), muted: true }, "me", null)).toBe(false);
    expect(totalUnread(before)).toBe(0);
    const ended = { ...summary("a", 2, 1), muted: true, mutedUntil: Date.now() - 1 };
    expect(noticeFor(before, ended, "me", null)).toBe(true);
  });

  it("a new mention notices through a mute and counts in the app badge; an edit adding one does not notice", () => {
    const at = (seq: number, mentionSeq?: number, mentions = 1): ConversationSummary => ({
      ...summary("m", seq, seq - 4),
      lastSeq: seq,
      lastMessage: { seq, senderId: "peer", kind: "text", preview: "hi", createdAt: seq },
      muted: true,
      ...(mentionSeq === undefined ? {} : { unreadMentions: mentions, lastMentionSeq: mentionSeq }),
    });
    const before = applyInboxFrame(emptyInbox, { type: "welcome", conversations: [at(10)], friends: [] });
    expect(noticeFor(before, at(11), "me", null)).toBe(false);
    expect(noticeFor(before, at(11, 11), "me", null)).toBe(true);
    // An edit (seq 12) added a mention to message 9, which the list already showed.
    expect(noticeFor(before, at(12, 9), "me", null)).toBe(false);
    expect(noticeFor(before, at(11, 11), "me", "m")).toBe(false);
    const mentioned = applyInboxFrame(before, { type: "conversation", conversation: at(11, 11, 2) });
    expect(totalUnread(mentioned)).toBe(2);
    expect(markSeen(mentioned, "m").conversations[0]).not.toHaveProperty("unreadMentions");
  });
});
