// Mention tokens in message text, shared by the conversation object (which
// parses the ids it keeps) and the web client (which writes and renders them).
// No cloudflare:* imports.
//
// A mention is written `@[label](u:<userId>)`: the id is the fact (it
// survives renames; the server keeps ids, never names), the label is the
// name the sender saw, a fallback for readers that cannot look the id up
// (previews, pushes, a member who left). Clients show the member's current
// name instead. The shape reads as a Markdown link, so a client that does not
// know tokens still shows something legible.

/** A token's parts: the label (no brackets, no line breaks) and the user id as ids are written. */
export const MENTION_TOKEN = /@\[([^[\]\r\n]{1,128})\]\(u:([A-Za-z0-9_-]{1,64})\)/g;

/** How long a label may be (UTF-16 units), as the pattern above accepts it. */
export const MENTION_LABEL_MAX = 128;

export interface MentionToken {
  /** Where the token starts and ends in the text (UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
  label: string;
  userId: string;
}

/** Every well-formed token, in text order. */
export function mentionTokens(text: string): MentionToken[] {
  const out: MentionToken[] = [];
  for (const m of text.matchAll(MENTION_TOKEN)) {
    const start = m.index ?? 0;
    out.push({ start, end: start + m[0].length, label: m[1] ?? "", userId: m[2] ?? "" });
  }
  return out;
}

/** The distinct user ids the text's tokens name, in order of first mention. */
export function mentionedIds(text: string): string[] {
  return [...new Set(mentionTokens(text).map((t) => t.userId))];
}

/** A cheap test before any parsing: whether the text may hold a token at all. */
export const mayMention = (text: string): boolean => text.includes("](u:");

/** The text with each token as `@label` (or `@<name>` from `nameOf`, when it knows the id): for previews and pushes. */
export function plainMentions(text: string, nameOf?: (userId: string) => string | undefined): string {
  if (!mayMention(text)) return text;
  return text.replace(MENTION_TOKEN, (_whole, label: string, userId: string) => `@${nameOf?.(userId) ?? label}`);
}

/**
 * A token for `userId` shown as `name`: brackets and line breaks, which would
 * end the label, are dropped, and the label is cut to fit the pattern.
 */
export function mentionToken(userId: string, name: string): string {
  const clean = name.replace(/[[\]\r\n]/g, "").trim();
  const chars = Array.from(clean);
  let label = "";
  for (const c of chars) {
    if (label.length + c.length > MENTION_LABEL_MAX) break;
    label += c;
  }
  return `@[${label || "?"}](u:${userId})`;
}
