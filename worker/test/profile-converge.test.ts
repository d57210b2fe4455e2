// A new display name or avatar reaches everyone who sees the user: profiles
// are D1's, and every copy (the inbox's stored summaries, a DM object's
// cached peers) gives way to D1 when it is shown.
import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import type { Conversation, ConversationSummary, Friend, Me, User } from "../protocol";
import { WEBP_256 } from "./avatar-fixtures";
import { stubOf } from "./conversation-fixtures";
import { apiOk, BASE, befriend, openDm, signUp, type TestUser, waitFor } from "./helpers";
import { openInbox, say, waitForSummary, welcomeOf } from "./inbox-fixtures";

async function changeProfile(u: TestUser, displayName: string): Promise<Me> {
  await apiOk<Me>("/api/me", { method: "PATCH", token: u.accessToken, body: { displayName } });
  const res = await exports.default.fetch(`${BASE}/api/me/avatar`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${u.accessToken}` },
    body: WEBP_256,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Me;
}

/** Amy and Bob with a DM whose last message Bob's inbox has heard of, with Amy as she was. */
async function pairWithHeardDm() {
  const [amy, bob] = [await signUp("pc"), await signUp("pc")];
  await befriend(amy, bob);
  const dm = await openDm(amy, bob);
  await say(dm.id, amy, "c1", "hello");
  await waitForSummary(bob.user.id, dm.id, (s) => s.lastSeq >= 2);
  return { amy, bob, dm };
}

const peerIn = (list: ConversationSummary[], id: string) => list.find((c) => c.id === id)?.peer;

describe("profile changes converge", () => {
  it("the REST list, friends and member lists show the new name and avatar at once", async () => {
    const { amy, bob, dm } = await pairWithHeardDm();
    const after = await changeProfile(amy, "Amy Renamed");
    const expected: User = { ...amy.user, displayName: "Amy Renamed", avatar: after.avatar ?? "" };

    const { conversations } = await apiOk<{ conversations: ConversationSummary[] }>("/api/conversations", {
      token: bob.accessToken,
    });
    expect(peerIn(conversations, dm.id)).toEqual(expected);
    const { friends } = await apiOk<{ friends: Friend[] }>("/api/friends", { token: bob.accessToken });
    expect(friends.map((f) => f.user)).toEqual([expected]);
    const { conversation } = await apiOk<{ conversation: Conversation }>(`/api/conversations/${dm.id}`, {
      token: bob.accessToken,
    });
    expect(conversation.members?.find((m) => m.user.id === amy.user.id)?.user).toEqual(expected);
  });

  it("the inbox socket's welcome shows the new profile, not the one its stored summary was written with", async () => {
    const { amy, bob, dm } = await pairWithHeardDm();
    const after = await changeProfile(amy, "Amy Welcomed");
    const s = await openInbox(bob);
    try {
      const peer = welcomeOf(s).conversations.find((c) => c.id === dm.id) as ConversationSummary | undefined;
      expect(peer?.peer).toEqual({ ...amy.user, displayName: "Amy Welcomed", avatar: after.avatar });
    } finally {
      s.ws.close();
    }
  });

  it("a DM object reads its peers again once its copy is old, so live notes carry the new profile", async () => {
    const { amy, bob, dm } = await pairWithHeardDm();
    const s = await openInbox(bob);
    try {
      await changeProfile(amy, "Amy Live");
      // Stands in for the copy's ten seconds passing.
      await runInDurableObject(stubOf(dm.id), (obj: ConversationObject) => {
        (obj as unknown as { peersAt: number }).peersAt = 0;
      });
      await say(dm.id, amy, "c2", "again");
      await waitFor(
        () =>
          s.frames.some(
            (f) =>
              f.type === "conversation" && (f.conversation as ConversationSummary).peer?.displayName === "Amy Live",
          ),
        10_000,
        "a conversation frame with the new name",
      );
    } finally {
      s.ws.close();
    }
  });
});
