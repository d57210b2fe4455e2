import { describe, expect, it } from "vitest";
import type { Friend, FriendRequest, User } from "../protocol";
import { api, apiOk, befriend, signUp, type TestUser } from "./helpers";

const blockOk = (by: TestUser, who: TestUser) =>
  apiOk(`/api/blocks/${who.user.id}`, { method: "PUT", token: by.accessToken }, 204);
const unblockOk = (by: TestUser, who: TestUser) =>
  apiOk(`/api/blocks/${who.user.id}`, { method: "DELETE", token: by.accessToken }, 204);
const blocksOf = async (u: TestUser) => (await apiOk<{ users: User[] }>("/api/blocks", { token: u.accessToken })).users;
const friendsOf = async (u: TestUser) =>
  (await apiOk<{ friends: Friend[] }>("/api/friends", { token: u.accessToken })).friends;
const requestsOf = (u: TestUser) =>
  apiOk<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }>("/api/friends/requests", { token: u.accessToken });
const ask = (from: TestUser, to: TestUser) =>
  api("/api/friends/requests", { token: from.accessToken, body: { userId: to.user.id } });

async function expectError(res: Response | Promise<Response>, status: number, code: string) {
  const r = await res;
  const body = (await r.json()) as { error?: { code?: string } };
  expect(r.status, JSON.stringify(body)).toBe(status);
  expect(body.error?.code).toBe(code);
}

describe("blocks", () => {
  it("PUT blocks idempotently and GET lists the blocked users", async () => {
    const [a, b, c] = await Promise.all([signUp("ba"), signUp("bb"), signUp("bc")]);
    expect(await blocksOf(a)).toEqual([]);
    await blockOk(a, b);
    await blockOk(a, b);
    await blockOk(a, c);
    expect((await blocksOf(a)).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [b.user, c.user].sort((x, y) => x.id.localeCompare(y.id)),
    );
    expect(await blocksOf(b)).toEqual([]);
  });

  it("refuses friend requests in both directions with 403", async () => {
    const [a, b] = await Promise.all([signUp("ba"), signUp("bb")]);
    await blockOk(a, b);
    await expectError(ask(b, a), 403, "forbidden");
    await expectError(ask(a, b), 403, "forbidden");
    await expectError(
      api("/api/friends/requests", { token: b.accessToken, body: { username: a.user.username } }),
      403,
      "forbidden",
    );
    expect(await requestsOf(a)).toEqual({ incoming: [], outgoing: [] });
  });

  it("ends an existing friendship both ways", async () => {
    const [a, b, c] = await Promise.all([signUp("ba"), signUp("bb"), signUp("bc")]);
    await befriend(a, b);
    await befriend(a, c);
    await blockOk(b, a);
    expect((await friendsOf(a)).map((f) => f.user)).toEqual([c.user]);
    expect(await friendsOf(b)).toEqual([]);
  });

  it("removes pending requests in both directions, leaving others alone", async () => {
    const [a, b, c] = await Promise.all([signUp("ba"), signUp("bb"), signUp("bc")]);
    const toB = await ask(a, b);
    expect(toB.status).toBe(201);
    const { request: cToA } = (await (await ask(c, a)).json()) as { request: FriendRequest };
    await blockOk(b, a);
    expect(await requestsOf(b)).toEqual({ incoming: [], outgoing: [] });
    expect(await requestsOf(a)).toEqual({ incoming: [cToA], outgoing: [] });

    const [d, e] = await Promise.all([signUp("bd"), signUp("be")]);
    expect((await ask(d, e)).status).toBe(201);
    await blockOk(d, e);
    expect(await requestsOf(e)).toEqual({ incoming: [], outgoing: [] });
  });

  it("DELETE unblocks idempotently, after which requests work again", async () => {
    const [a, b] = await Promise.all([signUp("ba"), signUp("bb")]);
    await blockOk(a, b);
    await unblockOk(a, b);
    await unblockOk(a, b);
    expect(await blocksOf(a)).toEqual([]);
    expect((await ask(b, a)).status).toBe(201);
  });

  it("unblocking by the blocked user does not lift the block", async () => {
    const [a, b] = await Promise.all([signUp("ba"), signUp("bb")]);
    await blockOk(a, b);
    await unblockOk(b, a);
    expect(await blocksOf(a)).toEqual([b.user]);
    await expectError(ask(b, a), 403, "forbidden");
  });

  it("refuses yourself (400) and unknown users (404)", async () => {
    const a = await signUp("ba");
    for (const method of ["PUT", "DELETE"]) {
      await expectError(api(`/api/blocks/${a.user.id}`, { method, token: a.accessToken }), 400, "invalid_request");
      await expectError(api("/api/blocks/usr_nobody", { method, token: a.accessToken }), 404, "not_found");
    }
    expect(await blocksOf(a)).toEqual([]);
  });

  it("requires authentication", async () => {
    await expectError(api("/api/blocks"), 401, "unauthorized");
    await expectError(api("/api/blocks/usr_x", { method: "PUT" }), 401, "unauthorized");
  });
});
