import type { ConversationSummary } from "../protocol";
import type { PushPayload } from "../push/payload";

/**
 * At most one push per conversation per user in this window. A message that
 * arrives inside it is held, and when the window ends one push goes out with
 * the conversation's newest message (if still unread and the user still has
 * no inbox socket): phones show one notification per burst, not one per line.
 */
export const PUSH_COALESCE_MS = 5000;

/**
 * The Web Push payload for a summary that brings a new message from someone
 * else which is still unread, or null. `notifiedSeq` is the newest message
 * the user was already told about (in an earlier summary or push), so a read,
 * an edit or a repeated delivery never notifies twice. A summary the user
 * muted (`muted`, laid over by the inbox) notifies only for a new message
 * that mentions the user (`lastMentionSeq` past what was told): unread still
 * counts. An edit that adds a mention names an older message, so it never
 * notifies, muted or not.
 */
export function pushPayloadFor(userId: string, next: ConversationSummary, notifiedSeq: number): PushPayload | null {
  const last = next.lastMessage;
  if (!last || last.senderId === userId || next.unread === 0) return null;
  if (last.seq <= notifiedSeq) return null;
  if (next.muted && (next.lastMentionSeq ?? 0) <= notifiedSeq) return null;
  const title = next.kind === "dm" ? (next.peer?.displayName ?? "New message") : (next.title ?? "New message");
  return { conversationId: next.id, seq: last.seq, title, body: last.preview || "New message" };
}

/** What to do with a push for a conversation whose last push left at `sentAt` (null: never). */
export function pushTiming(
  sentAt: number | null,
  heldUntil: number | null,
  now: number,
): { send: true } | { send: false; holdUntil: number | null } {
  if (sentAt === null || now - sentAt >= PUSH_COALESCE_MS) return { send: true };
  // Already held: the held push will carry this message too (it reads the newest summary).
  return { send: false, holdUntil: heldUntil === null ? sentAt + PUSH_COALESCE_MS : null };
}
