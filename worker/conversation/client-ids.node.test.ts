import { describe, expect, it } from "vitest";
import { ClientIdCache } from "./client-ids";

/** A stand-in for the events table, counting how often the cache reads it. */
function storage() {
  const rows = new Map<string, string[]>();
  let loads = 0;
  const load = (senderId: string, limit: number) => {
    loads += 1;
    const ids = rows.get(senderId) ?? [];
    return ids.length > limit ? null : [...ids];
  };
  const store = (senderId: string, clientId: string) => rows.set(senderId, [...(rows.get(senderId) ?? []), clientId]);
  return { load, store, loads: () => loads };
}

describe("ClientIdCache", () => {
  it("loads a sender once, then answers new clientIds from memory and tracks appends", () => {
    const db = storage();
    db.store("a", "old");
    const cache = new ClientIdCache(db.load);
    expect(cache.mayHave("a", "old")).toBe(true);
    expect(cache.mayHave("a", "new")).toBe(false);
    db.store("a", "new");
    cache.added("a", "new");
    expect(cache.mayHave("a", "new")).toBe(true);
    expect(cache.mayHave("a", "other")).toBe(false);
    expect(db.loads()).toBe(1);
    // Another sender's ids never answer for this one.
    expect(cache.mayHave("b", "old")).toBe(false);
    expect(db.loads()).toBe(2);
  });

  it("after a restart (empty memory) it reloads from storage, so earlier clientIds are still found", () => {
    const db = storage();
    const first = new ClientIdCache(db.load);
    expect(first.mayHave("a", "c1")).toBe(false);
    db.store("a", "c1");
    first.added("a", "c1");
    const second = new ClientIdCache(db.load);
    expect(second.mayHave("a", "c1")).toBe(true);
  });

  it("an append for a sender not loaded yet is found through the next load", () => {
    const db = storage();
    const cache = new ClientIdCache(db.load);
    db.store("a", "c1");
    cache.added("a", "c1");
    expect(cache.mayHave("a", "c1")).toBe(true);
  });

  it("gives up on a sender over the per-sender cap: every check then says 'maybe'", () => {
    const db = storage();
    for (const id of ["1", "2", "3"]) db.store("big", id);
    const cache = new ClientIdCache(db.load, 100, 2);
    expect(cache.mayHave("big", "never")).toBe(true);
    db.store("small", "1");
    expect(cache.mayHave("small", "2")).toBe(false);
    for (const id of ["2", "3"]) {
      db.store("small", id);
      cache.added("small", id);
    }
    // "small" grew past the cap through appends: dropped, never answered from a partial set.
    expect(cache.mayHave("small", "never")).toBe(true);
  });

  it("evicts the least recently used sender over the total cap and reloads it on demand", () => {
    const db = storage();
    db.store("a", "a1");
    db.store("b", "b1");
    const cache = new ClientIdCache(db.load, 1, 10);
    expect(cache.mayHave("a", "x")).toBe(false);
    expect(cache.mayHave("b", "x")).toBe(false);
    expect(db.loads()).toBe(2);
    expect(cache.mayHave("a", "a1")).toBe(true);
    expect(db.loads()).toBe(3);
  });
});
