// Splits text into plain and matched pieces for search results: the view
// renders matches as <mark> elements and the rest as text nodes (never HTML).

export interface Piece {
  text: string;
  match: boolean;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The query's words, longest first so a longer word wins where two overlap. */
export function queryWords(query: string): string[] {
  const words = query
    .split(/\s+/)
    .map((w) => w.replace(/^["'(]+|["')*]+$/g, ""))
    .filter((w) => w.length > 0);
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

export function highlight(text: string, query: string): Piece[] {
  const words = queryWords(query);
  if (words.length === 0 || text.length === 0) return text.length > 0 ? [{ text, match: false }] : [];
  const pattern = new RegExp(words.map(escapeRegex).join("|"), "giu");
  const pieces: Piece[] = [];
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    const start = m.index ?? 0;
    if (start > at) pieces.push({ text: text.slice(at, start), match: false });
    pieces.push({ text: m[0], match: true });
    at = start + m[0].length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), match: false });
  return pieces;
}
