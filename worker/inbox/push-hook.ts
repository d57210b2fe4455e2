import type { ConversationSummary } from "../protocol";
import type { PushPayload } from "../push/payload";

/**
 * The Web Push payload for a summary that brings a new message from someone
 * else which is still unread, or null. `previous` is what the inbox had, so a
 * read, an edit or a repeated delivery never notifies twice.
 */
export function pushPayloadFor(
  userId: string,
  next: ConversationSummary,
  previous: ConversationSummary | null,
): PushPayload | null {
  const last = next.lastMessage;
  if (!last || last.senderId === userId || next.unread === 0) return null;
  if (last.seq <= (previous?.lastMessage?.seq ?? 0)) return null;
  const title = next.kind === "dm" ? (next.peer?.displayName ?? "New message") : (next.title ?? "New message");
  return { conversationId: next.id, seq: last.seq, title, body: last.preview || "New message" };
}
