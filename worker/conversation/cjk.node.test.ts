import { describe, expect, it } from "vitest";
import { indexForms, matchQuery, RUN_END } from "./cjk";

describe("CJK index forms", () => {
  it("expands CJK runs into bigrams ended by RUN_END and keeps single characters apart", () => {
    expect(indexForms("Hello 你好世界!")).toEqual({
      grams: `Hello  你好 好世 世界 ${RUN_END} !`,
      chars: "你 好 世 界",
    });
    expect(indexForms("a好b")).toEqual({ grams: `a 好 ${RUN_END} b`, chars: "好" });
  });

  it("drops private-use characters so a user cannot forge RUN_END", () => {
    expect(indexForms(`x${RUN_END}y`).grams).toBe("x y");
    expect(matchQuery(["a\u0000b"])).toBe('grams : "a b"');
  });
});

describe("FTS5 match query", () => {
  it("makes 2-character words a bigram phrase and 1-character words a chars match", () => {
    expect(matchQuery(["世界"])).toBe('grams : "世界"');
    expect(matchQuery(["世"])).toBe('chars : "世"');
    expect(matchQuery(["你好世界", "Hello"])).toBe('grams : "你好 好世 世界" AND grams : "Hello"');
  });

  it("separates a run from the text after it inside one word, and supports a prefix star", () => {
    expect(matchQuery(["世界hello"])).toBe(`grams : "世界 ${RUN_END} hello"`);
    expect(matchQuery(["hel*"])).toBe('grams : "hel" *');
  });

  it("escapes quotes and ignores words with nothing searchable", () => {
    expect(matchQuery(['say"hi'])).toBe('grams : "say""hi"');
    expect(matchQuery(["!!", "..."])).toBeNull();
  });
});
