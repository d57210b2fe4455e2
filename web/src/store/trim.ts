import type { TimelineItem } from "../chat/timeline";

/** The newest `limit` acked items in seq order: pending/failed ones live in the outbox, not the cache. */
export function newestItems(items: readonly TimelineItem[], limit: number): TimelineItem[] {
  const sent = items.filter((i) => i.seq !== null && i.status === "sent");
  sent.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return sent.slice(Math.max(0, sent.length - limit));
}
