// Issue 15, defect 4: a deleted message is not unread, and previews follow
// edits and deletes, in every place a summary comes from (the object's own
// summary, the inbox's pushed copy, and GET /api/conversations).
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import type { ConversationSummary } from "../protocol";
import { stubOf } from "./conversation-fixtures";
import { apiOk, befriend, openDm, signUp, type TestUser } from "./helpers";
import { inboxOf, say, waitForSummary } from "./inbox-fixtures";

async function listed(user: TestUser, id: string): Promise<ConversationSummary> {
  const { conversations } = await apiOk<{ conversations: ConversationSummary[] }>("/api/conversations", {
    token: user.accessToken,
  });
  const found = conversations.find((c) => c.id === id);
  if (!found) throw new Error("conversation not listed");
  return found;
}

async function change(id: string, user: TestUser, frame: Parameters<ReturnType<typeof stubOf>["post"]>[1]) {
  const res = await stubOf(id).post(user.user.id, frame);
  if (!res.ok) throw new Error(`refused: ${res.message}`);
  return res.seq;
}

const sent = async (p: Promise<unknown>) => ((await p) as { event: { seq: number } }).event.seq;

describe("unread and previews after edits and deletes", () => {
  it("does not count a deleted message and falls back to the newest live preview", async () => {
    const [a, b] = [await signUp("ua"), await signUp("ub")];
    await befriend(a, b);
    const dm = await openDm(a, b);
    const first = await sent(say(dm.id, a, "m1", "first words"));
    const second = await sent(say(dm.id, a, "m2", "regret this"));
    await waitForSummary(b.user.id, dm.id, (s) => s.unread === 2);

    // An edit changes the preview, not the count.
    const edit = await change(dm.id, a, { type: "edit", clientId: "e1", target: second, text: "better words" });
    await waitForSummary(b.user.id, dm.id, (s) => s.lastSeq === edit);
    let s = await listed(b, dm.id);
    expect(s.unread).toBe(2);
    expect(s.lastMessage).toMatchObject({ seq: second, preview: "better words" });

    // Deleting the newest: one unread, and the preview is the message before it (not a blank one).
    const del = await change(dm.id, a, { type: "delete", clientId: "d1", target: second });
    await waitForSummary(b.user.id, dm.id, (x) => x.lastSeq === del);
    s = await listed(b, dm.id);
    expect(s.unread).toBe(1);
    expect(s.lastMessage).toMatchObject({ seq: first, preview: "first words" });
    const note = await inboxOf(b.user.id).note(dm.id);
    expect(note?.summary).toMatchObject({ unread: 1, lastMessage: { seq: first, preview: "first words" } });
    // The object's own summary (the REST fallback) agrees.
    const direct = await stubOf(dm.id).summary(b.user.id);
    expect(direct).toMatchObject({ ok: true, unread: 1, lastMessage: { preview: "first words" } });

    // Deleting the rest: nothing unread, no preview at all; the sender's own count stays 0.
    const del2 = await change(dm.id, a, { type: "delete", clientId: "d2", target: first });
    await waitForSummary(b.user.id, dm.id, (x) => x.lastSeq === del2);
    s = await listed(b, dm.id);
    expect(s.unread).toBe(0);
    expect(s.lastMessage).toBeUndefined();
    expect((await listed(a, dm.id)).unread).toBe(0);
  });

  it("counts only deleted messages after the reader's marker, and only others'", async () => {
    const [a, b] = [await signUp("va"), await signUp("vb")];
    await befriend(a, b);
    const dm = await openDm(a, b);
    const early = await sent(say(dm.id, a, "x1", "read already"));
    await say(dm.id, a, "x2", "unread one");
    const mine = await sent(say(dm.id, b, "y1", "b's own"));
    await runInDurableObject(stubOf(dm.id), (obj: ConversationObject) => obj.room.log.store.setRead(b.user.id, early));
    // A deleted message before the marker, and b's own deleted message, change nothing for b.
    await change(dm.id, a, { type: "delete", clientId: "d1", target: early });
    const last = await change(dm.id, b, { type: "delete", clientId: "d2", target: mine });
    await waitForSummary(b.user.id, dm.id, (x) => x.lastSeq === last);
    const s = await listed(b, dm.id);
    expect(s.unread).toBe(1);
    expect(s.lastMessage?.preview).toBe("unread one");
  });
});
