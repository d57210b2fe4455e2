import { describe, expect, it } from "vitest";
import { AVATAR_COLORS, avatarColor, initialsOf } from "./avatarLook";

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrastWithWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

describe("avatarColor", () => {
  it("is the same colour for the same id, every time", () => {
    expect(avatarColor("usr_abc")).toBe(avatarColor("usr_abc"));
    expect(AVATAR_COLORS).toContain(avatarColor("usr_abc"));
    // Pinned: a change of the hash would repaint everyone's initials.
    expect(avatarColor("usr_AAAAAAAAAAAAAAAAAAAAAA")).toBe("#15803d");
    expect(avatarColor("usr_alice")).toBe("#be185d");
    expect(avatarColor("")).toBe(AVATAR_COLORS[0x811c9dc5 % AVATAR_COLORS.length]);
  });

  it("spreads ids over the whole palette", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(avatarColor(`usr_${i.toString(36)}`));
    expect(seen.size).toBe(AVATAR_COLORS.length);
  });

  it("gives white initials at least 4.5:1 on every colour", () => {
    for (const c of AVATAR_COLORS) expect(contrastWithWhite(c), c).toBeGreaterThanOrEqual(4.5);
  });
});

describe("initialsOf", () => {
  it("takes the first and last word's first letter, upper-cased", () => {
    expect(initialsOf("Ada Lovelace")).toBe("AL");
    expect(initialsOf("  grace   brewster murray hopper ")).toBe("GH");
    expect(initialsOf("grace")).toBe("G");
    expect(initialsOf("élodie")).toBe("É");
  });

  it("keeps whole characters: CJK, emoji sequences, combining marks", () => {
    expect(initialsOf("张伟")).toBe("张");
    expect(initialsOf("👩‍💻 dev")).toBe("👩‍💻D");
    expect(initialsOf("e\u0301mile")).toBe("E\u0301");
    expect(initialsOf("𝒜da")).toBe("𝒜");
  });

  it("has something to show for an empty name", () => {
    expect(initialsOf("")).toBe("?");
    expect(initialsOf("   ")).toBe("?");
  });
});
