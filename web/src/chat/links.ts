// Finds web links in message text. The view renders each link as an <a> whose
// text is the URL as written and whose href is that same http(s) URL; the rest
// stays text nodes. No other scheme (javascript:, data:, …) ever becomes a link.

export interface TextPiece {
  text: string;
  /** Set for a link: the URL it opens (always http: or https:). */
  href?: string;
}

// Up to whitespace or a character that cannot be in a URL as typed in chat.
const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/giu;
/** Punctuation that ends a sentence rather than the URL. */
const TRAILING = /[.,;:!?'"»”’]+$/u;

/** Drops trailing punctuation, and a closing bracket that has no opening one in the URL. */
function trimEnd(url: string): string {
  let out = url.replace(TRAILING, "");
  for (const [open, close] of [
    ["(", ")"],
    ["[", "]"],
  ] as const) {
    while (out.endsWith(close) && out.split(open).length < out.split(close).length) {
      out = out.slice(0, -1).replace(TRAILING, "");
    }
  }
  return out;
}

function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return null;
    return candidate;
  } catch {
    return null;
  }
}

export function linkify(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index ?? 0;
    const url = trimEnd(m[0]);
    const href = safeHref(url);
    if (!href) continue;
    if (start > at) pieces.push({ text: text.slice(at, start) });
    pieces.push({ text: url, href });
    at = start + url.length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}
