// GET /api/search pages deterministically: conversations in a fixed order
// (newest created first), matches newest first inside each, a cursor that
// resumes exactly where the last page stopped. Followed to the end, the
// pages hold every match once, whatever the page size and whatever arrives
// meanwhile.
import { describe, expect, it } from "vitest";
import type { SearchPage } from "../protocol";
import { makeGroup } from "./conversation-fixtures";
import { apiOk, befriend, signUp, type TestUser } from "./helpers";
import { allPages, hitKeys, say, searchOk } from "./search-fixtures";

/** Every match of `q` as each conversation's own search answers it, in scan order. */
async function expected(u: TestUser, conversationIds: string[], q: string): Promise<string[]> {
  const out: string[] = [];
  for (const id of conversationIds) {
    const { messages } = await apiOk<{ messages: { seq: number }[] }>(
      `/api/conversations/${id}/messages?q=${encodeURIComponent(q)}&limit=200`,
      { token: u.accessToken },
    );
    out.push(...messages.map((m) => `${id}:${m.seq}`));
  }
  return out;
}

const keysOf = (pages: SearchPage[]) => pages.flatMap(hitKeys);

describe("GET /api/search: paging", () => {
  it("has no duplicate and no gap across pages, for every page size", async () => {
    const [me, f] = await Promise.all([signUp("sg"), signUp("sg")]);
    await befriend(me, f);
    // Matches per conversation, oldest conversation first: none, a few, more than a page, one.
    const counts = [0, 3, 7, 1, 4];
    const ids: string[] = [];
    for (const [i, n] of counts.entries()) {
      const g = await makeGroup(me, [f], `p${i}`, { befriendFirst: false });
      ids.push(g.id);
      for (let k = 0; k < n; k++) {
        await say(f, g.id, `lychee ${i}.${k}`);
        await say(me, g.id, `noise ${i}.${k}`);
      }
    }
    const scanOrder = [...ids].reverse();
    const all = await expected(me, scanOrder, "lychee");
    expect(all).toHaveLength(15);
    for (const limit of [1, 2, 3, 5, 7, 15, 50]) {
      const pages = await allPages(me, "lychee", limit);
      expect(keysOf(pages), `limit ${limit}`).toEqual(all);
      expect(pages.at(-1)?.searched).toBe(counts.length);
      expect(pages.every((p) => p.total === counts.length)).toBe(true);
      // Every page but the last is full: the scan stops only when the page is.
      expect(pages.slice(0, -1).every((p) => p.messages.length === limit)).toBe(true);
    }
  });

  it("stays exact while messages arrive and conversations are made between pages", async () => {
    const [me, f] = await Promise.all([signUp("sh"), signUp("sh")]);
    await befriend(me, f);
    const a = await makeGroup(me, [f], "older", { befriendFirst: false });
    const b = await makeGroup(me, [f], "newer", { befriendFirst: false });
    for (let k = 0; k < 4; k++) await say(f, a.id, `durian a${k}`);
    for (let k = 0; k < 4; k++) await say(f, b.id, `durian b${k}`);
    const before = await expected(me, [b.id, a.id], "durian");

    const first = await searchOk(me, "durian", "&limit=3");
    expect(hitKeys(first)).toEqual(before.slice(0, 3));
    // Meanwhile: a newer match where the cursor is, one in a conversation not reached yet,
    // one in a conversation already done, and a new conversation (it sorts before the cursor).
    await say(f, b.id, "durian late in b");
    const lateA = await say(f, a.id, "durian late in a");
    const c = await makeGroup(me, [f], "newest", { befriendFirst: false });
    await say(f, c.id, "durian in c");

    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page: SearchPage = await searchOk(me, "durian", `&limit=3&cursor=${cursor}`);
      rest.push(...hitKeys(page));
      cursor = page.nextCursor;
    }
    // The rest of b below the cursor, then all of a as it is now (its late match first).
    expect(rest).toEqual([...before.slice(3, 4), `${a.id}:${lateA}`, ...before.slice(4)]);
    expect(new Set([...hitKeys(first), ...rest]).size).toBe(hitKeys(first).length + rest.length);
  });

  it("skips a conversation the caller left and goes on with the next", async () => {
    const [me, f] = await Promise.all([signUp("sk"), signUp("sk")]);
    await befriend(me, f);
    const a = await makeGroup(f, [me], "kept", { befriendFirst: false });
    const b = await makeGroup(f, [me], "left", { befriendFirst: false });
    for (let k = 0; k < 3; k++) await say(f, b.id, `fig b${k}`);
    const kept = await say(f, a.id, "fig a");
    const first = await searchOk(me, "fig", "&limit=2");
    expect(first.messages.every((h) => h.conversationId === b.id)).toBe(true);
    await apiOk(`/api/conversations/${b.id}/members/${me.user.id}`, { method: "DELETE", token: me.accessToken }, 204);
    const next = await searchOk(me, "fig", `&limit=2&cursor=${first.nextCursor}`);
    expect(hitKeys(next)).toEqual([`${a.id}:${kept}`]);
    expect(next.nextCursor).toBeNull();
  });
});
