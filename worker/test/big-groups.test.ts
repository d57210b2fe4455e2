// Issue 16 point 2: groups up to 100,000 members. Adding is chunked
// (Limits.addMembersMax ids per request, one transaction and one event each)
// and idempotent (ids already in are reported, not refused), so a client
// adds thousands by repeating chunks and may resend any of them; D1's index
// follows in bounded batches and carries the member count. The 100,000 cap
// is tested on a group seeded into the object's SQLite (bulk-fixtures.ts):
// adding 100,000 through the API here would take many minutes, and Limits
// has no override, so the add path itself is proven at 3,000.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { listForUser } from "../db/conversations";
import { type ConversationEvent, Limits, type MemberEvent } from "../protocol";
import { addInChunks, bulkIds, insertFriendships, insertUsers, seedGroup } from "./bulk-fixtures";
import { expectError, head, join, makeGroup, stubOf } from "./conversation-fixtures";
import { api, apiOk, befriend, signUp } from "./helpers";
import { indexMembers, objectMembers } from "./index-fixtures";

const addPath = (id: string) => `/api/conversations/${id}/members`;

async function memberEvents(id: string, userId: string, after = 0): Promise<MemberEvent[]> {
  const page = await stubOf(id).events(userId, after, Limits.eventsPageMax);
  if (!page.ok) throw new Error(page.message);
  return page.events.filter((e: ConversationEvent): e is MemberEvent => e.type === "member");
}

describe("adding members in chunks", () => {
  it("refuses more than 500 ids in one add, or in a new group, with 400 invalid_request, adding nobody", async () => {
    const owner = await signUp("cko");
    const friends = bulkIds("ck", Limits.addMembersMax + 1);
    await insertUsers(friends);
    await insertFriendships(owner.user.id, friends);
    const token = owner.accessToken;
    await expectError(
      await api("/api/conversations", { token, body: { kind: "group", title: "too many", memberIds: friends } }),
      400,
      "invalid_request",
    );
    const group = await apiOk<{ conversation: { id: string } }>(
      "/api/conversations",
      { token, body: { kind: "group", title: "chunks", memberIds: friends.slice(0, Limits.addMembersMax) } },
      201,
    );
    const id = group.conversation.id;
    const before = await head(id, owner);
    await expectError(await api(addPath(id), { token, body: { userIds: friends } }), 400, "invalid_request");
    expect(await head(id, owner)).toBe(before);
    // The object holds the bound too, for any caller that is not the route.
    const direct = await stubOf(id).changeMembers(owner.user.id, {
      action: "added",
      userIds: bulkIds("ckd", Limits.addMembersMax + 1),
      notFriends: [],
      blocked: [],
    });
    expect(direct).toMatchObject({ ok: false, code: "invalid_request" });
    const last = friends.at(-1) ?? "";
    const ok = await apiOk<{ added: string[] }>(addPath(id), { token, body: { userIds: [last] } });
    expect(ok.added).toEqual([last]);
  }, 60_000);

  it("an id already in is a no-op success: reported in alreadyMembers, a resent chunk logs nothing", async () => {
    const [owner, alice, bob, carol, dave] = await Promise.all([
      signUp("ido"),
      signUp("ida"),
      signUp("idb"),
      signUp("idc"),
      signUp("idd"),
    ]);
    for (const u of [bob, carol, dave]) await befriend(owner, u);
    const group = await makeGroup(owner, [alice]);
    const token = owner.accessToken;

    const first = await apiOk<{ added: string[]; alreadyMembers: string[] }>(addPath(group.id), {
      token,
      body: { userIds: [bob.user.id, carol.user.id, bob.user.id] },
    });
    expect(first.added).toEqual([bob.user.id, carol.user.id]);
    expect(first.alreadyMembers).toEqual([]);
    const headAfterFirst = await head(group.id, owner);

    const chunk = [alice.user.id, bob.user.id, dave.user.id, owner.user.id];
    const second = await apiOk<{ added: string[]; alreadyMembers: string[]; conversation: { memberCount: number } }>(
      addPath(group.id),
      { token, body: { userIds: chunk } },
    );
    expect(second.added).toEqual([dave.user.id]);
    expect(second.alreadyMembers).toEqual([alice.user.id, bob.user.id, owner.user.id]);
    expect(second.conversation.memberCount).toBe(5);
    const events = await memberEvents(group.id, owner.user.id, headAfterFirst);
    expect(events.map((e) => [e.action, e.userIds])).toEqual([["added", [dave.user.id]]]);

    // The answer was lost and the chunk is sent again: success, nothing new.
    const headBefore = await head(group.id, owner);
    const again = await apiOk<{ added: string[]; alreadyMembers: string[] }>(addPath(group.id), {
      token,
      body: { userIds: chunk },
    });
    expect(again).toMatchObject({ added: [], alreadyMembers: chunk });
    expect(await head(group.id, owner)).toBe(headBefore);

    // Friendship is a rule for newcomers: someone already in stays a no-op after an unfriending.
    await apiOk(`/api/friends/${bob.user.id}`, { method: "DELETE", token }, 204);
    const kept = await apiOk<{ alreadyMembers: string[] }>(addPath(group.id), {
      token,
      body: { userIds: [bob.user.id] },
    });
    expect(kept.alreadyMembers).toEqual([bob.user.id]);
  }, 60_000);

  it("rights and the social rules still hold: a member may not re-add, a non-friend newcomer fails the whole chunk", async () => {
    const [owner, alice, bob, stranger] = await Promise.all([
      signUp("rro"),
      signUp("rra"),
      signUp("rrb"),
      signUp("rrs"),
    ]);
    const group = await makeGroup(owner, [alice, bob]);
    const before = await head(group.id, owner);
    // Not an admin: refused even when every id is in already (rights come first).
    await expectError(
      await api(addPath(group.id), { token: alice.accessToken, body: { userIds: [bob.user.id] } }),
      403,
      "forbidden",
    );
    // One newcomer the owner is not friends with: 403 and nobody of the chunk is added.
    await expectError(
      await api(addPath(group.id), { token: owner.accessToken, body: { userIds: [bob.user.id, stranger.user.id] } }),
      403,
      "forbidden",
    );
    // A newcomer who blocked the adder (blocking also ended the friendship).
    await befriend(owner, stranger);
    await apiOk(`/api/blocks/${owner.user.id}`, { method: "PUT", token: stranger.accessToken }, 204);
    await expectError(
      await api(addPath(group.id), { token: owner.accessToken, body: { userIds: [stranger.user.id] } }),
      403,
      "forbidden",
    );
    expect(await head(group.id, owner)).toBe(before);
  }, 60_000);

  it("adds 3,000 members through the API in chunks of 500 (one event each); D1's index and count converge", async () => {
    const owner = await signUp("c3k");
    const ids = bulkIds("c3k", 3000);
    await insertUsers(ids);
    await insertFriendships(owner.user.id, ids);
    const [firstChunk, ...rest] = [ids.slice(0, Limits.addMembersMax), ids.slice(Limits.addMembersMax)];
    const created = await apiOk<{ conversation: { id: string } }>(
      "/api/conversations",
      { token: owner.accessToken, body: { kind: "group", title: "3k", memberIds: firstChunk } },
      201,
    );
    const id = created.conversation.id;
    const answers = await addInChunks(id, owner, rest.flat());
    expect(answers.map((a) => a.added.length)).toEqual([500, 500, 500, 500, 500]);
    // Resent, every chunk is a no-op: nothing added, nothing logged.
    const headBefore = await head(id, owner);
    const resent = await addInChunks(id, owner, ids);
    expect(resent.map((a) => [a.added.length, a.alreadyMembers.length])).toEqual(Array(6).fill([0, 500]));
    expect(await head(id, owner)).toBe(headBefore);

    const events = await memberEvents(id, owner.user.id);
    expect(events.map((e) => [e.action, e.userIds.length])).toEqual([
      ["created", 501],
      ...Array(5).fill(["added", 500]),
    ]);
    // Above 1,000 members the add's answer carries the first page, not everyone.
    expect(answers.at(-1)?.conversation.memberCount).toBe(3001);
    expect(answers.at(-1)?.conversation.members?.length).toBe(Limits.pageDefault);

    // The route waited for the index after each chunk: D1 holds what the object holds.
    expect(await indexMembers(id)).toEqual(await objectMembers(id));
    const row = await env.DB.prepare("SELECT member_count FROM conversations WHERE id = ?")
      .bind(id)
      .first<{ member_count: number }>();
    expect(row?.member_count, "D1 member_count").toBe(3001);
    // What `GET /api/conversations` falls back to when the inbox has no summary: one row, the count written.
    const listed = await listForUser(env.DB, owner.user.id);
    expect(listed.find((c) => c.id === id)?.memberCount, "listed from D1").toBe(3001);
  }, 180_000);
});

