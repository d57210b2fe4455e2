import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { conversationStub } from "../do/stubs";
import { newId } from "../ids";
import { inboxOf } from "./inbox-fixtures";

const noteOf = (userId: string, conversationId: string) => inboxOf(userId).note(conversationId);

describe("inbox fan-out", () => {
  it("one message in a 1000-member group gives every other member's inbox unread 1 and the sender 0", async () => {
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

    // Wait for a condition, not a clock: the notifier's durable marks are
    // cleared only after every inbox call of a round succeeded. Polling the
    // object is one cheap call; polling 1000 inboxes would slow the fan-out
    // it waits for (on this 2-core machine the rounds take ~20 s).
    const notifierBusy = () => runInDurableObject(stub, (o: ConversationObject) => o.notifier.hasWork());
    while (await notifierBusy()) await new Promise((r) => setTimeout(r, 250));

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
  }, 300_000);
});
