import { describe, expect, it } from "vitest";
import type { Message } from "../protocol";
import { type Answer, assemble, FROM_TOP, scan } from "./scan";

const row = (i: number) => ({ createdAt: 1000 - i, id: `c${i}` });
const msg = (seq: number): Message => ({
  seq,
  senderId: "u",
  clientId: null,
  kind: "text",
  text: "x",
  createdAt: seq,
  reactions: {},
});
const hits = (...seqs: number[]): Answer => ({ kind: "hits", messages: seqs.map(msg), hasMore: false });

describe("the message scan", () => {
  it("does not ask conversations past the one that fills the page", async () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(i));
    const asked: number[] = [];
    const answers = await scan({
      rows,
      limit: 3,
      concurrency: 1,
      deadline: Date.now() + 60_000,
      ask: async (_, i) => {
        asked.push(i);
        return hits(5, 4);
      },
    });
    expect(asked).toEqual([0, 1]);
    const page = assemble(rows, answers, 3, false);
    expect(page.hits.map((h) => `${h.row.id}:${h.message.seq}`)).toEqual(["c0:5", "c0:4", "c1:5"]);
    expect(page.next).toEqual({ key: row(1), before: 5 });
    expect(page.finished).toBe(1);
  });

  it("reports a conversation that failed and goes on past it", () => {
    const rows = [row(0), row(1), row(2)];
    const page = assemble(rows, [{ kind: "failed" }, { kind: "refused" }, hits(2)], 10, true);
    expect(page.unavailable).toEqual([row(0)]);
    expect(page.hits.map((h) => h.row.id)).toEqual(["c2"]);
    expect(page.finished).toBe(3);
    expect(page.next).toEqual({ key: row(2), before: 0 });
  });

  it("ends the page where the time budget stopped the asking, and the next page starts there", async () => {
    const rows = [row(0), row(1), row(2)];
    const late = await scan({ rows, limit: 10, concurrency: 1, deadline: Date.now() - 1, ask: async () => hits(1) });
    expect(late.map((a) => a?.kind)).toEqual(["unasked", "unasked", "unasked"]);
    expect(assemble(rows, [hits(1), { kind: "unasked" }, hits(1)], 10, false).next).toEqual({
      key: row(1),
      before: FROM_TOP,
    });
    // A page that resumed inside its first conversation keeps that place when it could not ask it.
    expect(assemble(rows, late, 10, false, 7).next).toEqual({ key: row(0), before: 7 });
  });

  it("has no next page when the last conversation fills it exactly and none is left", () => {
    expect(assemble([row(0)], [hits(3, 2)], 2, false).next).toBeNull();
    expect(assemble([row(0)], [hits(3, 2)], 2, true).next).toEqual({ key: row(0), before: 0 });
    expect(assemble([row(0)], [{ kind: "hits", messages: [msg(3), msg(2)], hasMore: true }], 2, false).next).toEqual({
      key: row(0),
      before: 2,
    });
  });
});
