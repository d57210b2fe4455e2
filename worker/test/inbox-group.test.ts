import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../index";
import { BATCH_SIZE, bigGroup, FANOUT_QUEUE, flushOf } from "./fanout-fixtures";
import { inboxOf } from "./inbox-fixtures";

const noteOf = (userId: string, conversationId: string) => inboxOf(userId).note(conversationId);

describe("inbox fan-out", () => {
  it("one message in a 1000-member group gives every other member's inbox unread 1 and the sender 0", async () => {
    const g = await bigGroup(1000, "bulk");
    const sender = g.members[0] as string;
    const messages = await flushOf(g, "hello all");
    expect(messages.length).toBe(4);

    // The platform's side, by hand: batches of 4 messages, invocations running at once. Not the
    // test runtime's shared local queue, which runs one batch at a time for every test file: this
    // first call creates 1,000 inbox objects (20-60 s on this loaded 2-core machine), and every
    // other file's notes would wait behind it.
    const batches: (typeof messages)[] = [];
    for (let i = 0; i < messages.length; i += BATCH_SIZE) batches.push(messages.slice(i, i + BATCH_SIZE));
    await Promise.all(
      batches.map((b, k) =>
        worker.queue(
          createMessageBatch<unknown>(
            FANOUT_QUEUE,
            b.map((body, i) => ({ id: `m${k}-${i}`, timestamp: Date.now(), attempts: 1, body })),
          ),
          env,
        ),
      ),
    );

    // Every inbox: the full summary at seq 2, counted from its own member's view.
    const notes = await Promise.all(g.members.map((m) => noteOf(m, g.id)));
    const wrong = notes
      .map((n, i) => ({ n, i }))
      .filter(({ n, i }) => n?.summary?.lastSeq !== 2 || n.summary.unread !== (i === 0 ? 0 : 1));
    expect(wrong.map(({ n, i }) => ({ i, n }))).toEqual([]);
    expect(notes[1]?.summary).toMatchObject({
      id: g.id,
      kind: "group",
      title: "big",
      memberCount: 1000,
      role: "member",
      readSeq: 0,
      lastMessage: { seq: 2, senderId: sender, preview: "hello all" },
    });
    expect(notes[0]?.summary).toMatchObject({ role: "owner", unread: 0 });
  }, 300_000);
});
