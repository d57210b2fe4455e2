// Rows of the object's SQLite as the log store reads them, and their mapping
// to the wire's `Message`.
import type { FileRef, ForwardOrigin, Message, MessageKind } from "../protocol";

export type MessageRow = {
  seq: number;
  sender_id: string;
  client_id: string | null;
  kind: string;
  text: string | null;
  file_json: string | null;
  reply_to: number | null;
  created_at: number;
  edited_at: number | null;
  deleted: number;
  reactions_json: string;
  mentions_json: string | null;
  forwarded_json: string | null;
};

export const MESSAGE_COLUMNS =
  "seq, sender_id, client_id, kind, text, file_json, reply_to, created_at, edited_at, deleted, reactions_json, mentions_json, forwarded_json";
/** The same columns qualified, for the search join. */
export const MESSAGE_COLUMNS_M = MESSAGE_COLUMNS.split(", ")
  .map((c) => `m.${c}`)
  .join(", ");
/** A `StoredEvent` as SQLite returns it, so rows need no mapping. */
export const EVENT_COLUMNS = "seq, created_at AS createdAt, body";
// A type alias (not the interface) so it fits `exec`'s row constraint.
export type EventRow = { seq: number; createdAt: number; body: string };

/**
 * Stored reactions, checked field by field. The keys are user strings (emoji):
 * `fromEntries` defines each as an own data property (`__proto__` included),
 * and no code looks one up on the object (the fold reads it into a Map). It
 * stays a plain object because RPC cannot carry an object without a prototype.
 */
function parseReactions(json: string): Message["reactions"] {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== "object" || parsed === null) return {};
  // biome-ignore lint/plugin: the wire's shape, own data properties only; nothing indexes it by a key.
  return Object.fromEntries(
    Object.entries(parsed).flatMap(([emoji, users]: [string, unknown]) =>
      Array.isArray(users) ? [[emoji, users.filter((u): u is string => typeof u === "string")]] : [],
    ),
  );
}

// Rows below are written only by this module, so their JSON columns are trusted.
export function toMessage(r: MessageRow): Message {
  const m: Message = {
    seq: r.seq,
    senderId: r.sender_id,
    clientId: r.client_id,
    kind: r.kind as MessageKind,
    text: r.text,
    createdAt: r.created_at,
    reactions: parseReactions(r.reactions_json),
  };
  if (r.file_json !== null) m.file = JSON.parse(r.file_json) as FileRef;
  if (r.reply_to !== null) m.replyTo = r.reply_to;
  if (r.mentions_json !== null) m.mentions = JSON.parse(r.mentions_json) as string[];
  if (r.forwarded_json !== null) m.forwardedFrom = JSON.parse(r.forwarded_json) as ForwardOrigin;
  if (r.edited_at !== null) m.editedAt = r.edited_at;
  if (r.deleted) m.deleted = true;
  return m;
}
