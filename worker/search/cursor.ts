// The global search cursor: opaque to clients, base64url of where the scan
// stopped. It arrives from outside, so decoding treats it as untrusted and
// answers null for anything it did not make (the route's 400).
import * as v from "valibot";
import type { ScanKey } from "../db/search";
import { fromBase64Url, toBase64Url } from "../ids";

/**
 * Where the next page starts: inside conversation `key` at messages below
 * seq `before`, or, when `before` is 0, with the conversation after `key`.
 * `searched` counts the conversations finished so far (for "n of total").
 */
export interface SearchCursor {
  key: ScanKey;
  before: number;
  searched: number;
}

/** Longer than any cursor this module makes (ids are at most 64 characters). */
const CURSOR_MAX = 512;
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const CursorSchema = v.tuple([count, v.pipe(v.string(), v.minLength(1), v.maxLength(128)), count, count]);

export function encodeSearchCursor(c: SearchCursor): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify([c.key.createdAt, c.key.id, c.before, c.searched])));
}

export function decodeSearchCursor(cursor: string): SearchCursor | null {
  if (cursor.length === 0 || cursor.length > CURSOR_MAX || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(fromBase64Url(cursor)));
  } catch {
    return null;
  }
  const parsed = v.safeParse(CursorSchema, raw);
  if (!parsed.success) return null;
  const [createdAt, id, before, searched] = parsed.output;
  return { key: { createdAt, id }, before, searched };
}
