import { IdlePruner } from "./idle-pruner";

/** At most one receipt per user per this interval reaches the other members. */
export const RECEIPT_INTERVAL_MS = 300;
/** At most one typing frame per user per this interval (a client repeats it while the user types). */
export const TYPING_INTERVAL_MS = 2000;

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
  private readonly receiptPruner = new IdlePruner();
  private readonly typingPruner = new IdlePruner();

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
      // An entry older than the interval lets the next receipt through, as a missing one does.
      this.receiptPruner.after(this.receiptAt, (at) => now - at >= RECEIPT_INTERVAL_MS);
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
    this.typingPruner.after(this.typingAt, (at) => now - at >= TYPING_INTERVAL_MS);
    this.emitTyping(userId);
  }
}
