// Server -> client frames of the inbox socket (docs/protocol.md "Inbox socket"), parsed from text.
import * as v from "valibot";
import type { InboxServerFrame } from "../../../worker/protocol";
import { int, orNull } from "../wire/common";
import { FriendRequestSchema, FriendSchema, SummarySchema } from "../wire/rest";
import { parseJsonFrame } from "./jsonFrame";

const status = v.picklist(["online", "offline"]);

const InboxFrameSchema: v.GenericSchema<unknown, InboxServerFrame> = v.variant("type", [
  v.object({
    type: v.literal("welcome"),
    conversations: v.array(SummarySchema),
    friends: v.array(v.object({ userId: v.string(), status, lastSeenAt: orNull(int) })),
  }),
  v.object({ type: v.literal("conversation"), conversation: SummarySchema }),
  v.object({ type: v.literal("conversation_removed"), conversationId: v.string() }),
  v.object({ type: v.literal("presence"), userId: v.string(), status, lastSeenAt: orNull(int) }),
  v.object({ type: v.literal("friend_request"), request: FriendRequestSchema }),
  v.object({ type: v.literal("friend_added"), friend: FriendSchema }),
  v.object({ type: v.literal("friend_removed"), userId: v.string() }),
  v.object({ type: v.literal("pong") }),
]);

/** The frame, or null for anything this client does not know (a newer server's frames included). */
export function parseInboxFrame(text: unknown): InboxServerFrame | null {
  return parseJsonFrame(InboxFrameSchema, text);
}
