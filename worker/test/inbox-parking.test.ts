// An inbox nobody reads (no socket, no push subscription) is skipped by its
// conversations' notification rounds until someone reads it again; then it
// is exact at once: the welcome and the REST list show every skipped message.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import type { InboxObject } from "../inbox/object";
import type { ConversationSummary } from "../protocol";
import { stubOf } from "./conversation-fixtures";
import { apiOk, befriend, openDm, signUp, until, waitFor } from "./helpers";
import { framesOf, inboxOf, openInbox, say, welcomeOf } from "./inbox-fixtures";

const eventually = (check: () => Promise<boolean>, what: string) => until(check, 10_000, what);

const parkedIn = (conversationId: string, userId: string) =>
  runInDurableObject(stubOf(conversationId), (o: ConversationObject) => o.notifier.parked.has(userId));
const roundsDone = (conversationId: string) =>
  runInDurableObject(stubOf(conversationId), (o: ConversationObject) => !o.notifier.hasWork());
/** What the inbox holds, without the refresh its RPCs do first. */
const storedLastSeq = (userId: string, conversationId: string) =>
  runInDurableObject(inboxOf(userId), (o: InboxObject) => o.store.note(conversationId)?.summary?.lastSeq ?? 0);

describe("parked inboxes", () => {
  it("are skipped while nobody reads them, and exact again for a socket and for the REST list", async () => {
    const [a, b] = [await signUp("pa"), await signUp("pb")];
    await befriend(a, b);
    const dm = await openDm(a, b);

    // The first note makes b's inbox read its (zero) push subscriptions; the next one parks it.
    await say(dm.id, a, "m1", "one");
    await eventually(
      () => runInDurableObject(inboxOf(b.user.id), (o: InboxObject) => o.store.pushSubscriptions().n === 0),
      "b's push subscription count",
    );
    await say(dm.id, a, "m2", "two");
    await eventually(() => parkedIn(dm.id, b.user.id), "b parked");

    for (let i = 3; i <= 5; i++) await say(dm.id, a, `m${i}`, `message ${i}`);
    await eventually(() => roundsDone(dm.id), "the rounds for m3..m5");
    const head = 6; // seq 1 is the conversation's creation
    expect(await storedLastSeq(b.user.id, dm.id)).toBeLessThan(head);

    // b comes back: the welcome counts every message, and rounds include b again.
    const inbox = await openInbox(b);
    expect(welcomeOf(inbox).conversations.find((c) => c.id === dm.id)).toMatchObject({
      lastSeq: head,
      unread: 5,
      lastMessage: { seq: head, preview: "message 5" },
    });
    expect(await parkedIn(dm.id, b.user.id)).toBe(false);
    await say(dm.id, a, "m6", "live again");
    await waitFor(() =>
      framesOf(inbox, "conversation").some((f) => (f.conversation as ConversationSummary).lastSeq === head + 1),
    );
    inbox.close();

    // a never opened an inbox either: parked too, and the REST list is still exact.
    await eventually(() => parkedIn(dm.id, a.user.id), "a parked");
    await say(dm.id, b, "r1", "a reply");
    await eventually(() => roundsDone(dm.id), "the round for r1");
    expect(await storedLastSeq(a.user.id, dm.id)).toBeLessThan(head + 2);
    const listed = await apiOk<{ conversations: ConversationSummary[] }>("/api/conversations", {
      token: a.accessToken,
    });
    expect(listed.conversations.find((c) => c.id === dm.id)).toMatchObject({
      lastSeq: head + 2,
      unread: 1,
      lastMessage: { preview: "a reply" },
    });
    expect(await parkedIn(dm.id, a.user.id)).toBe(false);
  });
});
