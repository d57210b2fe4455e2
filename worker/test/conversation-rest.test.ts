import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Conversation, ConversationEvent, ConversationSummary, Message } from "../protocol";
import { expectError, makeGroup, stubOf } from "./conversation-fixtures";
import { api, apiOk, befriend, signUp, waitFor } from "./helpers";

const createDm = (token: string, userId: string) => api("/api/conversations", { token, body: { kind: "dm", userId } });

describe("POST /api/conversations (dm)", () => {
  it("refuses strangers (403), blocked pairs (403), yourself (400) and unknown users (404)", async () => {
    const [a, b, c] = [await signUp("a"), await signUp("b"), await signUp("c")];
    await expectError(await createDm(a.accessToken, b.user.id), 403, "forbidden");
    await expectError(await createDm(a.accessToken, a.user.id), 400, "invalid_request");
    await expectError(await createDm(a.accessToken, "u_nobodyxxxxxxxxxxxxxxxx"), 404, "not_found");
    await befriend(a, c);
    // A block in either direction refuses, even from the side that did not block.
    await env.DB.prepare("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)")
      .bind(c.user.id, a.user.id, Date.now())
      .run();
    await expectError(await createDm(a.accessToken, c.user.id), 403, "forbidden");
    await expectError(await createDm(c.accessToken, a.user.id), 403, "forbidden");
  });

  it("is idempotent per pair (201 then 200, same id from either side) and starts the log with member created", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    await befriend(a, b);
    const first = await createDm(a.accessToken, b.user.id);
    expect(first.status).toBe(201);
    const { conversation } = (await first.json()) as { conversation: Conversation };
    expect(conversation.id).toMatch(/^c_[A-Za-z0-9_-]{22}$/);
    expect(conversation.members?.map((m) => m.user.id).sort()).toEqual([a.user.id, b.user.id].sort());
    const again = await createDm(b.accessToken, a.user.id);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { conversation: Conversation }).conversation.id).toBe(conversation.id);

    const log = await apiOk<{ events: ConversationEvent[]; head: number }>(
      `/api/conversations/${conversation.id}/events`,
      {
        token: b.accessToken,
      },
    );
    expect(log.head).toBe(1);
    expect(log.events).toEqual([
      expect.objectContaining({
        seq: 1,
        type: "member",
        action: "created",
        senderId: a.user.id,
        conversationId: conversation.id,
      }),
    ]);
    expect((log.events[0] as { userIds: string[] }).userIds.sort()).toEqual([a.user.id, b.user.id].sort());
  });

  it("gives concurrent creators the same conversation", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    await befriend(a, b);
    const results = await Promise.all([createDm(a.accessToken, b.user.id), createDm(b.accessToken, a.user.id)]);
    const ids = await Promise.all(
      results.map(async (r) => ((await r.json()) as { conversation: Conversation }).conversation.id),
    );
    expect(ids[0]).toBe(ids[1]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 201]);
  });
});

describe("POST /api/conversations (group)", () => {
  it("makes the creator owner and requires friendship with every member", async () => {
    const [a, b, c] = [await signUp("a"), await signUp("b"), await signUp("c")];
    const group = await makeGroup(a, [b], "team");
    expect(group.members?.find((m) => m.user.id === a.user.id)?.role).toBe("owner");
    expect(group.members?.find((m) => m.user.id === b.user.id)?.role).toBe("member");
    const refused = await api("/api/conversations", {
      token: a.accessToken,
      body: { kind: "group", title: "x", memberIds: [b.user.id, c.user.id] },
    });
    await expectError(refused, 403, "forbidden");
  });
});

