// GET /api/search: what a query may be, how much one page may cost, and the
// per-user budget (docs/protocol.md "Global search").
import { describe, expect, it } from "vitest";
import { Limits } from "../protocol";
import { makeGroup } from "./conversation-fixtures";
import { api, befriend, openDm, signUp } from "./helpers";
import { inOneRateWindow } from "./rate-window";
import { expectCode, hitKeys, say, searchOk, searchRaw } from "./search-fixtures";

describe("GET /api/search: the query", () => {
  it("refuses a missing, blank, too long, too wordy or unsearchable q with 400 invalid_request", async () => {
    const u = await signUp("sq");
    await expectCode(await api("/api/search", { token: u.accessToken }), 400, "invalid_request");
    for (const q of ["", "   ", "x".repeat(Limits.searchQueryMax + 1), "a b c d e f g h i", "?!…", "\u0000"]) {
      const res = await searchRaw(u, q);
      const body = (await res.json()) as { error: { code: string; details: { field: string }[] } };
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.details[0]?.field).toBe("q");
    }
    // The bounds themselves pass: 200 characters, 8 words, one CJK character.
    for (const q of ["x".repeat(Limits.searchQueryMax), "a b c d e f g h", "山", `  padded  `]) {
      expect((await searchRaw(u, q)).status, q).toBe(200);
    }
  });

  it("refuses a limit outside 1..50 and a cursor it did not make", async () => {
    const u = await signUp("sl");
    for (const extra of [
      "&limit=0",
      "&limit=51",
      "&limit=x",
      "&cursor=nope!",
      "&cursor=WzFd",
      `&cursor=${"A".repeat(2000)}`,
    ]) {
      await expectCode(await searchRaw(u, "hello", extra), 400, "invalid_request");
    }
  });

  it("needs a signed-in user", async () => {
    await expectCode(await api("/api/search?q=hello"), 401, "unauthorized");
  });

  it("answers at most `limit` message hits", async () => {
    const [a, b] = await Promise.all([signUp("sm"), signUp("sm")]);
    await befriend(a, b);
    const dm = await openDm(a, b);
    for (let i = 0; i < 5; i++) await say(a, dm.id, `kiwi number ${i}`);
    const page = await searchOk(a, "kiwi", "&limit=2");
    expect(page.messages).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    // Newest first inside a conversation.
    const [first, second] = page.messages.map((h) => h.message.seq);
    expect(first).toBeGreaterThan(second ?? Infinity);
    expect((await searchOk(a, "kiwi")).messages).toHaveLength(5);
  });

  it(`asks at most ${Limits.searchConversationsPerPage} conversations for one page, and the cursor goes on`, async () => {
    const [owner, friend] = await Promise.all([signUp("sc"), signUp("sc")]);
    await befriend(owner, friend);
    const n = Limits.searchConversationsPerPage + 1;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const g = await makeGroup(owner, [friend], `g${i}`, { befriendFirst: false });
      ids.push(g.id);
      await say(friend, g.id, `papaya in group ${i}`);
    }
    const first = await searchOk(owner, "papaya", `&limit=${Limits.searchPageMax}`);
    expect(first.total).toBe(n);
    expect(first.searched).toBe(Limits.searchConversationsPerPage);
    expect(first.messages).toHaveLength(Limits.searchConversationsPerPage);
    expect(first.nextCursor).not.toBeNull();
    // Newest conversation first: the oldest is the one left for page two.
    expect(first.messages[0]?.conversationId).toBe(ids[n - 1]);
    const second = await searchOk(owner, "papaya", `&limit=${Limits.searchPageMax}&cursor=${first.nextCursor}`);
    expect(second.people).toEqual([]);
    expect(hitKeys(second).map((k) => k.split(":")[0])).toEqual([ids[0]]);
    expect(second.searched).toBe(n);
    expect(second.nextCursor).toBeNull();
  });
});

describe("GET /api/search: the per-user budget", () => {
  // SEARCH_USER_LIMIT in wrangler.toml.
  const LIMIT = 60;

  it("answers the 61st search in a minute with 429 and Retry-After, for that user only; refused queries count", () =>
    inOneRateWindow(async () => {
      const [a, b] = await Promise.all([signUp("srl"), signUp("srl")]);
      for (let i = 0; i < LIMIT; i++) {
        // Every other one is invalid: a refusal still costs a request.
        const res = await searchRaw(a, i % 2 === 0 ? "hello" : "");
        expect(res.status, `search ${i + 1}`).not.toBe(429);
      }
      const over = await searchRaw(a, "hello");
      expect(over.status).toBe(429);
      expect(Number(over.headers.get("Retry-After"))).toBeGreaterThan(0);
      await expectCode(over, 429, "rate_limited");
      expect((await searchRaw(b, "hello")).status).toBe(200);
    }));
});