describe("the 100,000-member cap", () => {
  it("a group at 99,999 takes one more, refuses the next ('group is full'), and a re-add at the cap is a no-op", async () => {
    const [owner, alice, late] = await Promise.all([signUp("cpo"), signUp("cpa"), signUp("cpl")]);
    const real = [
      { userId: owner.user.id, role: "owner" as const },
      { userId: alice.user.id, role: "member" as const },
    ];
    const { id } = await seedGroup(real, Limits.groupMembersMax - 1 - real.length);
    const stub = stubOf(id);
    const add = (userIds: string[]) =>
      stub.changeMembers(owner.user.id, { action: "added", userIds, notFriends: [], blocked: [] });

    expect(await add([late.user.id, "usr_one_too_many"])).toMatchObject({
      ok: false,
      code: "invalid_request",
      message: "group is full",
    });
    expect(await add([late.user.id])).toMatchObject({ ok: true, added: [late.user.id] });
    expect(await add(["usr_one_too_many"])).toMatchObject({ ok: false, message: "group is full" });
    expect(await add([late.user.id, alice.user.id])).toMatchObject({
      ok: true,
      event: null,
      added: [],
      alreadyMembers: [late.user.id, alice.user.id],
    });
    expect(await runInDurableObject(stub, (o: ConversationObject) => o.room.log.members.size)).toBe(
      Limits.groupMembersMax,
    );

    // The newcomer is a member everywhere at once: the socket, with the total in its welcome.
    const s = await join(id, late);
    try {
      const welcome = s.frames.find((f) => f.type === "welcome");
      expect(welcome?.memberCount).toBe(Limits.groupMembersMax);
      expect(((welcome?.members ?? []) as unknown[]).length).toBeLessThanOrEqual(Limits.welcomeMembersMax);
    } finally {
      s.close();
    }
  }, 180_000);
});
