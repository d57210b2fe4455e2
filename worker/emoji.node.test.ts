import { describe, expect, it } from "vitest";
import { isReactionEmoji } from "./protocol";

const ACCEPTED: [string, string][] = [
  ["thumbs up", "👍"],
  ["red heart with VS16", "❤️"],
  ["ZWJ family", "👨‍👩‍👧‍👦"],
  ["ZWJ kiss with two skin tones", "🧑🏻‍❤️‍💋‍🧑🏼"],
  ["ZWJ rainbow flag", "🏳️‍🌈"],
  ["ZWJ health worker, VS16 last", "🧑‍⚕️"],
  ["flag", "🇺🇸"],
  ["subdivision flag (tags)", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"],
  ["skin tone", "👍🏽"],
  ["text-default base with skin tone", "✌🏽"],
  ["keycap", "#️⃣"],
  ["digit keycap", "1️⃣"],
  ["copyright with VS16", "©️"],
  ["a skin-tone swatch alone", "🏽"],
  ["Unicode 14 melting face", "🫠"],
];

const REFUSED: [string, string][] = [
  ["empty", ""],
  ["text", "ok"],
  ["a prototype name", "constructor"],
  ["__proto__", "__proto__"],
  ["toString", "toString"],
  ["hasOwnProperty", "hasOwnProperty"],
  // One grapheme, but a chain of five that renders as five emoji: no RGI sequence has more than four parts.
  ["a five-part ZWJ chain", "👍\u200D👍\u200D👍\u200D👍\u200D👍"],
  ["two emoji", "👍👍"],
  ["two flags", "🇺🇸🇬🇧"],
  ["emoji then text", "👍a"],
  ["text then emoji", "a👍"],
  ["emoji with a space", "👍 "],
  ["lone high surrogate", "\uD83D"],
  ["lone low surrogate", "\uDC4D"],
  ["emoji with a lone surrogate", "👍\uD83D"],
  ["a digit", "1"],
  ["#", "#"],
  ["half a flag", "🇺"],
  ["text-default heart without VS16", "❤"],
  ["VS16 after an emoji-presentation emoji", "😀\uFE0F"],
  ["a digit with VS16 but no keycap", "1\uFE0F"],
  ["a dangling ZWJ", "😀\u200D"],
  ["ZWJ alone", "\u200D"],
  ["VS16 alone", "\uFE0F"],
  ["a skin tone joined to an emoji (two graphemes)", "🏽\u200D😀"],
  ["over the length cap", "👨‍👩‍👧‍👦".repeat(4)],
];

describe("isReactionEmoji: one emoji grapheme", () => {
  it.each(ACCEPTED)("accepts %s", (_name, emoji) => expect(isReactionEmoji(emoji)).toBe(true));
  it.each(REFUSED)("refuses %s", (_name, emoji) => expect(isReactionEmoji(emoji)).toBe(false));
});
