// The member list's paging cursor: opaque to clients, base64url of the
// conversation id and the last member's sort key. It arrives from outside, so
// decoding treats it as untrusted and answers null for anything it did not make.
import * as v from "valibot";
import { fromBase64Url, toBase64Url } from "../ids";

/** Members are ordered by join time, then user id: stable while members come and go. */
export interface MemberKey {
  joinedAt: number;
  userId: string;
}

/** Longer than any cursor this module makes (ids are at most 64 characters). */
const CURSOR_MAX = 512;

const CursorSchema = v.tuple([
  v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
]);

export function encodeMemberCursor(conversationId: string, key: MemberKey): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify([conversationId, key.joinedAt, key.userId])));
}

/**
 * The key a cursor of this conversation carries; null for a malformed cursor
 * or one made for another conversation (both are the client's mistake: 400).
 */
export function decodeMemberCursor(conversationId: string, cursor: string): MemberKey | null {
  if (cursor.length === 0 || cursor.length > CURSOR_MAX || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(fromBase64Url(cursor)));
  } catch {
    return null;
  }
  const parsed = v.safeParse(CursorSchema, raw);
  if (!parsed.success) return null;
  const [id, joinedAt, userId] = parsed.output;
  return id === conversationId ? { joinedAt, userId } : null;
}
