// Parsers for the log's events and folded messages: whatever arrives is
// `unknown` until one of these turns it into the protocol's types.
import * as v from "valibot";
import type { ConversationEvent, FileRef, ForwardOrigin, Message, Pin } from "../../../worker/protocol";
import { int, maybe, orNull, seq } from "./common";

const messageKind = v.picklist(["text", "file", "image", "audio", "video", "system"]);
const role = v.picklist(["owner", "admin", "member"]);

export const FileRefSchema: v.GenericSchema<unknown, FileRef> = v.object({
  id: v.string(),
  name: v.string(),
  size: int,
  contentType: v.string(),
});

/** Whom a message mentions (ids the server kept). */
const mentionIds = v.array(v.string());
/** Who wrote a forwarded message's original, and when (never where). */
export const ForwardOriginSchema: v.GenericSchema<unknown, ForwardOrigin> = v.object({
  senderId: v.string(),
  name: v.string(),
  createdAt: int,
});

export const PinSchema: v.GenericSchema<unknown, Pin> = v.object({ seq, pinnedBy: v.string(), pinnedAt: int });

const base = {
  seq,
  conversationId: v.string(),
  senderId: v.string(),
  clientId: maybe(v.string()),
  createdAt: int,
};

export const EventSchema: v.GenericSchema<unknown, ConversationEvent> = v.variant("type", [
  v.object({
    ...base,
    type: v.literal("message"),
    kind: messageKind,
    text: maybe(v.string()),
    fileId: maybe(v.string()),
    file: maybe(FileRefSchema),
    replyTo: maybe(seq),
    mentions: maybe(mentionIds),
    forwardedFrom: maybe(ForwardOriginSchema),
  }),
  // `text` is erased from stored edits once their message is deleted.
  v.object({ ...base, type: v.literal("edit"), target: seq, text: maybe(v.string()), mentions: maybe(mentionIds) }),
  v.object({ ...base, type: v.literal("delete"), target: seq }),
  v.object({ ...base, type: v.literal("reaction"), target: seq, emoji: v.string(), on: v.boolean() }),
  v.object({ ...base, type: v.literal("pin"), target: seq, on: v.boolean() }),
  v.object({
    ...base,
    type: v.literal("member"),
    action: v.picklist(["created", "added", "removed", "left", "role", "renamed"]),
    userIds: v.array(v.string()),
    role: maybe(role),
    title: maybe(v.string()),
  }),
]);

/**
 * Emoji -> user ids, every own key kept. Not `v.record`, which silently drops
 * "__proto__", "constructor" and "prototype"; the timeline reads this object
 * only through `reactionsOf` (own entries into a Map).
 */
const reactions = v.custom<Message["reactions"]>(
  (x) =>
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    Object.values(x).every((users) => Array.isArray(users) && users.every((u) => typeof u === "string")),
  "reactions must map each emoji to a list of user ids",
);

export const MessageSchema: v.GenericSchema<unknown, Message> = v.object({
  seq,
  senderId: v.string(),
  clientId: orNull(v.string()),
  kind: messageKind,
  text: orNull(v.string()),
  file: maybe(FileRefSchema),
  replyTo: maybe(seq),
  mentions: maybe(mentionIds),
  forwardedFrom: maybe(ForwardOriginSchema),
  createdAt: int,
  editedAt: maybe(int),
  deleted: v.pipe(
    v.optional(v.nullable(v.boolean())),
    v.transform((d): true | undefined => (d ? true : undefined)),
  ),
  reactions: v.optional(reactions, {}),
});

/**
 * An event this build cannot read: a type a newer server added (as `pin` once
 * was), or a known type in a shape this build does not know (a new message
 * kind). Client-only, never on the wire. It keeps its seq, so the run of
 * events stays gap-free (no `sync` loop), and changes nothing, except that a
 * `message` shows as "needs a newer version" (timeline.ts).
 */
export interface UnknownEvent {
  type: "unknown";
  seq: number;
  /** The `type` the server sent. */
  wireType: string;
  senderId?: string;
  createdAt?: number;
}
export type ClientEvent = ConversationEvent | UnknownEvent;

/** A folded message this build cannot read (a newer kind, or a malformed one): shown as a placeholder. */
export interface UnsupportedMessage {
  seq: number;
  unsupported: true;
  senderId: string;
  createdAt: number;
}
export type ClientMessage = Message | UnsupportedMessage;

const positiveSeq = v.pipe(v.number(), v.integer(), v.minValue(1));
/** What every entry of the log has, whatever its type: where it stands, who wrote it and when. */
const PlaceSchema = v.object({
  seq: positiveSeq,
  type: v.optional(v.string()),
  senderId: v.optional(v.string()),
  createdAt: v.optional(int),
});

/** One event, its unknown marker, or null for an entry with no place in the log (no seq, or no type). */
export function readEvent(x: unknown): ClientEvent | null {
  const known = v.safeParse(EventSchema, x);
  if (known.success) return known.output;
  const place = v.safeParse(PlaceSchema, x);
  if (!place.success || place.output.type === undefined) return null;
  const { seq, type, senderId, createdAt } = place.output;
  return {
    type: "unknown",
    seq,
    wireType: type,
    ...(senderId === undefined ? {} : { senderId }),
    ...(createdAt === undefined ? {} : { createdAt }),
  };
}

/** One folded message, its placeholder, or null when it cannot even be placed (no seq, sender or time). */
export function readMessage(x: unknown): ClientMessage | null {
  const known = v.safeParse(MessageSchema, x);
  if (known.success) return known.output;
  const place = v.safeParse(PlaceSchema, x);
  if (!place.success) return null;
  const { seq, senderId, createdAt } = place.output;
  if (senderId === undefined || createdAt === undefined) return null;
  return { seq, unsupported: true, senderId, createdAt };
}

/**
 * A list whose entries are read one by one: the list itself must be an array
 * (else the whole answer is refused), an entry `read` cannot use is left out.
 */
export const eachOf = <T>(read: (x: unknown) => T | null) =>
  v.pipe(
    v.array(v.unknown()),
    v.transform((xs) => xs.flatMap((x) => read(x) ?? [])),
  );

export const RoleSchema = role;
export const MessageKindSchema = messageKind;
