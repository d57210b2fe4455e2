// Mentions in the web client, pure (unit-tested in Node). The wire carries
// tokens `@[label](u:<id>)` (worker/shared/mentions.ts); people never see
// one. The composer's box shows `@Name` and remembers which member each
// `@Name` it inserted stands for; sending turns those back into tokens.
// Messages show each token as the member's current name.
import { MENTION_TOKEN, mentionToken } from "../../../worker/shared/mentions";

export interface TextPart {
  text: string;
  /** Set for a mention: whom it names (`text` is then the token's label). */
  userId?: string;
}

/** The text as plain parts and mentions, in order; never HTML. */
export function mentionParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of text.matchAll(MENTION_TOKEN)) {
    const start = m.index ?? 0;
    if (start > at) parts.push({ text: text.slice(at, start) });
    parts.push({ text: m[1] ?? "", userId: m[2] ?? "" });
    at = start + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** One `@Name` the composer inserted, and whom it names. */
export interface Picked {
  userId: string;
  name: string;
}

/** Where a name ends: not followed by a letter, digit or underscore (`@Bob` is not in `@Bobby`). */
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * The box's text with each inserted `@Name` as a token: the picks are matched
 * in order to the `@Name` occurrences, left to right, so two mentions of one
 * name both count. A pick whose `@Name` was edited away names nobody: the
 * text then says what the person sees.
 */
export function toWire(display: string, picked: readonly Picked[]): string {
  const found: { start: number; end: number; token: string }[] = [];
  const taken = (start: number, end: number) => found.some((f) => start < f.end && f.start < end);
  for (const p of picked) {
    const needle = `@${p.name}`;
    for (let i = display.indexOf(needle); i !== -1; i = display.indexOf(needle, i + 1)) {
      const end = i + needle.length;
      if (taken(i, end) || WORD_CHAR.test(display[end] ?? "")) continue;
      found.push({ start: i, end, token: mentionToken(p.userId, p.name) });
      break;
    }
  }
  found.sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const f of found) {
    out += display.slice(at, f.start) + f.token;
    at = f.end;
  }
  return out + display.slice(at);
}

/** The reverse, for editing a sent message: tokens become `@Name` (current names) and picks. */
export function toDisplay(
  wire: string,
  nameOf: (userId: string) => string | undefined,
): {
  text: string;
  picked: Picked[];
} {
  const picked: Picked[] = [];
  const text = mentionParts(wire)
    .map((p) => {
      if (p.userId === undefined) return p.text;
      const name = nameOf(p.userId) ?? p.text;
      picked.push({ userId: p.userId, name });
      return `@${name}`;
    })
    .join("");
  return { text, picked };
}

/** Tokens as `@Name`, for a quote, a notice or a search result. */
export const plainText = (text: string, nameOf: (userId: string) => string | undefined): string =>
  toDisplay(text, nameOf).text;

/**
 * The `@query` being typed at the caret: an `@` at the start or after a
 * space or an opening bracket, then up to 32 characters with no space or `@`.
 */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|[\s([{"'])@([^\s@]{0,32})$/u.exec(before);
  if (!m) return null;
  return { start: caret - (m[2]?.length ?? 0) - 1, query: m[2] ?? "" };
}

export interface Candidate {
  id: string;
  username: string;
  displayName: string;
}

/**
 * Members matching `query`, best first: a display name or username that
 * starts with it, then a later word of the display name that does. Case and
 * accents are ignored. At most `limit`.
 */
export function matchMembers(candidates: readonly Candidate[], query: string, limit = 8): Candidate[] {
  const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
  const q = fold(query);
  const rank = (c: Candidate): number => {
    const name = fold(c.displayName);
    if (name.startsWith(q) || fold(c.username).startsWith(q)) return 0;
    if (name.split(/\s+/).some((w) => w.startsWith(q))) return 1;
    return -1;
  };
  return candidates
    .map((c) => ({ c, r: rank(c) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || a.c.displayName.localeCompare(b.c.displayName))
    .slice(0, limit)
    .map((x) => x.c);
}
