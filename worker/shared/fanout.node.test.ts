import { describe, expect, it } from "vitest";
import type { ConversationSummary } from "../protocol";
import {
  type FanoutMessage,
  fitMessage,
  isFanoutMessage,
  packNotes,
  QueueLimits,
  SendBatcher,
  unpackNotes,
} from "./fanout";
import type { ConversationNote } from "./note";

const summary = (userId: string, extra: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id: "c_1",
  kind: "group",
  title: "t",
  memberCount: 3,
  role: userId === "u0" ? "owner" : "member",
  lastSeq: 9,
  readSeq: 4,
  unread: 5,
  lastMessage: { seq: 9, senderId: "u0", kind: "text", preview: "hi", createdAt: 1 },
  updatedAt: 1,
  ...extra,
});

describe("fan-out messages", () => {
  it("carry each member's note whole: shared fields once, per-member ones (any new field too) per row", () => {
    const notes: [string, ConversationNote][] = [
      ["u0", { conversationId: "c_1", version: 13, summary: summary("u0") }],
      // A field the summary gains later (a mention count) rides per member without a change to the format.
      [
        "u1",
        {
          conversationId: "c_1",
          version: 10,
          summary: { ...summary("u1", { readSeq: 1, unread: 8 }), mentions: 2 } as ConversationSummary,
        },
      ],
      ["u2", { conversationId: "c_1", version: 9, removed: true }],
    ];
    const m = packNotes("c_1", notes);
    expect(m.shared).toEqual({
      id: "c_1",
      kind: "group",
      title: "t",
      memberCount: 3,
      lastSeq: 9,
      lastMessage: summary("u0").lastMessage,
      updatedAt: 1,
    });
    expect(m.rows[1]).toEqual({
      userId: "u1",
      version: 10,
      member: { role: "member", readSeq: 1, unread: 8, mentions: 2 },
    });
    expect(isFanoutMessage(JSON.parse(JSON.stringify(m)))).toBe(true);
    expect(unpackNotes(JSON.parse(JSON.stringify(m)))).toEqual(notes);
  });

  it("have no shared part when every row is a removal, and a DM's peer stays per member", () => {
    expect(packNotes("c_1", [["u2", { conversationId: "c_1", version: 3, removed: true }]]).shared).toBeNull();
    const peer = {
      id: "u1",
      username: "b",
      displayName: "B",
      avatarUrl: null,
    } as unknown as ConversationSummary["peer"];
    const dm = packNotes("c_1", [["u0", { conversationId: "c_1", version: 1, summary: summary("u0", { peer }) }]]);
    expect(dm.shared).not.toHaveProperty("peer");
    expect(dm.rows[0]).toMatchObject({ member: { peer } });
  });

  it("are recognised only in the v1 shape", () => {
    const ok = packNotes("c_1", [["u0", { conversationId: "c_1", version: 1, summary: summary("u0") }]]);
    const bad: unknown[] = [
      null,
      "x",
      { ...ok, v: 2 },
      { ...ok, rows: "no" },
      { ...ok, shared: null },
      { ...ok, rows: [{ userId: 1, version: 1, removed: true }] },
      { ...ok, rows: [{ userId: "u", removed: true }] },
    ];
    for (const b of bad) expect(isFanoutMessage(b), JSON.stringify(b)).toBe(false);
  });

  it("split by rows until each part fits the message budget, keeping every row in order", () => {
    const notes = Array.from({ length: 40 }, (_, i): [string, ConversationNote] => [
      `u${i}`,
      { conversationId: "c_1", version: i, summary: summary(`u${i}`) },
    ]);
    const whole = packNotes("c_1", notes);
    const parts = fitMessage(whole, 1500);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.bytes).toBeLessThanOrEqual(1500);
    expect(parts.flatMap((p) => p.body.rows)).toEqual(whole.rows);
    expect(() => fitMessage(packNotes("c_1", notes.slice(0, 1)), 100)).toThrow();
  });

  it("go out in sendBatch calls of at most 100 messages and the byte budget", () => {
    const small: FanoutMessage = { v: 1, conversationId: "c", shared: null, rows: [] };
    const batcher = new SendBatcher();
    const sent: FanoutMessage[][] = [];
    for (let i = 0; i < 250; i++) {
      const ready = batcher.add({ body: small, bytes: 50 });
      if (ready) sent.push(ready);
    }
    sent.push(batcher.take() ?? []);
    expect(sent.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batcher.take()).toBeNull();

    const big = { body: small, bytes: 100_000 };
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const ready = batcher.add(big);
      if (ready) sizes.push(ready.length);
    }
    sizes.push(batcher.take()?.length ?? 0);
    expect(sizes).toEqual([2, 2, 1]);
    expect(2 * (100_000 + QueueLimits.metadataBytes)).toBeLessThanOrEqual(QueueLimits.sendBatchBytes);
  });
});
