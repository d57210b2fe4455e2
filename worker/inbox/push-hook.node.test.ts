import { describe, expect, it } from "vitest";
import type { ConversationSummary } from "../protocol";
import { pushPayloadFor } from "./push-hook";

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
    expect(pushPayloadFor("u_me", base, null)).toEqual({ conversationId: "c_1", seq: 5, title: "Alice", body: "hi" });
    expect(pushPayloadFor("u_me", { ...base, kind: "group", title: "Team" }, null)?.title).toBe("Team");
  });

  it("stays silent for own messages, read summaries and messages already seen", () => {
    expect(pushPayloadFor("u_a", base, null)).toBeNull();
    expect(pushPayloadFor("u_me", { ...base, unread: 0 }, null)).toBeNull();
    expect(pushPayloadFor("u_me", base, base)).toBeNull();
    const { lastMessage: _none, ...noMessage } = base;
    expect(pushPayloadFor("u_me", noMessage, null)).toBeNull();
  });
});
