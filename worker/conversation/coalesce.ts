/** At most one receipt per user per this interval reaches the other members. */
export const RECEIPT_INTERVAL_MS = 300;
/** At most one typing frame per user per this interval (a client repeats it while the user types). */
export const TYPING_INTERVAL_MS = 2000;

/** The maps are not pruned below this many entries: a small group's maps stay as they are. */
const PRUNE_MIN = 1024;

/** Drops entries older than `interval` (they would let the next frame through anyway); the next size to prune at. */
function prune(times: Map<string, number>, now: number, interval: number): number {
  for (const [userId, at] of times) if (now - at >= interval) times.delete(userId);
  return Math.max(PRUNE_MIN, times.size * 2);
}

export interface CoalesceClock {
  now(): number;
  delay(fn: () => void, ms: number): void;
}

/**
 * Receipts and typing, coalesced per user: however fast one member reads or
 * types, each other member receives at most one receipt per
 * RECEIPT_INTERVAL_MS and one typing frame per TYPING_INTERVAL_MS from them.
 * Receipts are trailing-edge: the newest seq of a window goes out at its end,
 * so the last one is never lost. Typing is leading-edge only: a dropped one
 * says nothing the sent one did not. In memory; entries are per member who
 * read or typed lately: older ones are pruned (in a group of 100,000 they
 * would otherwise grow to one per member who ever read, several MB).
 */
export class Coalescer {
  private readonly receiptAt = new Map<string, number>();
  private readonly waiting = new Map<string, number>();
  private readonly typingAt = new Map<string, number>();
  /** Sizes at which the two maps are next pruned: doubling keeps pruning O(1) per entry. */
  private pruneReceiptsAt = PRUNE_MIN;
  private pruneTypingAt = PRUNE_MIN;

  constructor(
    private readonly clock: CoalesceClock,
    private readonly emitReceipt: (userId: string, seq: number) => void,
    private readonly emitTyping: (userId: string) => void,
  ) {}

  /** Entries held, for the pruning test. */
  get size(): number {
    return this.receiptAt.size + this.typingAt.size + this.waiting.size;
  }

  /** `seq` only grows per user (the read marker does), so the newest one wins. */
  receipt(userId: string, seq: number): void {
    if (this.waiting.has(userId)) {
      this.waiting.set(userId, seq);
      return;
    }
    const now = this.clock.now();
    const since = now - (this.receiptAt.get(userId) ?? Number.NEGATIVE_INFINITY);
    if (since >= RECEIPT_INTERVAL_MS) {
      this.receiptAt.set(userId, now);
      if (this.receiptAt.size >= this.pruneReceiptsAt) {
        this.pruneReceiptsAt = prune(this.receiptAt, now, RECEIPT_INTERVAL_MS);
      }
      this.emitReceipt(userId, seq);
      return;
    }
    this.waiting.set(userId, seq);
    this.clock.delay(() => {
      const latest = this.waiting.get(userId);
      this.waiting.delete(userId);
      if (latest === undefined) return;
      this.receiptAt.set(userId, this.clock.now());
      this.emitReceipt(userId, latest);
    }, RECEIPT_INTERVAL_MS - since);
  }

  typing(userId: string): void {
    const now = this.clock.now();
    if (now - (this.typingAt.get(userId) ?? Number.NEGATIVE_INFINITY) < TYPING_INTERVAL_MS) return;
    this.typingAt.set(userId, now);
    if (this.typingAt.size >= this.pruneTypingAt) this.pruneTypingAt = prune(this.typingAt, now, TYPING_INTERVAL_MS);
    this.emitTyping(userId);
  }
}
