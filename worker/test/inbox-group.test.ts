import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { conversationStub } from "../do/stubs";
import { newId } from "../ids";
import { until } from "./helpers";
import { inboxOf } from "./inbox-fixtures";

const noteOf = (userId: string, conversationId: string) => inboxOf(userId).note(conversationId);

describe("inbox fan-out", () => {
  it("one message in a 1000-member group gives every other member's inbox unread 1 and the sender 0, through the queue", async () => {
    const id = newId("c");
    const members = Array.from({ length: 1000 }, (_, i) => ({
      userId: `usr_bulk_${id}_${i}`,
      role: i === 0 ? ("owner" as const) : ("member" as const),
    }));
    const sender = members[0]?.userId ?? "";
    const stub = conversationStub(env, id);
    await stub.init({ id, kind: "group", title: "big", createdBy: sender, createdAt: Date.now(), members });
    const sent = await stub.post(sender, { type: "send", clientId: "one", kind: "text", text: "hello all" });
    expect(sent.ok).toBe(true);

    // Wait for a condition, not a clock: the notes go through the real (local) queue and its
    // consumer. Most of the time is the first call creating 1,000 inbox objects (20-60 s on this
    // loaded 2-core machine; 1,000 calls to existing ones take ~2 s). The last member's inbox is
    // polled (one call) until it has seq 2, then all of them.
    const last = members[999]?.userId ?? "";
    await until(async () => (await noteOf(last, id))?.summary?.lastSeq === 2, 240_000, "the last inbox");
    const updated = async () =>
      (await Promise.all(members.map((m) => noteOf(m.userId, id)))).every((n) => n?.summary?.lastSeq === 2);
    await until(updated, 240_000, "every inbox");

    // Every inbox: the full summary at seq 2, counted from its own member's view.
    const notes = await Promise.all(members.map((m) => noteOf(m.userId, id)));
    const wrong = notes
      .map((n, i) => ({ n, i }))
      .filter(({ n, i }) => n?.summary?.lastSeq !== 2 || n.summary.unread !== (i === 0 ? 0 : 1));
    expect(wrong.map(({ n, i }) => ({ i, n }))).toEqual([]);
    expect(notes[1]?.summary).toMatchObject({
      id,
      kind: "group",
      title: "big",
      memberCount: 1000,
      role: "member",
      readSeq: 0,
      lastMessage: { seq: 2, senderId: sender, preview: "hello all" },
    });
    expect(notes[0]?.summary).toMatchObject({ role: "owner", unread: 0 });
  }, 600_000);
});
