// A large group's receipts and typing (issue 16): above
// `Limits.largeGroupAbove` members, per-user receipts and every typer would
// make each reader and typer cost a frame at every socket. Instead the room
// broadcasts how many members have read up to each recent seq (at most one
// frame per interval, whatever the number of readers) and a sample of the
// typers (at most `Limits.typingSampleMax` per window).
import { Limits, type ReadCount } from "../protocol";
import type { CoalesceClock } from "./coalesce";
import { TYPING_INTERVAL_MS } from "./coalesce";
import type { LogStore } from "./store";

/** At most one `read_counts` frame per this interval; the state at its end goes out (trailing), never lost. */
export const READ_COUNTS_INTERVAL_MS = 1000;

/** Whether the group is large enough for counts and samples (members as of this moment). */
export const isLargeGroup = (memberCount: number): boolean => memberCount > Limits.largeGroupAbove;

/**
 * How many members have read up to each of the newest read positions, in
 * ascending seq: entry i counts the members whose marker is at its seq or
 * past it. A seq between two entries has the count of the next entry above
 * it; one above the last entry has none; one below the first has at least
 * the first's count (exactly it when fewer than `Limits.readCountsMax` are
 * listed). Reads `Limits.readCountsMax` rows, whatever the group's size.
 */
export function readCounts(store: LogStore): ReadCount[] {
  const positions = store.readPositions(Limits.readCountsMax);
  const counts: ReadCount[] = [];
  let count = 0;
  for (const p of positions) {
    count += p.members;
    counts.push({ seq: p.seq, count });
  }
  return counts.reverse();
}

/** One emission per interval, leading and trailing: a burst of reads costs two frames. */
export class ReadCountsThrottle {
  private lastAt = Number.NEGATIVE_INFINITY;
  private waiting = false;

  constructor(
    private readonly clock: CoalesceClock,
    private readonly emit: () => void,
  ) {}

  /** A member's read marker moved. */
  changed(): void {
    if (this.waiting) return;
    const since = this.clock.now() - this.lastAt;
    if (since >= READ_COUNTS_INTERVAL_MS) {
      this.lastAt = this.clock.now();
      this.emit();
      return;
    }
    this.waiting = true;
    this.clock.delay(() => {
      this.waiting = false;
      this.lastAt = this.clock.now();
      this.emit();
    }, READ_COUNTS_INTERVAL_MS - since);
  }
}

/**
 * The typers of a large group that reach the others: the first
 * `Limits.typingSampleMax` distinct ones of each `TYPING_INTERVAL_MS` window
 * (so each at most once per window, as in a small group); the rest are
 * dropped. Holds at most that many ids.
 */
export class TypingSample {
  private windowStart = Number.NEGATIVE_INFINITY;
  private readonly typers = new Set<string>();

  constructor(private readonly now: () => number) {}

  admit(userId: string): boolean {
    const now = this.now();
    if (now - this.windowStart >= TYPING_INTERVAL_MS) {
      this.windowStart = now;
      this.typers.clear();
    }
    if (this.typers.has(userId) || this.typers.size >= Limits.typingSampleMax) return false;
    this.typers.add(userId);
    return true;
  }
}
