// "Seen" markers from other members' read positions: per member (receipt
// frames) in a small group, counts (read_counts frames) in a large one.
import { Limits, type ReadCount } from "../../../worker/protocol";
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
  const seq = lastOwnSeq(items, selfId);
  if (seq === null) return null;
  const userIds = [...markers]
    .filter(([userId, read]) => userId !== selfId && read >= seq)
    .map(([userId]) => userId)
    .sort();
  return userIds.length > 0 ? { seq, userIds } : null;
}

/** The seq of the newest message of `selfId` that the server has. */
function lastOwnSeq(items: TimelineItem[], selfId: string): number | null {
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i];
    if (item && item.senderId === selfId && item.seq !== null) return item.seq;
  }
  return null;
}

/**
 * A large group's "seen": how many others have read up to my newest sent
 * message. `counts` (ascending seq) lists the newest read positions with how
 * many members are there or past it, so my message's count is that of the
 * first position at or after it, less me when my own marker (`ownRead`) is
 * past it. A message older than every listed position, with the list full,
 * has at least the first position's count (`atLeast`). Null when nobody else has.
 */
export function seenCount(
  items: TimelineItem[],
  counts: readonly ReadCount[],
  selfId: string,
  ownRead: number,
): { seq: number; count: number; atLeast: boolean } | null {
  const seq = lastOwnSeq(items, selfId);
  const at = seq === null ? undefined : counts.find((c) => c.seq >= seq);
  if (seq === null || !at) return null;
  const atLeast = seq < (counts[0]?.seq ?? 0) && counts.length >= Limits.readCountsMax;
  // Am I among those counted at `at`? (With the list exact, being past my message means being there.)
  const count = at.count - (ownRead >= (atLeast ? at.seq : seq) ? 1 : 0);
  return count > 0 ? { seq, count, atLeast } : null;
}
