import { describe, expect, it } from "vitest";
import type { Conversation, ConversationEvent, Role } from "../protocol";
import { expectError, join, makeGroup, receivedEvents, stubOf } from "./conversation-fixtures";
import { createFile, call as fileCall } from "./files-fixtures";
import { api, apiOk, befriend, signUp, type TestUser } from "./helpers";

const rolesOf = async (id: string, as: TestUser) => {
  const { conversation } = await apiOk<{ conversation: Conversation }>(`/api/conversations/${id}`, {
    token: as.accessToken,
  });
  return Object.fromEntries((conversation.members ?? []).map((m) => [m.user.id, m.role])) as Record<string, Role>;
};
const memberEvents = async (id: string, as: TestUser) => {
  const { events } = await apiOk<{ events: ConversationEvent[] }>(`/api/conversations/${id}/events`, {
    token: as.accessToken,
  });
  return events.flatMap((e) =>
    e.type === "member" ? [`${e.action}:${e.userIds.join()}${e.role ? `:${e.role}` : ""}`] : [],
  );
};

describe("group permissions", () => {
  it("member cannot remove an admin; admin cannot remove or demote the owner, nor remove an admin; roles are owner-only", async () => {
    const owner = await signUp("o");
    const admin = await signUp("a");
    const admin2 = await signUp("a2");
    const m1 = await signUp("m");
    const m2 = await signUp("n");
    const group = await makeGroup(owner, [admin, admin2, m1, m2]);
    const path = `/api/conversations/${group.id}`;
    for (const u of [admin, admin2])
      await apiOk(`${path}/members/${u.user.id}`, {
        method: "PATCH",
        token: owner.accessToken,
        body: { role: "admin" },
      });

    const del = (actor: TestUser, target: TestUser) =>
      api(`${path}/members/${target.user.id}`, { method: "DELETE", token: actor.accessToken });
    await expectError(await del(m1, admin), 403, "forbidden");
    await expectError(await del(m1, m2), 403, "forbidden");
    await expectError(await del(admin, owner), 403, "forbidden");
    await expectError(await del(admin, admin2), 403, "forbidden");
    for (const role of ["member", "admin"]) {
      await expectError(
        await api(`${path}/members/${owner.user.id}`, { method: "PATCH", token: admin.accessToken, body: { role } }),
        403,
        "forbidden",
      );
    }
    await expectError(
      await api(`${path}/members/${m1.user.id}`, {
        method: "PATCH",
        token: admin.accessToken,
        body: { role: "admin" },
      }),
      403,
      "forbidden",
    );
    // The owner's own role cannot be changed, not even by the owner.
    await expectError(
      await api(`${path}/members/${owner.user.id}`, {
        method: "PATCH",
        token: owner.accessToken,
        body: { role: "admin" },
      }),
      403,
      "forbidden",
    );
    // What is allowed: admin removes a member, owner removes an admin.
    await apiOk(`${path}/members/${m2.user.id}`, { method: "DELETE", token: admin.accessToken }, 204);
    await apiOk(`${path}/members/${admin2.user.id}`, { method: "DELETE", token: owner.accessToken }, 204);
    expect(await rolesOf(group.id, owner)).toEqual({
      [owner.user.id]: "owner",
      [admin.user.id]: "admin",
      [m1.user.id]: "member",
    });
    expect((await memberEvents(group.id, owner)).slice(1)).toEqual([
      `role:${admin.user.id}:admin`,
      `role:${admin2.user.id}:admin`,
      `removed:${m2.user.id}`,
      `removed:${admin2.user.id}`,
    ]);
  });

  it("refuses to invite a non-friend of the inviter (even a friend of the owner) and logs nothing", async () => {
    const owner = await signUp("o");
    const admin = await signUp("a");
    const stranger = await signUp("s");
    const group = await makeGroup(owner, [admin]);
    const path = `/api/conversations/${group.id}`;
    await apiOk(`${path}/members/${admin.user.id}`, {
      method: "PATCH",
      token: owner.accessToken,
      body: { role: "admin" },
    });
    await befriend(owner, stranger);
    await expectError(
      await api(`${path}/members`, { token: admin.accessToken, body: { userIds: [stranger.user.id] } }),
      403,
      "forbidden",
    );
    expect(await memberEvents(group.id, owner)).toHaveLength(2);
    await befriend(admin, stranger);
    await apiOk(`${path}/members`, { token: admin.accessToken, body: { userIds: [stranger.user.id] } });
    expect((await rolesOf(group.id, owner))[stranger.user.id]).toBe("member");
  });

  it("passes ownership when the owner leaves: oldest admin first, else oldest member; the last one leaves it empty", async () => {
    const owner = await signUp("o");
    const b = await signUp("b");
    const d = await signUp("d");
    const c = await signUp("c");
    const group = await makeGroup(owner, [b, d]);
    const path = `/api/conversations/${group.id}`;
    await new Promise((r) => setTimeout(r, 5)); // c joins strictly later than b
    await befriend(owner, c);
    await apiOk(`${path}/members`, { token: owner.accessToken, body: { userIds: [c.user.id] } });
    await apiOk(`${path}/members/${d.user.id}`, { method: "PATCH", token: owner.accessToken, body: { role: "admin" } });
    const so = await join(group.id, owner);

    await apiOk(`${path}/members/${owner.user.id}`, { method: "DELETE", token: owner.accessToken }, 204);
    expect((await so.closed).code).toBe(4003);
    expect(await rolesOf(group.id, b)).toEqual({ [b.user.id]: "member", [d.user.id]: "owner", [c.user.id]: "member" });
    // The new owner has the owner's rights at once.
    await apiOk(`${path}/members/${c.user.id}`, { method: "PATCH", token: d.accessToken, body: { role: "admin" } });
    await apiOk(`${path}/members/${c.user.id}`, { method: "PATCH", token: d.accessToken, body: { role: "member" } });

    await apiOk(`${path}/members/${d.user.id}`, { method: "DELETE", token: d.accessToken }, 204);
    expect(await rolesOf(group.id, b)).toEqual({ [b.user.id]: "owner", [c.user.id]: "member" });
    await apiOk(`${path}/members/${b.user.id}`, { method: "DELETE", token: b.accessToken }, 204);
    expect(await rolesOf(group.id, c)).toEqual({ [c.user.id]: "owner" });
    const events = await memberEvents(group.id, c);
    await apiOk(`${path}/members/${c.user.id}`, { method: "DELETE", token: c.accessToken }, 204);
    await expectError(await api(`${path}/events`, { token: c.accessToken }), 403, "forbidden");

    expect(events.slice(2)).toEqual([
      `role:${d.user.id}:admin`,
      `left:${owner.user.id}`,
      `role:${d.user.id}:owner`,
      `role:${c.user.id}:admin`,
      `role:${c.user.id}:member`,
      `left:${d.user.id}`,
      `role:${b.user.id}:owner`,
      `left:${b.user.id}`,
      `role:${c.user.id}:owner`,
    ]);
    // Nobody is a member any more: the object itself refuses its last member.
    expect(await stubOf(group.id).events(c.user.id, 0, 1)).toMatchObject({ ok: false, code: "forbidden" });
  });

  it("a removed member loses everything at once: socket 4003, events/messages/search 403, file routes 403", async () => {
    const [owner, b] = [await signUp("o"), await signUp("b")];
    const group = await makeGroup(owner, [b]);
    const path = `/api/conversations/${group.id}`;
    const bytes = new TextEncoder().encode("shared notes");
    const { file } = await createFile(owner.accessToken, {
      conversationId: group.id,
      name: "notes.txt",
      size: bytes.byteLength,
      contentType: "text/plain",
    });
    expect(
      (await fileCall(`/api/files/${file.id}/content`, { method: "PUT", token: owner.accessToken, body: bytes }))
        .status,
    ).toBe(200);
    expect((await fileCall(`/api/files/${file.id}/meta`, { token: b.accessToken })).status).toBe(200);
    const sb = await join(group.id, b);

    await apiOk(`${path}/members/${b.user.id}`, { method: "DELETE", token: owner.accessToken }, 204);
    expect((await sb.closed).code).toBe(4003);
    await apiOk(
      `${path}/messages`,
      { token: owner.accessToken, body: { clientId: "after", kind: "text", text: "secret after" } },
      201,
    );
    for (const p of [
      "/events?after=0",
      "/messages",
      "/messages?q=secret",
      `/messages?from=0&to=${Date.now() + 1000}`,
      "",
    ]) {
      await expectError(await api(`${path}${p}`, { token: b.accessToken }), 403, "forbidden");
    }
    expect((await fileCall(`/api/files/${file.id}/meta`, { token: b.accessToken })).status).toBe(403);
    expect((await fileCall(`/api/files/${file.id}`, { token: b.accessToken })).status).toBe(403);
    // A fresh socket is refused before the upgrade.
    const again = await api(`${path}/ws`, { token: b.accessToken, headers: { Upgrade: "websocket" } });
    expect(again.status).toBe(403);
    expect(receivedEvents(sb).some((e) => e.type === "message")).toBe(false);
  });
});
