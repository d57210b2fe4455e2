// GET /api/search finds only what the caller could read or find anyway: each
// conversation object checks access itself (a stale index grants nothing),
// and people come from friends or the username lookup, minus blocks.
import { describe, expect, it } from "vitest";
import { makeGroup } from "./conversation-fixtures";
import { apiOk, befriend, openDm, signUp, type TestUser } from "./helpers";
import { breakIndex, healIndex, indexMembers } from "./index-fixtures";
import { hitKeys, say, searchOk, signUpNamed } from "./search-fixtures";

const block = (by: TestUser, who: TestUser) =>
  apiOk(`/api/blocks/${who.user.id}`, { method: "PUT", token: by.accessToken }, 204);
const conversationsOf = (page: { messages: { conversationId: string }[] }) =>
  new Set(page.messages.map((h) => h.conversationId));

describe("GET /api/search: messages only from conversations the caller is in", () => {
  it("never shows another group's messages to a non-member", async () => {
    const [a, b, eve] = await Promise.all([signUp("sa"), signUp("sa"), signUp("se")]);
    const g = await makeGroup(a, [b], "private");
    await say(a, g.id, "mango plans");
    await befriend(eve, a);
    const dm = await openDm(eve, a);
    await say(a, dm.id, "mango for eve");
    const page = await searchOk(eve, "mango");
    expect([...conversationsOf(page)]).toEqual([dm.id]);
    expect(page.conversations.map((c) => c.id)).toEqual([dm.id]);
    expect(page.total).toBe(1);
  });

  it("shows a removed member nothing from the group, even while D1's index still lists them", async () => {
    const [owner, bob] = await Promise.all([signUp("sr"), signUp("sr")]);
    const g = await makeGroup(owner, [bob], "leaving");
    await say(owner, g.id, "guava before");
    expect(conversationsOf(await searchOk(bob, "guava"))).toEqual(new Set([g.id]));

    await breakIndex(g.id, "fail");
    await apiOk(
      `/api/conversations/${g.id}/members/${bob.user.id}`,
      { method: "DELETE", token: owner.accessToken },
      204,
    );
    await say(owner, g.id, "guava after");
    expect(
      (await indexMembers(g.id)).some(([id]) => id === bob.user.id),
      "the index lags",
    ).toBe(true);

    const page = await searchOk(bob, "guava");
    expect(page.messages).toEqual([]);
    expect(page.conversations).toEqual([]);
    expect(page.unavailable).toEqual([]);
    await healIndex(g.id);
  });

  it("finds CJK words across conversations, two-character words and single characters", async () => {
    const [me, x, y] = await Promise.all([signUp("sj"), signUp("sj"), signUp("sj")]);
    await befriend(me, x);
    await befriend(me, y);
    const dmX = await openDm(me, x);
    const dmY = await openDm(me, y);
    const g = await makeGroup(me, [x, y], "爬山群", { befriendFirst: false });
    const s1 = await say(x, dmX.id, "我们明天去爬山吧");
    const s2 = await say(y, dmY.id, "爬山很好玩");
    const s3 = await say(me, g.id, "山上有雪，爬 山");
    await say(me, g.id, "今天下雨");

    const keys = new Set(hitKeys(await searchOk(me, "爬山")));
    expect(keys).toEqual(new Set([`${dmX.id}:${s1}`, `${dmY.id}:${s2}`]));
    // One character matches anywhere in a run.
    expect(new Set(hitKeys(await searchOk(me, "山")))).toEqual(
      new Set([`${dmX.id}:${s1}`, `${dmY.id}:${s2}`, `${g.id}:${s3}`]),
    );
    // Mixed scripts and a word that is not in any message.
    expect((await searchOk(me, "明天 爬山")).messages.map((h) => h.message.seq)).toEqual([s1]);
    expect((await searchOk(me, "下雪")).messages).toEqual([]);
    const dm = (await searchOk(me, "爬山")).conversations.find((c) => c.id === dmX.id);
    expect(dm?.peer?.id).toBe(x.user.id);
  });
});

describe("GET /api/search: people", () => {
  it("matches friends by display name, strangers by username prefix only", async () => {
    const stem = `p${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
    const me = await signUp("sp");
    const friend = await signUpNamed(`${stem}f`, "Quokka Friend");
    const stranger = await signUpNamed(`${stem}s`, "Quokka Stranger");
    await befriend(me, friend);
    const dm = await openDm(me, friend);

    const byName = await searchOk(me, "quokka");
    expect(byName.people).toEqual([{ user: friend.user, friend: true, conversationId: dm.id }]);
    // The stranger's display name is not searchable; their username is, as in GET /api/users.
    const byPrefix = await searchOk(me, stem);
    expect(byPrefix.people).toEqual([
      { user: friend.user, friend: true, conversationId: dm.id },
      { user: stranger.user, friend: false, conversationId: null },
    ]);
    expect((await searchOk(me, me.user.username)).people).toEqual([]);
  });

  it("hides a blocked user and one who blocked the caller, both ways", async () => {
    const stem = `b${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
    const [me, blockedByMe, blocksMe, other] = await Promise.all([
      signUp(`${stem}m`),
      signUp(`${stem}x`),
      signUp(`${stem}y`),
      signUp(`${stem}z`),
    ]);
    await befriend(me, blockedByMe);
    await block(me, blockedByMe);
    await block(blocksMe, me);
    const found = (await searchOk(me, stem)).people.map((p) => p.user.id);
    expect(found).toEqual([other.user.id]);
    const theirs = (u: TestUser) => searchOk(u, stem).then((p) => p.people.map((h) => h.user.id));
    expect(await theirs(blockedByMe)).not.toContain(me.user.id);
    expect(await theirs(blocksMe)).not.toContain(me.user.id);
    expect(await theirs(other)).toContain(me.user.id);
  });

  it("lists people on the first page only", async () => {
    const stem = `f${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
    const [me, a] = await Promise.all([signUp(`${stem}m`), signUp(`${stem}a`)]);
    await befriend(me, a);
    const dm = await openDm(me, a);
    await say(a, dm.id, `${stem} one`);
    await say(a, dm.id, `${stem} two`);
    const first = await searchOk(me, stem, "&limit=1");
    expect(first.people.map((p) => p.user.id)).toEqual([a.user.id]);
    const next = await searchOk(me, stem, `&limit=1&cursor=${first.nextCursor}`);
    expect(next.people).toEqual([]);
    expect(next.messages).toHaveLength(1);
  });
});
