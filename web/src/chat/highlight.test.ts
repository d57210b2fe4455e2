import { describe, expect, it } from "vitest";
import { highlight, queryWords } from "./highlight";

describe("search highlighting", () => {
  it("marks every word of the query, case-insensitively, and keeps the rest as plain pieces", () => {
    expect(highlight("Climbing at the Crag, then climbing again", "climbing crag")).toEqual([
      { text: "Climbing", match: true },
      { text: " at the ", match: false },
      { text: "Crag", match: true },
      { text: ", then ", match: false },
      { text: "climbing", match: true },
      { text: " again", match: false },
    ]);
  });

  it("matches Chinese words inside a sentence without spaces", () => {
    expect(highlight("我们明天去爬山吧", "爬山")).toEqual([
      { text: "我们明天去", match: false },
      { text: "爬山", match: true },
      { text: "吧", match: false },
    ]);
  });

  it("treats regex characters and markup in the query as plain text", () => {
    expect(highlight("a+b <b>x</b>", "a+b <b>")).toEqual([
      { text: "a+b", match: true },
      { text: " ", match: false },
      { text: "<b>", match: true },
      { text: "x</b>", match: false },
    ]);
    expect(queryWords('  "quoted"  word* ')).toEqual(["quoted", "word"]);
  });

  it("returns the text unmarked for an empty query", () => {
    expect(highlight("hello", "   ")).toEqual([{ text: "hello", match: false }]);
    expect(highlight("", "x")).toEqual([]);
  });
});
