import * as v from "valibot";
import { reactionsOf, type TimelineItem } from "../chat/timeline";
import { int, seq } from "../wire/common";
import { FileRefSchema, ForwardOriginSchema, MessageKindSchema } from "../wire/events";

/**
 * The newest `limit` acked items in seq order: pending/failed ones live in the
 * outbox, not the cache; placeholders of messages this build cannot read are
 * not kept either, so the build that can read them fetches them afresh.
 */
export function newestItems(items: readonly TimelineItem[], limit: number): TimelineItem[] {
  const sent = items.filter((i) => i.seq !== null && i.status === "sent" && !i.unsupported);
  sent.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return sent.slice(Math.max(0, sent.length - limit));
}

/** A cached item as this build shows it (only acked items are cached). */
const CachedItemSchema: v.GenericSchema<unknown, TimelineItem> = v.object({
  key: v.string(),
  seq: v.pipe(seq, v.minValue(1)),
  clientId: v.nullable(v.string()),
  senderId: v.string(),
  kind: MessageKindSchema,
  text: v.nullable(v.string()),
  file: v.optional(FileRefSchema),
  replyTo: v.optional(seq),
  mentions: v.optional(v.array(v.string())),
  forwardedFrom: v.optional(ForwardOriginSchema),
  createdAt: int,
  editedAt: v.optional(int),
  deleted: v.boolean(),
  status: v.literal("sent"),
  // Reactions are a Map since issue 13; an older build cached them as a plain object.
  reactions: v.pipe(v.unknown(), v.transform(reactionsOf)),
});

/**
 * The cached items this build can show: another build (newer, or an older one
 * after a rollback) may have written kinds or shapes this one does not know.
 * Such an item is left out, not the whole cache; the socket's replay and the
 * history bring the conversation's messages again.
 */
export function readableCachedItems(cached: unknown): TimelineItem[] {
  if (!Array.isArray(cached)) return [];
  return cached.flatMap((x: unknown) => {
    const item = v.safeParse(CachedItemSchema, x);
    return item.success ? [item.output] : [];
  });
}
