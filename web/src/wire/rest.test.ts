// REST history read one message at a time: a newer server's message kind (or
// a malformed message) must not empty the page around it.
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { MessagesPageSchema, PinsSchema, SummariesSchema } from "./rest";

const message = (seq: number, extra: Record<string, unknown> = {}) => ({
  seq,
  senderId: "u2",
  clientId: null,
  kind: "text",
  text: `m${seq}`,
  createdAt: 1_700_000_000_000 + seq,
  reactions: {},
  ...extra,
});

describe("a messages page", () => {
  it("keeps its readable messages beside one of a kind this build does not know", () => {
    const page = v.parse(MessagesPageSchema, {
      messages: [message(9), message(8, { kind: "poll", poll: { q: "lunch?" } }), message(7)],
      hasMore: true,
    });
    expect(page.hasMore).toBe(true);
    expect(page.messages).toEqual([
      expect.objectContaining({ seq: 9, kind: "text", text: "m9" }),
      { seq: 8, unsupported: true, senderId: "u2", createdAt: 1_700_000_000_008 },
      expect.objectContaining({ seq: 7, kind: "text", text: "m7" }),
    ]);
  });

  it("keeps the neighbours of a malformed message, and drops an entry with no place in the log", () => {
    const page = v.parse(MessagesPageSchema, {
      messages: [message(9), message(8, { text: 42 }), { seq: "x" }, null, message(6)],
    });
    expect(page.messages.map((m) => [m.seq, "unsupported" in m])).toEqual([
      [9, false],
      [8, true],
      [6, false],
    ]);
  });

  it("still refuses an answer that is not a page", () => {
    expect(v.safeParse(MessagesPageSchema, { messages: "nope" }).success).toBe(false);
    expect(v.safeParse(MessagesPageSchema, {}).success).toBe(false);
  });
});

describe("the pins list", () => {
  it("keeps the other pins when one pinned message cannot be read", () => {
    const pins = v.parse(PinsSchema, {
      pins: [
        { seq: 4, pinnedBy: "u1", pinnedAt: 1, message: message(4) },
        { seq: 5, pinnedBy: "u1", pinnedAt: 2, message: message(5, { kind: "poll" }) },
      ],
    }).pins;
    expect(pins.map((p) => p.seq)).toEqual([4]);
  });
});

describe("the conversation list", () => {
  it("keeps a conversation whose last message is of a kind this build does not know", () => {
    const summary = {
      id: "c1",
      kind: "dm",
      title: null,
      memberCount: 2,
      role: "member",
      lastSeq: 8,
      readSeq: 7,
      unread: 1,
      lastMessage: { seq: 8, senderId: "u2", kind: "poll", preview: "lunch?", createdAt: 8 },
      updatedAt: 8,
    };
    const list = v.parse(SummariesSchema, { conversations: [summary] }).conversations;
    expect(list[0]?.lastMessage).toEqual({ seq: 8, senderId: "u2", kind: "text", preview: "lunch?", createdAt: 8 });
  });
});
