import { describe, expect, it } from "vitest";
import { matchRoute, messagePath } from "./router";

describe("routes", () => {
  it("opens a chat at a message with ?at=<seq> (a global search result)", () => {
    expect(matchRoute(messagePath("c_abc", 42))).toEqual({ name: "chat", id: "c_abc", at: 42 });
    expect(matchRoute("/c/c_abc")).toEqual({ name: "chat", id: "c_abc" });
  });

  it("ignores an `at` that is not a positive integer", () => {
    for (const at of ["0", "-3", "1.5", "x", "", "9007199254740993"]) {
      expect(matchRoute(`/c/c_abc?at=${at}`)).toEqual({ name: "chat", id: "c_abc" });
    }
  });

  it("still matches the other routes with a query string", () => {
    expect(matchRoute("/?x=1")).toEqual({ name: "chats" });
    expect(matchRoute("/c/c_abc/info?at=3")).toEqual({ name: "groupInfo", id: "c_abc" });
  });
});
