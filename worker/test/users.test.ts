import { describe, expect, it } from "vitest";
import type { User } from "../protocol";
import { api, apiOk, signUp, type TestUser } from "./helpers";

const search = (u: TestUser, q: string) => api(`/api/users?q=${encodeURIComponent(q)}`, { token: u.accessToken });
const searchOk = async (u: TestUser, q: string) =>
  (await apiOk<{ users: User[] }>(`/api/users?q=${encodeURIComponent(q)}`, { token: u.accessToken })).users;

/** A short random stem, so each test's users share a prefix nobody else has. */
const stem = () => `s${crypto.randomUUID().replaceAll("-", "").slice(0, 9)}`;

async function expectError(res: Response | Promise<Response>, status: number, code: string) {
  const r = await res;
  const body = (await r.json()) as { error?: { code?: string } };
  expect(r.status, JSON.stringify(body)).toBe(status);
  expect(body.error?.code).toBe(code);
}

describe("GET /api/users?q=", () => {
  it("matches a username prefix case-insensitively, sorted, without yourself", async () => {
    const s = stem();
    const [me, x, y] = await Promise.all([signUp(`${s}m`), signUp(`${s}x`), signUp(`${s}y`)]);
    const expected = [x.user, y.user];
    expect(await searchOk(me, s)).toEqual(expected);
    expect(await searchOk(me, s.toUpperCase())).toEqual(expected);
    expect(await searchOk(me, `${s}x`)).toEqual([x.user]);
    expect(await searchOk(me, me.user.username)).toEqual([]);
    // Prefix, not substring.
    expect(await searchOk(me, s.slice(1))).not.toContainEqual(x.user);
  });

  it("treats % and _ as plain characters", async () => {
    const s = stem();
    const [me, under, other] = await Promise.all([signUp(`${s}q`), signUp(`${s}_`), signUp(`${s}z`)]);
    expect(await searchOk(me, `${s}_`)).toEqual([under.user]);
    expect(await searchOk(me, `${s}%`)).toEqual([]);
    expect(await searchOk(me, `${s.slice(0, 4)}_`)).toEqual([]);
    expect(await searchOk(me, s)).toEqual([under.user, other.user]);
  });

  it("answers at most 20 users", async () => {
    const s = stem();
    const people = await Promise.all(Array.from({ length: 22 }, () => signUp(s)));
    const [me] = people;
    if (!me) throw new Error("no users");
    const found = await searchOk(me, s);
    expect(found).toHaveLength(20);
    expect(found.map((u) => u.username)).toEqual([...found.map((u) => u.username)].sort());
    expect(found.map((u) => u.id)).not.toContain(me.user.id);
  });

  it("hides users who blocked you, but not users you blocked", async () => {
    const s = stem();
    const [me, blocker, blockedByMe] = await Promise.all([signUp(`${s}a`), signUp(`${s}b`), signUp(`${s}c`)]);
    await apiOk(`/api/blocks/${me.user.id}`, { method: "PUT", token: blocker.accessToken }, 204);
    await apiOk(`/api/blocks/${blockedByMe.user.id}`, { method: "PUT", token: me.accessToken }, 204);
    expect(await searchOk(me, s)).toEqual([blockedByMe.user]);
    expect(await searchOk(blocker, s)).toEqual([me.user, blockedByMe.user]);
  });

  it("refuses a missing, empty or over-long q with 400", async () => {
    const me = await signUp();
    await expectError(api("/api/users", { token: me.accessToken }), 400, "invalid_request");
    await expectError(search(me, ""), 400, "invalid_request");
    await expectError(search(me, "a".repeat(33)), 400, "invalid_request");
    expect((await search(me, "a".repeat(32))).status).toBe(200);
  });

  it("requires authentication", async () => {
    await expectError(api("/api/users?q=a"), 401, "unauthorized");
  });
});
