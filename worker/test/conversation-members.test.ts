import { describe, expect, it } from "vitest";
import type { Conversation, ConversationEvent } from "../protocol";
import { expectError, join, makeGroup, receivedEvents } from "./conversation-fixtures";
import { api, apiOk, befriend, signUp, waitFor } from "./helpers";

describe("group membership", () => {
  it("adds friends (admin+), renames, sets roles (owner only) and logs each change as a member event", async () => {
    const [owner, b, c, d] = [await signUp("o"), await signUp("b"), await signUp("c"), await signUp("d")];
    const group = await makeGroup(owner, [b]);
    const path = `/api/conversations/${group.id}`;
    await expectError(
      await api(`${path}/members`, { token: owner.accessToken, body: { userIds: [c.user.id] } }),
      403,
      "forbidden",
    );
    await befriend(owner, c);
    const added = await apiOk<{ conversation: Conversation }>(`${path}/members`, {
      token: owner.accessToken,
      body: { userIds: [c.user.id] },
    });
    expect(added.conversation.members?.map((m) => m.user.id)).toContain(c.user.id);
    // A plain member may not add, rename or set roles.
    await befriend(b, d);
    await expectError(
      await api(`${path}/members`, { token: b.accessToken, body: { userIds: [d.user.id] } }),
      403,
      "forbidden",
    );
    await expectError(
      await api(path, { method: "PATCH", token: b.accessToken, body: { title: "mine" } }),
      403,
      "forbidden",
    );
    await expectError(
      await api(`${path}/members/${c.user.id}`, { method: "PATCH", token: b.accessToken, body: { role: "admin" } }),
      403,
      "forbidden",
    );
    await apiOk(`${path}/members/${b.user.id}`, { method: "PATCH", token: owner.accessToken, body: { role: "admin" } });
    const renamed = await apiOk<{ conversation: Conversation }>(path, {
      method: "PATCH",
      token: b.accessToken,
      body: { title: "renamed" },
    });
    expect(renamed.conversation.title).toBe("renamed");

    const { events } = await apiOk<{ events: ConversationEvent[] }>(`${path}/events`, { token: c.accessToken });
    expect(events.map((e) => (e.type === "member" ? e.action : e.type))).toEqual([
      "created",
      "added",
      "role",
      "renamed",
    ]);
    expect(events[2]).toMatchObject({ userIds: [b.user.id], role: "admin", senderId: owner.user.id });
  });

  it("closes a removed member's socket with 4003 and refuses their REST calls with 403", async () => {
    const [owner, b, c] = [await signUp("o"), await signUp("b"), await signUp("c")];
    const group = await makeGroup(owner, [b, c]);
    const path = `/api/conversations/${group.id}`;
    const sb = await join(group.id, b);
    const sc = await join(group.id, c);
    // A member cannot remove a peer of the same rank.
    await expectError(
      await api(`${path}/members/${c.user.id}`, { method: "DELETE", token: b.accessToken }),
      403,
      "forbidden",
    );
    await apiOk(`${path}/members/${b.user.id}`, { method: "DELETE", token: owner.accessToken }, 204);
    expect((await sb.closed).code).toBe(4003);
    await expectError(await api(`${path}/events`, { token: b.accessToken }), 403, "forbidden");
    await expectError(
      await api(`${path}/messages`, {
        token: b.accessToken,
        body: { clientId: "x", kind: "text", text: "still here?" },
      }),
      403,
      "forbidden",
    );
    // Leaving is removing yourself (for the owner too: see groups-permissions.test.ts).
    await apiOk(`${path}/members/${c.user.id}`, { method: "DELETE", token: c.accessToken }, 204);
    expect((await sc.closed).code).toBe(4003);
    const so = await join(group.id, owner);
    await waitFor(() => receivedEvents(so).length === 3);
    expect(receivedEvents(so).map((e) => (e.type === "member" ? `${e.action}:${e.userIds.join()}` : e.type))).toEqual([
      `created:${[owner.user.id, b.user.id, c.user.id].join()}`,
      `removed:${b.user.id}`,
      `left:${c.user.id}`,
    ]);
    so.close();
  });

  it("refuses member changes on a DM", async () => {
    const [a, b, c] = [await signUp("a"), await signUp("b"), await signUp("c")];
    await befriend(a, b);
    await befriend(a, c);
    const { conversation } = await apiOk<{ conversation: Conversation }>(
      "/api/conversations",
      { token: a.accessToken, body: { kind: "dm", userId: b.user.id } },
      201,
    );
    await expectError(
      await api(`/api/conversations/${conversation.id}/members`, {
        token: a.accessToken,
        body: { userIds: [c.user.id] },
      }),
      400,
      "invalid_request",
    );
  });
});
