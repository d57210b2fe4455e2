// Turns what a page says in its <head> into plain, bounded text. The result
// only ever reaches text nodes (never innerHTML), so decoding entities here
// cannot inject markup; it only undoes the page's own escaping.
import { UNSAFE_NAME_CHARS } from "../protocol";

const NAMED = new Map([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
  ["nbsp", " "],
]);

/** HTMLRewriter hands attribute values and text as written, entities and all. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED.get(ref.toLowerCase()) ?? whole;
    const code = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    // Surrogates and out-of-range points are not characters.
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) return "\uFFFD";
    return String.fromCodePoint(code);
  });
}

const UNSAFE = new RegExp(UNSAFE_NAME_CHARS.source, "gu");

/**
 * Entities decoded, controls and bidi overrides dropped (a title must not
 * reorder the text around it), whitespace collapsed, at most `max` code points.
 */
export function cleanText(raw: string, max: number): string | undefined {
  const text = decodeEntities(raw).replace(/\s+/gu, " ").replace(UNSAFE, "").trim();
  if (!text) return undefined;
  const points = Array.from(text);
  return points.length <= max
    ? text
    : `${points
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}
