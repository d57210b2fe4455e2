import { describe, expect, it } from "vitest";
import { mentionedIds } from "../../../worker/shared/mentions";
import { matchMembers, mentionParts, mentionQuery, plainText, toDisplay, toWire } from "./mentions";

const names = new Map([
  ["usr_b", "Bob Stone"],
  ["usr_c", "Cy"],
]);
const nameOf = (id: string) => names.get(id);

describe("mentionParts", () => {
  it("splits text into plain parts and mentions, keeping every character of the plain text", () => {
    expect(mentionParts("hi @[Bobby](u:usr_b), and @[C](u:usr_c)!")).toEqual([
      { text: "hi " },
      { text: "Bobby", userId: "usr_b" },
      { text: ", and " },
      { text: "C", userId: "usr_c" },
      { text: "!" },
    ]);
    expect(mentionParts("@[x](u:a)")).toEqual([{ text: "x", userId: "a" }]);
    expect(mentionParts("no tokens, <b>not html</b>")).toEqual([{ text: "no tokens, <b>not html</b>" }]);
    expect(mentionParts("")).toEqual([]);
  });
});

describe("composing", () => {
  it("turns each inserted @Name into a token the server parses, in text order", () => {
    const picked = [
      { userId: "usr_c", name: "Cy" },
      { userId: "usr_b", name: "Bob Stone" },
    ];
    const wire = toWire("@Bob Stone and @Cy, lunch?", picked);
    expect(wire).toBe("@[Bob Stone](u:usr_b) and @[Cy](u:usr_c), lunch?");
    expect(mentionedIds(wire)).toEqual(["usr_b", "usr_c"]);
  });

  it("leaves a name that was edited away, or grown into another word, as plain text", () => {
    expect(
      toWire("@Bob Ston and @Cyril", [
        { userId: "usr_b", name: "Bob Stone" },
        { userId: "usr_c", name: "Cy" },
      ]),
    ).toBe("@Bob Ston and @Cyril");
  });

  it("matches two picks of one name to two places, and never one place twice", () => {
    const bob = { userId: "usr_b", name: "Bob Stone" };
    expect(toWire("@Bob Stone @Bob Stone", [bob, bob])).toBe("@[Bob Stone](u:usr_b) @[Bob Stone](u:usr_b)");
    expect(toWire("@Bob Stone and Bob", [bob, bob])).toBe("@[Bob Stone](u:usr_b) and Bob");
  });

  it("round-trips a sent message for editing, with current names", () => {
    const edited = toDisplay("@[Old Bob](u:usr_b) hi @[Gone](u:usr_x)", nameOf);
    expect(edited.text).toBe("@Bob Stone hi @Gone");
    expect(toWire(edited.text, edited.picked)).toBe("@[Bob Stone](u:usr_b) hi @[Gone](u:usr_x)");
    expect(plainText("re: @[Old Bob](u:usr_b)", nameOf)).toBe("re: @Bob Stone");
  });
});

describe("the @query at the caret", () => {
  it("opens after an @ at a word start and closes at a space", () => {
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQuery("hi @bo", 6)).toEqual({ start: 3, query: "bo" });
    expect(mentionQuery("hi (@bo", 7)).toEqual({ start: 4, query: "bo" });
    expect(mentionQuery("hi @bo there", 6)).toEqual({ start: 3, query: "bo" });
    expect(mentionQuery("hi @bo there", 12)).toBeNull();
    expect(mentionQuery("mail me@example", 15)).toBeNull();
    expect(mentionQuery("no at", 5)).toBeNull();
  });

  it("ranks name and username prefixes before later words, ignoring case and accents", () => {
    const people = [
      { id: "1", username: "zed", displayName: "Anna Bo" },
      { id: "2", username: "bob", displayName: "Robert" },
      { id: "3", username: "x", displayName: "Bøb Émile" },
      { id: "4", username: "y", displayName: "Boris" },
      { id: "5", username: "q", displayName: "Carl" },
    ];
    expect(matchMembers(people, "bo").map((p) => p.id)).toEqual(["4", "2", "1"]);
    expect(matchMembers(people, "emi").map((p) => p.id)).toEqual(["3"]);
    expect(matchMembers(people, "").map((p) => p.id)).toEqual(["1", "3", "4", "5", "2"]);
    expect(matchMembers(people, "", 2)).toHaveLength(2);
  });
});
