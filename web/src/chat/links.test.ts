import { describe, expect, it } from "vitest";
import { linkify } from "./links";

describe("linkify", () => {
  it("turns http and https URLs into links and leaves the rest as text", () => {
    expect(linkify("see https://example.com/a?x=1&y=2 now")).toEqual([
      { text: "see " },
      { text: "https://example.com/a?x=1&y=2", href: "https://example.com/a?x=1&y=2" },
      { text: " now" },
    ]);
    expect(linkify("http://a.test")).toEqual([{ text: "http://a.test", href: "http://a.test" }]);
    expect(linkify("no links here")).toEqual([{ text: "no links here" }]);
    expect(linkify("")).toEqual([]);
  });

  it("never links other schemes or markup", () => {
    for (const text of ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://x.test/", "<a href=x>y</a>"]) {
      expect(linkify(text)).toEqual([{ text }]);
    }
    expect(linkify("JavaScript://https://x.test")).toEqual([
      { text: "JavaScript://" },
      { text: "https://x.test", href: "https://x.test" },
    ]);
  });

  it("leaves sentence punctuation and unbalanced brackets outside the link", () => {
    expect(linkify("go to https://x.test/a.")).toEqual([
      { text: "go to " },
      { text: "https://x.test/a", href: "https://x.test/a" },
      { text: "." },
    ]);
    expect(linkify("(see https://x.test/b)")).toEqual([
      { text: "(see " },
      { text: "https://x.test/b", href: "https://x.test/b" },
      { text: ")" },
    ]);
    expect(linkify("https://en.wikipedia.org/wiki/Foo_(bar), ok")[0]).toEqual({
      text: "https://en.wikipedia.org/wiki/Foo_(bar)",
      href: "https://en.wikipedia.org/wiki/Foo_(bar)",
    });
    expect(linkify("https://x.test/<b>").map((p) => p.text)).toEqual(["https://x.test/", "<b>"]);
  });

  it("skips a scheme with no host", () => {
    expect(linkify("https:// nothing")).toEqual([{ text: "https:// nothing" }]);
  });
});
