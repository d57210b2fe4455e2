import { describe, expect, it } from "vitest";
import type { ConversationSummary } from "../protocol";
import { PUSH_COALESCE_MS, pushPayloadFor, pushTiming } from "./push-hook";

const base: ConversationSummary = {
  id: "c_1",
  kind: "dm",
  title: null,
  peer: { id: "u_a", username: "alice", displayName: "Alice" },
  memberCount: 2,
  role: "member",
  lastSeq: 5,
  readSeq: 0,
  unread: 1,
  lastMessage: { seq: 5, senderId: "u_a", kind: "text", preview: "hi", createdAt: 1 },
  updatedAt: 1,
};

describe("pushPayloadFor", () => {
  it("notifies a new unread message from someone else, titled by the DM peer or the group title", () => {
    expect(pushPayloadFor("u_me", base, 0)).toEqual({ conversationId: "c_1", seq: 5, title: "Alice", body: "hi" });
    expect(pushPayloadFor("u_me", { ...base, kind: "group", title: "Team" }, 0)?.title).toBe("Team");
    expect(pushPayloadFor("u_me", base, 4)?.seq).toBe(5);
  });

  it("stays silent for a conversation the user muted", () => {
    expect(pushPayloadFor("u_me", { ...base, muted: true }, 0)).toBeNull();
    expect(pushPayloadFor("u_me", { ...base, muted: true, mutedUntil: 9e15 }, 0)).toBeNull();
  });

  it("notifies through a mute for a new message that mentions the user, and only for that", () => {
    const muted = { ...base, muted: true, unreadMentions: 1, lastMentionSeq: 5 };
    expect(pushPayloadFor("u_me", muted, 4)).toMatchObject({ seq: 5, body: "hi" });
    // A mention already told about (an older unread one, or an edit adding one to a told message) is silent.
    expect(pushPayloadFor("u_me", { ...muted, lastMentionSeq: 3 }, 4)).toBeNull();
    expect(pushPayloadFor("u_me", { ...muted, lastMentionSeq: 4 }, 4)).toBeNull();
    // A mention the user read, or wrote themself, is silent as any message is.
    expect(pushPayloadFor("u_me", { ...muted, unread: 0 }, 4)).toBeNull();
    expect(pushPayloadFor("u_a", muted, 4)).toBeNull();
  });

  it("stays silent for own messages, read summaries and messages already notified", () => {
    expect(pushPayloadFor("u_a", base, 0)).toBeNull();
    expect(pushPayloadFor("u_me", { ...base, unread: 0 }, 0)).toBeNull();
    expect(pushPayloadFor("u_me", base, 5)).toBeNull();
    const { lastMessage: _none, ...noMessage } = base;
    expect(pushPayloadFor("u_me", noMessage, 0)).toBeNull();
  });
});

describe("pushTiming", () => {
  it("sends the first push and any push after a quiet window", () => {
    expect(pushTiming(null, null, 1000)).toEqual({ send: true });
    expect(pushTiming(1000, null, 1000 + PUSH_COALESCE_MS)).toEqual({ send: true });
  });

  it("holds a push inside the window until its end, once", () => {
    expect(pushTiming(1000, null, 1001)).toEqual({ send: false, holdUntil: 1000 + PUSH_COALESCE_MS });
    expect(pushTiming(1000, 1000 + PUSH_COALESCE_MS, 1002)).toEqual({ send: false, holdUntil: null });
  });
});
