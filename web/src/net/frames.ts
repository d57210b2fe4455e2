// Server -> client frames of the conversation socket, parsed from text.
import * as v from "valibot";
import type { ConversationServerFrame } from "../../../worker/protocol";
import { int, maybe, seq } from "../wire/common";
import { type ClientEvent, eachOf, PinSchema, RoleSchema, readEvent } from "../wire/events";
import { parseJsonFrame } from "./jsonFrame";

const errorCode = v.picklist([
  "invalid_request",
  "unauthorized",
  "invalid_credentials",
  "otp_required",
  "invalid_otp",
  "forbidden",
  "not_found",
  "conflict",
  "too_large",
  "rate_limited",
  "internal",
]);

/** A large group's read counts (issue 16): ascending seq, each "count members have read up to seq or past it". */
const ReadCountsSchema = v.array(v.object({ seq, count: seq }));

const FrameSchema = v.variant("type", [
  v.object({
    type: v.literal("welcome"),
    head: seq,
    readSeq: v.optional(seq, 0),
    members: v.optional(
      v.array(
        v.object({
          userId: v.string(),
          role: RoleSchema,
          online: v.optional(v.boolean(), false),
          // Older servers did not send it; 0 adds no "seen" marker.
          readSeq: v.optional(seq, 0),
        }),
      ),
      [],
    ),
    // Above 1,000 members `members` lists only the owner, admins and who is online; this is the total.
    memberCount: v.optional(seq),
    // Older servers had no pins.
    pins: v.optional(v.array(PinSchema), []),
    // Only in a group above 1,000 members, where receipts are counts (and others' readSeq is 0).
    readCounts: v.optional(ReadCountsSchema),
    protocol: v.literal(1),
  }),
  // Event by event: one this build cannot read becomes an unknown marker that still takes its seq.
  v.object({ type: v.literal("events"), events: eachOf(readEvent) }),
  v.object({ type: v.literal("ack"), clientId: v.string(), seq, createdAt: int }),
  v.object({ type: v.literal("typing"), userId: v.string() }),
  v.object({ type: v.literal("receipt"), userId: v.string(), seq }),
  v.object({ type: v.literal("read_counts"), counts: ReadCountsSchema }),
  v.object({
    type: v.literal("error"),
    // A code newer than this client still refuses the frame; keep the clientId.
    code: v.fallback(errorCode, "internal"),
    message: v.string(),
    clientId: maybe(v.string()),
  }),
  v.object({ type: v.literal("pong") }),
]);

/** The server's frames as this client reads them: an events frame may hold unknown markers. */
export type ServerFrame =
  | Exclude<ConversationServerFrame, { type: "events" }>
  | { type: "events"; events: ClientEvent[] };

// A server from before memberCount listed everyone, so the list's length is the total.
const ServerFrameSchema: v.GenericSchema<unknown, ServerFrame> = v.pipe(
  FrameSchema,
  v.transform((f) => (f.type === "welcome" ? { ...f, memberCount: f.memberCount ?? f.members.length } : f)),
);

/** The frame, or null for anything that is not a frame this client knows (a newer frame type is ignored). */
export function parseServerFrame(text: unknown): ServerFrame | null {
  return parseJsonFrame(ServerFrameSchema, text);
}
