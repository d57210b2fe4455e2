import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { SqliteLogStore } from "../conversation/sqlite-store";
import type { Message, MessageEvent } from "../protocol";
import { makeGroup, rng, stubOf } from "./conversation-fixtures";
import { apiOk, signUp } from "./helpers";

const N = 100_000;
const T0 = 1_700_000_000_000;
const SPAN = 20_000_000;
const ENGLISH = ["apple", "Banana", "cherry", "river", "Mountain", "window", "signal", "orbit", "planet", "forest"];
const CHINESE = ["世界", "你好", "天气", "朋友", "学习", "电脑", "计算机", "中华人民", "音乐", "咖啡"];
const RARE = ["zephyr", "龙猫"];

interface Row {
  seq: number;
  text: string;
  createdAt: number;
}

function makeRows(startSeq: number): Row[] {
  const r = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const rows: Row[] = [];
  for (let i = 0; i < N; i++) {
    const parts: string[] = [];
    const n = 1 + Math.floor(r() * 5);
    for (let k = 0; k < n; k++) {
      if (r() < 0.5) {
        const w = pick(ENGLISH);
        parts.push(r() < 0.2 ? w.toUpperCase() : w);
      } else {
        // Chinese words sometimes run together with no space, as Chinese is written.
        const w = pick(CHINESE);
        if (r() < 0.5 && parts.length > 0 && /\p{Script=Han}$/u.test(parts[parts.length - 1] ?? ""))
          parts[parts.length - 1] += w;
        else parts.push(w);
      }
    }
    if (r() < 0.002) parts.push(pick(RARE));
    rows.push({ seq: startSeq + i, text: parts.join(r() < 0.1 ? ", " : " "), createdAt: T0 + Math.floor(r() * SPAN) });
  }
  return rows;
}

/** What a match means, computed the slow way: English whole words (any case), Chinese substrings. */
function matches(text: string, word: string): boolean {
  if (/\p{Script=Han}/u.test(word)) return text.includes(word);
  const tokens = text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  if (word.endsWith("*")) return tokens.some((t) => t.startsWith(word.slice(0, -1).toLowerCase()));
  return tokens.includes(word.toLowerCase());
}

async function lastRowsRead(conversationId: string): Promise<number> {
  return runInDurableObject(stubOf(conversationId), (obj: ConversationObject) => {
    const { store } = obj.room.log;
    if (!(store instanceof SqliteLogStore)) throw new Error("the object runs on SQLite");
    return store.lastRowsRead;
  });
}

type Page = { messages: Message[]; hasMore: boolean };

describe("history over 100,000 messages", () => {
  it("pages by keyset (rowsRead <= limit + 1); time ranges and search agree with a brute-force scan", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const id = group.id;
    const rows = makeRows(2);

    // Straight into the object's store in one turn: 100k socket frames would test the socket, not history.
    await runInDurableObject(stubOf(id), (obj: ConversationObject) => {
      const { log } = obj.room;
      const store = log.store;
      expect(log.head).toBe(1);
      for (const row of rows) {
        const event: MessageEvent = {
          seq: row.seq,
          conversationId: id,
          type: "message",
          senderId: a.user.id,
          clientId: `bulk${row.seq}`,
          createdAt: row.createdAt,
          kind: "text",
          text: row.text,
        };
        store.append({
          seq: row.seq,
          createdAt: row.createdAt,
          body: JSON.stringify(event),
          type: "message",
          senderId: a.user.id,
          clientId: `bulk${row.seq}`,
          target: null,
        });
        store.putMessage({
          seq: row.seq,
          senderId: a.user.id,
          clientId: `bulk${row.seq}`,
          kind: "text",
          text: row.text,
          createdAt: row.createdAt,
          reactions: {},
        });
        store.indexText(row.seq, row.text);
      }
    });
    // The log's head in memory still says 1: a fresh object reads it (and everything else) from SQLite.
    await evictDurableObject(stubOf(id));
    expect(await runInDurableObject(stubOf(id), (obj: ConversationObject) => obj.room.log.head)).toBe(N + 1);
    const get = (q: string) => apiOk<Page>(`/api/conversations/${id}/messages?${q}`, { token: b.accessToken });

    // Newest-first paging, at the top and deep inside.
    for (const [q, limit] of [
      ["limit=50", 50],
      ["limit=200&before=50001", 200],
      ["limit=200&before=3", 200],
    ] as const) {
      const page = await get(q);
      const before = Number(new URLSearchParams(q).get("before") ?? N + 2);
      const want = Math.min(limit, before - 2);
      expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: want }, (_, i) => before - 1 - i));
      expect(page.hasMore).toBe(before - 2 > limit);
      const read = await lastRowsRead(id);
      expect(read).toBeGreaterThanOrEqual(want);
      expect(read).toBeLessThanOrEqual(limit + 1);
    }

    // Time ranges, paged with the (from, after) cursor to the end.
    const byTime = [...rows].sort((x, y) => x.createdAt - y.createdAt || x.seq - y.seq);
    const r = rng(7);
    for (let k = 0; k < 4; k++) {
      const from = T0 + Math.floor(r() * SPAN);
      const to = from + 20_000 + Math.floor(r() * 60_000);
      const expected = byTime.filter((x) => x.createdAt >= from && x.createdAt < to).map((x) => x.seq);
      const got: number[] = [];
      let query = `from=${from}&to=${to}&limit=200`;
      for (;;) {
        const page = await get(query);
        expect(await lastRowsRead(id)).toBeLessThanOrEqual(201);
        got.push(...page.messages.map((m) => m.seq));
        const last = page.messages.at(-1);
        if (!page.hasMore || !last) break;
        query = `from=${last.createdAt}&to=${to}&after=${last.seq}&limit=200`;
      }
      expect(expected.length).toBeGreaterThan(50);
      expect(got).toEqual(expected);
    }

    // Search: every match of rare words (paged), the first page of common ones, 1- and 2-character Chinese.
    const search = async (q: string, all: boolean) => {
      const got: number[] = [];
      let before = "";
      for (;;) {
        const page = await get(`q=${encodeURIComponent(q)}&limit=200${before}`);
        got.push(...page.messages.map((m) => m.seq));
        const last = page.messages.at(-1);
        if (!all || !page.hasMore || !last) return { got, hasMore: page.hasMore };
        before = `&before=${last.seq}`;
      }
    };
    const newestFirst = [...rows].reverse();
    for (const q of ["zephyr", "龙猫", "ZEPHYR", "apple 世界", "世界 朋友 river"]) {
      const words = q.split(" ");
      const expected = newestFirst.filter((x) => words.every((w) => matches(x.text, w))).map((x) => x.seq);
      const { got } = await search(q, true);
      expect(got, q).toEqual(expected);
      expect(expected.length, q).toBeGreaterThan(0);
    }
    // "界朋" spans two words: found where they run together, not across a space or comma.
    for (const q of ["Banana", "世界", "算机", "人民", "界", "plan*", "计算机", "界朋", "世界朋友"]) {
      const expected = newestFirst.filter((x) => matches(x.text, q)).map((x) => x.seq);
      const { got, hasMore } = await search(q, false);
      expect(got, q).toEqual(expected.slice(0, 200));
      expect(hasMore, q).toBe(expected.length > 200);
    }
  });
});
