// What a conversation object tells a member's inbox. No cloudflare:* imports:
// the conversation side and plain-Node tests share these types.
import type { ConversationSummary } from "../protocol";

/**
 * The member's full current summary, or that the member left/was removed.
 * `version` is `lastSeq + readSeq` of that member: both only grow and every
 * change grows one of them, so it strictly increases with each change and
 * equal versions carry equal content. The inbox keeps only newer versions,
 * which makes delivery idempotent and ordered without any extra state.
 */
export type ConversationNote =
  | { conversationId: string; version: number; summary: ConversationSummary }
  | { conversationId: string; version: number; removed: true };
