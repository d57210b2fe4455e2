import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Friend, FriendRequest } from "../protocol";
import { api, apiOk, befriend, signUp, type TestUser } from "./helpers";

type Requests = { incoming: FriendRequest[]; outgoing: FriendRequest[] };

const send = (from: TestUser, body: unknown) => api("/api/friends/requests", { token: from.accessToken, body });
const sendOk = async (from: TestUser, to: TestUser, message?: string) =>
  (
    await apiOk<{ request: FriendRequest }>(
      "/api/friends/requests",
      { token: from.accessToken, body: { userId: to.user.id, message } },
      201,
    )
  ).request;
const requestsOf = (u: TestUser) => apiOk<Requests>("/api/friends/requests", { token: u.accessToken });
const friendsOf = async (u: TestUser) =>
  (await apiOk<{ friends: Friend[] }>("/api/friends", { token: u.accessToken })).friends;
const post = (u: TestUser, path: string) => api(path, { method: "POST", token: u.accessToken });
const del = (u: TestUser, path: string) => api(path, { method: "DELETE", token: u.accessToken });

const lastSeenOf = async (u: TestUser) =>
  (
    await env.DB.prepare("SELECT last_seen_at AS v FROM users WHERE id = ?")
      .bind(u.user.id)
      .first<{ v: number | null }>()
  )?.v ?? null;

async function expectError(res: Response | Promise<Response>, status: number, code: string) {
  const r = await res;
  const body = (await r.json()) as { error?: { code?: string } };
  expect(r.status, JSON.stringify(body)).toBe(status);
  expect(body.error?.code).toBe(code);
}

describe("friend requests: sending", () => {
  it("creates a request by userId, visible to both sides only", async () => {
    const [a, b, c] = await Promise.all([signUp("fa"), signUp("fb"), signUp("fc")]);
    const request = await sendOk(a, b, "hi there");
    expect(request).toEqual({
      id: expect.any(String),
      from: a.user,
      to: b.user,
      message: "hi there",
      createdAt: expect.any(Number),
    });
    expect(await requestsOf(b)).toEqual({ incoming: [request], outgoing: [] });
    expect(await requestsOf(a)).toEqual({ incoming: [], outgoing: [request] });
    expect(await requestsOf(c)).toEqual({ incoming: [], outgoing: [] });
  });

  it("finds the user by username case-insensitively, message defaults to empty", async () => {
    const [a, b] = await Promise.all([signUp("fa"), signUp("fb")]);
    const res = await send(a, { username: b.user.username.toUpperCase() });
    expect(res.status).toBe(201);
    const { request } = (await res.json()) as { request: FriendRequest };
    expect(request.to).toEqual(b.user);
    expect(request.message).toBe("");
  });

  it("refuses malformed bodies with 400 invalid_request", async () => {
    const [a, b] = await Promise.all([signUp("fa"), signUp("fb")]);
    await expectError(send(a, {}), 400, "invalid_request");
    await expectError(send(a, { userId: b.user.id, username: b.user.username }), 400, "invalid_request");
    await expectError(send(a, { userId: 42 }), 400, "invalid_request");
    await expectError(send(a, { userId: "" }), 400, "invalid_request");
    await expectError(send(a, { username: "no spaces allowed" }), 400, "invalid_request");
    await expectError(send(a, { userId: b.user.id, message: 7 }), 400, "invalid_request");
    await expectError(send(a, { userId: b.user.id, message: "x".repeat(501) }), 400, "invalid_request");
    await expectError(send(a, "not json"), 400, "invalid_request");
    expect(await requestsOf(b)).toEqual({ incoming: [], outgoing: [] });
  });

  it("accepts a message of exactly 500 characters", async () => {
    const [a, b] = await Promise.all([signUp("fa"), signUp("fb")]);
    expect((await sendOk(a, b, "x".repeat(500))).message).toHaveLength(500);
  });

  it("refuses a request to yourself (400) and to unknown users (404)", async () => {
    const a = await signUp("fa");
    await expectError(send(a, { userId: a.user.id }), 400, "invalid_request");
    await expectError(send(a, { username: a.user.username }), 400, "invalid_request");
    await expectError(send(a, { userId: "usr_nobody" }), 404, "not_found");
    await expectError(send(a, { username: "nobody-has-this-name" }), 404, "not_found");
  });

  it("refuses duplicates and existing friendships with 409 conflict", async () => {
    const [a, b, c] = await Promise.all([signUp("fa"), signUp("fb"), signUp("fc")]);
    await sendOk(a, b);
    await expectError(send(a, { userId: b.user.id }), 409, "conflict");
    expect((await requestsOf(a)).outgoing).toHaveLength(1);
    await befriend(a, c);
    await expectError(send(a, { userId: c.user.id }), 409, "conflict");
    await expectError(send(c, { userId: a.user.id }), 409, "conflict");
  });

  it("makes both friends when the other side already asked (200 {friend})", async () => {
    const [a, b] = await Promise.all([signUp("fa"), signUp("fb")]);
    await sendOk(a, b);
    const res = await send(b, { userId: a.user.id });
    expect(res.status).toBe(200);
    const { friend } = (await res.json()) as { friend: Friend };
    expect(friend).toEqual({
      user: a.user,
      presence: { status: "offline", lastSeenAt: await lastSeenOf(a) },
      conversationId: null,
      since: expect.any(Number),
    });
    expect((await friendsOf(a)).map((f) => f.user)).toEqual([b.user]);
    expect((await friendsOf(b)).map((f) => f.user)).toEqual([a.user]);
    expect(await requestsOf(a)).toEqual({ incoming: [], outgoing: [] });
    expect(await requestsOf(b)).toEqual({ incoming: [], outgoing: [] });
  });

  it("requires authentication", async () => {
    await expectError(api("/api/friends/requests", { body: { userId: "usr_x" } }), 401, "unauthorized");
    await expectError(api("/api/friends"), 401, "unauthorized");
  });
});

