// Paged member lists and the large group's welcome (issue 16 point 2): the
// object answers pages in (joinedAt, userId) order, GET /:id carries the
// first page above Limits.membersListedMax, and the welcome lists the owner,
// the admins and who is online. The object's `init` builds the group in one
// step (the API adds at most Limits.addMembersMax at a time, see
// big-groups.test.ts), as inbox-group.test.ts does.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeMemberCursor } from "../conversation/member-cursor";
import { insertGroup } from "../db/conversations";
import { newId, toBase64Url } from "../ids";
import { type Conversation, Limits, type MembersPage, type SocketMember } from "../protocol";
import { insertUsers } from "./bulk-fixtures";
import { expectError, join, makeGroup, stubOf } from "./conversation-fixtures";
import { api, apiOk, signUp, type TestUser } from "./helpers";

const BIG = 1201;

interface BigGroup {
  id: string;
  owner: TestUser;
  admin: TestUser;
  alice: TestUser;
  bob: TestUser;
  /** Every member's sort key as this test set it. */
  keys: { userId: string; joinedAt: number }[];
}

let big: Promise<BigGroup> | null = null;
function bigGroup(): Promise<BigGroup> {
  big ??= (async () => {
    const [owner, admin, alice, bob] = await Promise.all([signUp("own"), signUp("adm"), signUp("ali"), signUp("bob")]);
    const id = newId("c");
    const createdAt = Date.now();
    const bulk = Array.from({ length: BIG - 4 }, (_, i) => `usr_${id.slice(2, 10)}_${String(i).padStart(4, "0")}`);
    await insertUsers(bulk, createdAt);
    await insertGroup(env.DB, {
      id,
      kind: "group",
      title: "big",
      createdBy: owner.user.id,
      createdAt,
      updatedAt: createdAt,
    });
    const members = [
      { userId: owner.user.id, role: "owner" as const },
      { userId: admin.user.id, role: "admin" as const },
      { userId: alice.user.id, role: "member" as const },
      { userId: bob.user.id, role: "member" as const },
      ...bulk.map((userId) => ({ userId, role: "member" as const })),
    ];
    await stubOf(id).init({ id, kind: "group", title: "big", createdBy: owner.user.id, createdAt, members });
    // Join times spread over a few milliseconds, so the order needs both parts of the key.
    const keys = members.map((m, i) => ({ userId: m.userId, joinedAt: createdAt + ((i * 7919) % 13) }));
    await runInDurableObject(stubOf(id), (_o, state) => {
      state.storage.transactionSync(() => {
        for (const k of keys)
          state.storage.sql.exec("UPDATE members SET joined_at = ? WHERE user_id = ?", k.joinedAt, k.userId);
      });
    });
    keys.sort((a, b) => a.joinedAt - b.joinedAt || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    return { id, owner, admin, alice, bob, keys };
  })();
  return big;
}

const membersPath = (id: string, query = "") => `/api/conversations/${id}/members${query}`;

/** Follows nextCursor to the end; every page checked against `limit`. */
async function walk(g: BigGroup, limit: number): Promise<{ userId: string; joinedAt: number }[]> {
  const seen: { userId: string; joinedAt: number }[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const q: string = `?limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`;
    const page: MembersPage = await apiOk<MembersPage>(membersPath(g.id, q), { token: g.alice.accessToken });
    expect(page.members.length).toBeLessThanOrEqual(limit);
    seen.push(...page.members.map((m) => ({ userId: m.user.id, joinedAt: m.joinedAt })));
    if (page.nextCursor === null) return seen;
    expect(page.members.length).toBe(limit);
    cursor = page.nextCursor;
  }
  throw new Error("the walk never ended");
}

describe("paged member list", () => {
  it("walks all 1,201 members exactly once, in (joinedAt, userId) order, at the maximum and at an odd limit", async () => {
    const g = await bigGroup();
    expect(await walk(g, Limits.memberPageMax)).toEqual(g.keys);
    expect(await walk(g, 97)).toEqual(g.keys);
  }, 120_000);

  it("defaults to 50 and keeps limit within 1..500", async () => {
    const g = await bigGroup();
    const first = await apiOk<MembersPage>(membersPath(g.id), { token: g.alice.accessToken });
    expect(first.members.map((m) => m.user.id)).toEqual(g.keys.slice(0, Limits.pageDefault).map((k) => k.userId));
    expect(first.members[0]).toMatchObject({ user: { id: expect.any(String), username: expect.any(String) } });
    expect(typeof first.nextCursor).toBe("string");
    for (const bad of ["0", "501", "-1", "abc", "1.5"]) {
      await expectError(
        await api(membersPath(g.id, `?limit=${bad}`), { token: g.alice.accessToken }),
        400,
        "invalid_request",
      );
    }
  }, 120_000);

  it("answers 400 for a malformed cursor or one of another conversation, never a 500", async () => {
    const g = await bigGroup();
    const small = await makeGroup(g.owner, [g.alice]);
    const foreign = (await apiOk<MembersPage>(membersPath(small.id, "?limit=1"), { token: g.alice.accessToken }))
      .nextCursor;
    expect(typeof foreign).toBe("string");
    const json = (v: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(v)));
    const bad = [
      foreign ?? "",
      encodeMemberCursor(small.id, { joinedAt: 1, userId: g.alice.user.id }),
      "!!!",
      "a",
      "%00",
      "x".repeat(2000),
      json({ joinedAt: 1, userId: "u" }),
      json([g.id, -1, "u"]),
      json([g.id, 1.5, "u"]),
      json([g.id, 1, ""]),
      json([g.id, "1", "u"]),
      json("__proto__"),
      toBase64Url(new Uint8Array([0xff, 0xfe, 0x22])),
    ];
    for (const cursor of bad) {
      const res = await api(membersPath(g.id, `?cursor=${encodeURIComponent(cursor)}`), { token: g.alice.accessToken });
      await expectError(res, 400, "invalid_request");
    }
  }, 120_000);

  it("refuses a non-member (403) and an unknown conversation (404)", async () => {
    const g = await bigGroup();
    const outsider = await signUp("out");
    await expectError(await api(membersPath(g.id), { token: outsider.accessToken }), 403, "forbidden");
    await expectError(await api(membersPath(newId("c")), { token: outsider.accessToken }), 404, "not_found");
  }, 120_000);

  it("GET /api/conversations/:id of a large group carries the first page, memberCount and nextCursor", async () => {
    const g = await bigGroup();
    const { conversation } = await apiOk<{ conversation: Conversation }>(`/api/conversations/${g.id}`, {
      token: g.alice.accessToken,
    });
    const first = await apiOk<MembersPage>(membersPath(g.id), { token: g.alice.accessToken });
    expect(conversation.memberCount).toBe(BIG);
    expect(conversation.members).toEqual(first.members);
    expect(conversation.nextCursor).toBe(first.nextCursor);
  }, 120_000);

  it("a large group's welcome lists the owner, the admins and who is online, with the total", async () => {
    const g = await bigGroup();
    const aliceSocket = await join(g.id, g.alice);
    const bobSocket = await join(g.id, g.bob);
    try {
      const welcome = bobSocket.frames.find((f) => f.type === "welcome");
      const members = (welcome?.members ?? []) as SocketMember[];
      expect(welcome?.memberCount).toBe(BIG);
      const byId = new Map(members.map((m) => [m.userId, m]));
      expect([...byId.keys()].sort()).toEqual(
        [g.owner.user.id, g.admin.user.id, g.alice.user.id, g.bob.user.id].sort(),
      );
      expect(byId.get(g.owner.user.id)).toMatchObject({ role: "owner", online: false });
      expect(byId.get(g.admin.user.id)).toMatchObject({ role: "admin", online: false });
      expect(byId.get(g.alice.user.id)).toMatchObject({ role: "member", online: true });
      expect(byId.get(g.bob.user.id)).toMatchObject({ role: "member", online: true });
    } finally {
      aliceSocket.close();
      bobSocket.close();
    }
  }, 120_000);

  it("a small group's welcome still lists everyone, and GET /:id everyone without a cursor", async () => {
    const [owner, a, b] = await Promise.all([signUp("own"), signUp("ma"), signUp("mb")]);
    const group = await makeGroup(owner, [a, b]);
    const s = await join(group.id, a);
    try {
      const welcome = s.frames.find((f) => f.type === "welcome");
      expect(welcome?.memberCount).toBe(3);
      expect(((welcome?.members ?? []) as SocketMember[]).map((m) => m.userId).sort()).toEqual(
        [owner.user.id, a.user.id, b.user.id].sort(),
      );
    } finally {
      s.close();
    }
    const { conversation } = await apiOk<{ conversation: Conversation }>(`/api/conversations/${group.id}`, {
      token: a.accessToken,
    });
    expect(conversation.members?.length).toBe(3);
    expect(conversation.memberCount).toBe(3);
    expect(conversation).not.toHaveProperty("nextCursor");
    const page = await apiOk<MembersPage>(membersPath(group.id), { token: a.accessToken });
    expect(page).toEqual({ members: conversation.members, nextCursor: null });
  }, 120_000);

  it("a member removed between pages is not listed, and nobody is listed twice", async () => {
    const g = await bigGroup();
    const first = await apiOk<MembersPage>(membersPath(g.id, "?limit=500"), { token: g.owner.accessToken });
    // Someone the next page would have listed.
    const gone = g.keys[700]?.userId ?? "";
    await apiOk(`/api/conversations/${g.id}/members/${gone}`, { method: "DELETE", token: g.owner.accessToken }, 204);
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page: MembersPage = await apiOk<MembersPage>(membersPath(g.id, `?limit=500&cursor=${cursor}`), {
        token: g.owner.accessToken,
      });
      rest.push(...page.members.map((m) => m.user.id));
      cursor = page.nextCursor;
    }
    const listed = [...first.members.map((m) => m.user.id), ...rest];
    expect(listed).toEqual(g.keys.map((k) => k.userId).filter((u) => u !== gone));
    // The removal is no test-order trap for the others: the key list follows it.
    g.keys = g.keys.filter((k) => k.userId !== gone);
    const { conversation } = await apiOk<{ conversation: Conversation }>(`/api/conversations/${g.id}`, {
      token: g.owner.accessToken,
    });
    expect(conversation.memberCount).toBe(BIG - 1);
  }, 120_000);
});
