import { describe, expect, it } from "vitest";
import { mayMention, mentionedIds, mentionToken, mentionTokens, plainMentions } from "./mentions";

describe("mention tokens", () => {
  it("finds well-formed tokens with their places, ids in order of first mention", () => {
    const text = "hi @[Bob](u:usr_b) and @[Cy Z](u:usr_c), @[Bob again](u:usr_b)!";
    expect(mentionTokens(text).map((t) => [t.label, t.userId, text.slice(t.start, t.end)])).toEqual([
      ["Bob", "usr_b", "@[Bob](u:usr_b)"],
      ["Cy Z", "usr_c", "@[Cy Z](u:usr_c)"],
      ["Bob again", "usr_b", "@[Bob again](u:usr_b)"],
    ]);
    expect(mentionedIds(text)).toEqual(["usr_b", "usr_c"]);
  });

  it("ignores what is not a token: no @, empty label, brackets or newlines in it, odd ids", () => {
    for (const text of [
      "[Bob](u:usr_b)",
      "@[](u:usr_b)",
      "@[a]b](u:usr_b)",
      "@[a\nb](u:usr_b)",
      "@[Bob](u:)",
      "@[Bob](u:usr b)",
      "@[Bob](user:usr_b)",
      "@[Bob](u:usr_b",
      `@[Bob](u:${"x".repeat(65)})`,
      `@[${"x".repeat(129)}](u:usr_b)`,
    ]) {
      expect(mentionedIds(text), text).toEqual([]);
    }
    expect(mayMention("plain text")).toBe(false);
  });

  it("reads as @label in plain text, or as a current name where one is known", () => {
    const text = "@[Old Name](u:usr_b) and @[Gone](u:usr_x) see";
    expect(plainMentions(text)).toBe("@Old Name and @Gone see");
    expect(plainMentions(text, (id) => (id === "usr_b" ? "New Name" : undefined))).toBe("@New Name and @Gone see");
    expect(plainMentions("no tokens")).toBe("no tokens");
  });

  it("writes a token any name survives: brackets and line breaks dropped, long names cut", () => {
    expect(mentionToken("usr_b", "Bob")).toBe("@[Bob](u:usr_b)");
    const odd = mentionToken("usr_b", "[Bo]b\nX");
    expect(odd).toBe("@[BobX](u:usr_b)");
    expect(mentionedIds(odd)).toEqual(["usr_b"]);
    const long = mentionToken("usr_b", "😀".repeat(100));
    expect(mentionedIds(long)).toEqual(["usr_b"]);
    expect(mentionTokens(long)[0]?.label).toBe("😀".repeat(64));
    expect(mentionToken("usr_b", "[]")).toBe("@[?](u:usr_b)");
  });
});
