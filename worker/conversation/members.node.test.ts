import { describe, expect, it } from "vitest";
import type { Role } from "../protocol";
import { Members } from "./members";

const roles = (entries: [string, Role][]) => new Map<string, Role>(entries);

describe("Members", () => {
  it("shows a transaction's changes at once, keeps them on commit, drops them on rollback", () => {
    const m = new Members(
      roles([
        ["ann", "owner"],
        ["bob", "member"],
      ]),
    );
    m.put("cat", "member");
    m.remove("bob");
    m.put("ann", "owner");
    expect([...m.entries()]).toEqual([
      ["ann", "owner"],
      ["cat", "member"],
    ]);
    expect([m.size, m.has("bob"), m.get("cat")]).toEqual([2, false, "member"]);
    m.rollback();
    expect([...m.keys()]).toEqual(["ann", "bob"]);
    expect(m.size).toBe(2);

    m.put("cat", "admin");
    m.remove("bob");
    m.remove("bob");
    m.put("dan", "member");
    m.commit();
    expect([...m.keys()]).toEqual(["ann", "cat", "dan"]);
    expect(m.size).toBe(3);
    expect([...m.staff()]).toEqual([
      ["ann", "owner"],
      ["cat", "admin"],
    ]);
    m.put("cat", "member");
    m.commit();
    expect([...m.staff().keys()]).toEqual(["ann"]);
  });
});
