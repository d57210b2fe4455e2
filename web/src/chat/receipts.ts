// "Seen" markers from other members' read positions (receipt frames).
import type { TimelineItem } from "./timeline";

/** User id -> read seq. A Map: user ids come from the wire, and a plain object would answer prototype names. */
export type ReadMarkers = ReadonlyMap<string, number>;

/** Moves a member's marker forward only (receipts may arrive late or twice). */
export function withReceipt(markers: ReadMarkers, userId: string, seq: number): ReadMarkers {
  return (markers.get(userId) ?? 0) >= seq ? markers : new Map(markers).set(userId, seq);
}

/**
 * The newest message of `selfId` that the server has, and who else has read
 * up to it (or past it). Null when there is no such message or nobody has.
 */
export function seenBy(
  items: TimelineItem[],
  markers: ReadMarkers,
  selfId: string,
): { seq: number; userIds: string[] } | null {
  let last: TimelineItem | undefined;
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i];
    if (item && item.senderId === selfId && item.seq !== null) {
      last = item;
      break;
    }
  }
  if (!last || last.seq === null) return null;
  const seq = last.seq;
  const userIds = [...markers]
    .filter(([userId, read]) => userId !== selfId && read >= seq)
    .map(([userId]) => userId)
    .sort();
  return userIds.length > 0 ? { seq, userIds } : null;
}