describe("friend requests: answering", () => {
  it("accept by the receiver makes both friends and removes the request", async () => {
    const [a, b] = await Promise.all([signUp("fa"), signUp("fb")]);
    const request = await sendOk(a, b);
    const { friend } = await apiOk<{ friend: Friend }>(`/api/friends/requests/${request.id}/accept`, {
      method: "POST",
      token: b.accessToken,
    });
    expect(friend.user).toEqual(a.user);
    expect(friend.conversationId).toBeNull();
    const [ofA] = await friendsOf(a);
    expect(ofA?.user).toEqual(b.user);
    expect(ofA?.since).toBe(friend.since);
    expect(await requestsOf(a)).toEqual({ incoming: [], outgoing: [] });
    expect(await requestsOf(b)).toEqual({ incoming: [], outgoing: [] });
    await expectError(post(b, `/api/friends/requests/${request.id}/accept`), 404, "not_found");
  });

  it("only the receiver may accept or decline: sender 403, others 404", async () => {
    const [a, b, c] = await Promise.all([signUp("fa"), signUp("fb"), signUp("fc")]);
    const request = await sendOk(a, b);
    for (const action of ["accept", "decline"]) {
      await expectError(post(a, `/api/friends/requests/${request.id}/${action}`), 403, "forbidden");
      await expectError(post(c, `/api/friends/requests/${request.id}/${action}`), 404, "not_found");
    }
    await expectError(post(b, "/api/friends/requests/frq_unknown/accept"), 404, "not_found");
    await expectError(post(b, "/api/friends/requests/frq_unknown/decline"), 404, "not_found");
    expect((await requestsOf(b)).incoming.map((r) => r.id)).toEqual([request.id]);
    expect(await friendsOf(a)).toEqual([]);
  });

  it("decline by the receiver deletes the request without a friendship", async () => {
    const [a, b] = await Promise.all([signUp("fa"), signUp("fb")]);
    const request = await sendOk(a, b);
    const res = await post(b, `/api/friends/requests/${request.id}/decline`);
    expect(res.status).toBe(204);
    expect(await requestsOf(a)).toEqual({ incoming: [], outgoing: [] });
    expect(await friendsOf(b)).toEqual([]);
    // A declined request can be sent again.
    await sendOk(a, b);
  });

  it("only the sender may cancel: receiver 403, others 404", async () => {
    const [a, b, c] = await Promise.all([signUp("fa"), signUp("fb"), signUp("fc")]);
    const request = await sendOk(a, b);
    await expectError(del(b, `/api/friends/requests/${request.id}`), 403, "forbidden");
    await expectError(del(c, `/api/friends/requests/${request.id}`), 404, "not_found");
    expect((await del(a, `/api/friends/requests/${request.id}`)).status).toBe(204);
    expect(await requestsOf(b)).toEqual({ incoming: [], outgoing: [] });
    await expectError(del(a, `/api/friends/requests/${request.id}`), 404, "not_found");
    await expectError(post(b, `/api/friends/requests/${request.id}/accept`), 404, "not_found");
  });
});

describe("friends", () => {
  it("lists friends with presence, since and the DM conversation id once one exists", async () => {
    const [a, b, c] = await Promise.all([signUp("fa"), signUp("fb"), signUp("fc")]);
    await befriend(a, b);
    await befriend(a, c);
    const before = await friendsOf(a);
    expect(before.map((f) => f.user.id).sort()).toEqual([b.user.id, c.user.id].sort());
    for (const f of before) {
      expect(f.conversationId).toBeNull();
      expect(f.presence).toEqual({ status: "offline", lastSeenAt: await lastSeenOf(f.user.id === b.user.id ? b : c) });
      expect(f.since).toEqual(expect.any(Number));
    }
    // The DM row as the conversations route stores it: dm_key = sorted ids joined with ':'.
    const dmKey = [a.user.id, b.user.id].sort().join(":");
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO conversations (id, kind, title, dm_key, created_by, created_at, updated_at) VALUES (?, 'dm', NULL, ?, ?, ?, ?)",
    )
      .bind(`cnv_test_${crypto.randomUUID()}`, dmKey, a.user.id, now, now)
      .run();
    const { id } = (await env.DB.prepare("SELECT id FROM conversations WHERE dm_key = ?")
      .bind(dmKey)
      .first<{ id: string }>()) ?? { id: "missing" };
    const after = await friendsOf(a);
    expect(after.find((f) => f.user.id === b.user.id)?.conversationId).toBe(id);
    expect(after.find((f) => f.user.id === c.user.id)?.conversationId).toBeNull();
    expect((await friendsOf(b))[0]?.conversationId).toBe(id);
  });

  it("removing a friend ends it both ways; not friends is 404", async () => {
    const [a, b, c] = await Promise.all([signUp("fa"), signUp("fb"), signUp("fc")]);
    await befriend(a, b);
    await expectError(del(c, `/api/friends/${a.user.id}`), 404, "not_found");
    expect(await friendsOf(a)).toHaveLength(1);
    expect((await del(b, `/api/friends/${a.user.id}`)).status).toBe(204);
    expect(await friendsOf(a)).toEqual([]);
    expect(await friendsOf(b)).toEqual([]);
    await expectError(del(a, `/api/friends/${b.user.id}`), 404, "not_found");
    // They can become friends again.
    await befriend(a, b);
    expect(await friendsOf(a)).toHaveLength(1);
  });
});
