// The contract's reaction rule: an `emoji` is exactly one emoji grapheme.
// Shared by the worker (frame schema, the log) and the web client (its pickers),
// so it imports nothing. Written with `u`-flag property escapes (ES2018): the
// `v` flag's \p{RGI_Emoji} would be exact, but the web build targets ES2022,
// where a `v` regex is a syntax error in older browsers.

/** UTF-16 units an emoji may take; the longest RGI sequences (kiss with two skin tones, subdivision flags) take 15-16. */
export const EMOJI_MAX_UNITS = 32;

// A pictograph that is an emoji: Extended_Pictographic alone also covers unassigned
// code points reserved for future emoji; Emoji alone also covers the digits, # and *.
const PICT = String.raw`(?=\p{Emoji})\p{Extended_Pictographic}`;
const TONED = String.raw`\p{Emoji_Modifier_Base}\p{Emoji_Modifier}`;
/** One emoji on its own: emoji presentation (a lone regional indicator is half a flag), a toned base, or a text-default emoji with VS16. */
const SINGLE = String.raw`(?!\p{Regional_Indicator})\p{Emoji_Presentation}|${TONED}|(?![0-9#*]|\p{Emoji_Presentation})\p{Emoji}\uFE0F`;
/** A part of a ZWJ sequence: always a pictograph, so the whole sequence is one grapheme (UAX #29, GB11). */
const ZWJ_PART = String.raw`${TONED}|${PICT}\uFE0F?`;
const ALTERNATIVES = [
  String.raw`\p{Regional_Indicator}{2}`, // a flag
  String.raw`[0-9#*]\uFE0F\u20E3`, // a keycap
  String.raw`\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}`, // a subdivision flag (tag sequence)
  String.raw`(?:${ZWJ_PART})(?:\u200D(?:${ZWJ_PART})){1,3}`, // a ZWJ sequence of 2-4 parts (the longest RGI ones: families, kisses)
  SINGLE,
];
const EMOJI = new RegExp(`^(?:${ALTERNATIVES.map((a) => `(?:${a})`).join("|")})$`, "u");

// Built on first use: the web client only checks its fixed picker lists (in tests),
// and older browsers it supports lack Intl.Segmenter.
let graphemes: Intl.Segmenter | null = null;
function graphemeCount(s: string): number {
  graphemes ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  let n = 0;
  for (const _ of graphemes.segment(s)) n++;
  return n;
}

/**
 * Whether `s` is exactly one emoji grapheme: a fully qualified emoji, a
 * skin-toned one, a ZWJ sequence, a flag, a keycap or a tag sequence.
 * Text, two emoji, an emoji with text, lone surrogates and the empty
 * string are not. The grapheme count is a second, independent check of
 * the pattern's "one".
 */
export function isReactionEmoji(s: string): boolean {
  return s.length > 0 && s.length <= EMOJI_MAX_UNITS && EMOJI.test(s) && graphemeCount(s) === 1;
}