describe("conversation reads and REST messages", () => {
  it("separates unknown (404), malformed (404) and not-a-member (403)", async () => {
    const [a, b, c] = [await signUp("a"), await signUp("b"), await signUp("c")];
    const group = await makeGroup(a, [b]);
    await expectError(await api(`/api/conversations/${group.id}`, { token: c.accessToken }), 403, "forbidden");
    await expectError(await api(`/api/conversations/${group.id}/events`, { token: c.accessToken }), 403, "forbidden");
    await expectError(
      await api("/api/conversations/c_AAAAAAAAAAAAAAAAAAAAAA", { token: a.accessToken }),
      404,
      "not_found",
    );
    await expectError(await api("/api/conversations/junk/events", { token: a.accessToken }), 404, "not_found");
    const got = await apiOk<{ conversation: Conversation }>(`/api/conversations/${group.id}`, { token: b.accessToken });
    expect(got.conversation.members).toHaveLength(2);
  });

  it("posts idempotently (201 then 200 with the original event) and pages messages newest first", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const path = `/api/conversations/${group.id}/messages`;
    const first = await apiOk<{ event: ConversationEvent }>(
      path,
      { token: a.accessToken, body: { clientId: "k1", kind: "text", text: "hi" } },
      201,
    );
    expect(first.event).toMatchObject({ seq: 2, type: "message", text: "hi", clientId: "k1", senderId: a.user.id });
    const repeat = await apiOk<{ event: ConversationEvent }>(
      path,
      { token: a.accessToken, body: { clientId: "k1", kind: "text", text: "other" } },
      200,
    );
    expect(repeat.event).toEqual(first.event);
    for (let i = 0; i < 4; i++)
      await apiOk(path, { token: b.accessToken, body: { clientId: `b${i}`, kind: "text", text: `find me ${i}` } }, 201);

    const page1 = await apiOk<{ messages: Message[]; hasMore: boolean }>(`${path}?limit=3`, { token: a.accessToken });
    expect(page1.messages.map((m) => m.seq)).toEqual([6, 5, 4]);
    expect(page1.hasMore).toBe(true);
    const page2 = await apiOk<{ messages: Message[]; hasMore: boolean }>(`${path}?limit=3&before=4`, {
      token: a.accessToken,
    });
    expect(page2.messages.map((m) => m.seq)).toEqual([3, 2]);
    expect(page2.hasMore).toBe(false);
    const found = await apiOk<{ messages: Message[] }>(`${path}?q=${encodeURIComponent("ME 2")}`, {
      token: a.accessToken,
    });
    expect(found.messages.map((m) => m.text)).toEqual(["find me 2"]);
    const range = await apiOk<{ messages: Message[] }>(`${path}?from=0&to=${Date.now() + 60_000}&limit=2`, {
      token: a.accessToken,
    });
    expect(range.messages.map((m) => m.seq)).toEqual([2, 3]);

    await expectError(
      await api(path, { token: a.accessToken, body: { clientId: "k2", kind: "text", text: "x".repeat(4001) } }),
      413,
      "too_large",
    );
    await expectError(
      await api(path, { token: a.accessToken, body: { clientId: "k3", kind: "text" } }),
      400,
      "invalid_request",
    );
    await expectError(await api(`${path}?from=1&before=3`, { token: a.accessToken }), 400, "invalid_request");
  });

  it("lists conversations newest activity first with unread counts and a dm peer", async () => {
    const [a, b, c] = [await signUp("a"), await signUp("b"), await signUp("c")];
    const group = await makeGroup(a, [b, c]);
    await befriend(b, c);
    const dm = (await (await createDm(b.accessToken, c.user.id)).json()) as { conversation: Conversation };
    await apiOk(
      `/api/conversations/${dm.conversation.id}/messages`,
      { token: c.accessToken, body: { clientId: "1", kind: "text", text: "dm text" } },
      201,
    );
    await new Promise((r) => setTimeout(r, 5));
    await apiOk(
      `/api/conversations/${group.id}/messages`,
      { token: a.accessToken, body: { clientId: "1", kind: "text", text: "group text" } },
      201,
    );

    // Summaries reach the inbox asynchronously (coalesced notification rounds),
    // so the list converges within moments of the send rather than at once.
    let conversations: ConversationSummary[] = [];
    await waitFor(
      () => conversations[0]?.id === group.id && conversations[0]?.lastSeq === 2,
      5000,
      "the group's new message to reach b's list",
      async () => {
        ({ conversations } = await apiOk<{ conversations: ConversationSummary[] }>("/api/conversations", {
          token: b.accessToken,
        }));
      },
    );
    expect(conversations.map((s) => s.id)).toEqual([group.id, dm.conversation.id]);
    expect(conversations[0]).toMatchObject({
      kind: "group",
      memberCount: 3,
      role: "member",
      lastSeq: 2,
      readSeq: 0,
      unread: 1,
    });
    expect(conversations[0]?.lastMessage).toMatchObject({
      seq: 2,
      senderId: a.user.id,
      kind: "text",
      preview: "group text",
    });
    expect(conversations[1]).toMatchObject({ kind: "dm", memberCount: 2, unread: 1, peer: { id: c.user.id } });
  });

  it("moves D1 updated_at forward from the object's coalesced alarm, not per message", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const updatedAt = async () =>
      (
        await env.DB.prepare("SELECT updated_at FROM conversations WHERE id = ?")
          .bind(group.id)
          .first<{ updated_at: number }>()
      )?.updated_at;
    await runDurableObjectAlarm(stubOf(group.id)); // the creation event's alarm
    const before = await updatedAt();
    await new Promise((r) => setTimeout(r, 20));
    const { event } = await apiOk<{ event: ConversationEvent }>(
      `/api/conversations/${group.id}/messages`,
      { token: b.accessToken, body: { clientId: "t", kind: "text", text: "tick" } },
      201,
    );
    expect(await updatedAt()).toBe(before);
    expect(await runDurableObjectAlarm(stubOf(group.id))).toBe(true);
    expect(await updatedAt()).toBe(event.createdAt);
    expect(event.createdAt).toBeGreaterThan(before ?? Number.POSITIVE_INFINITY);
  });
});
