import { IdlePruner } from "./idle-pruner";

export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Token buckets keyed by user. In memory on purpose: losing them when the
 * object hibernates only forgives a few sends, and keeps the hot path free
 * of storage writes.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly pruner = new IdlePruner();

  constructor(public limit: RateLimit) {}

  /** Buckets held (the pruning test reads it). */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Whether `reserved + 1` takes would succeed now, taking nothing: a lookup
   * before a change is spared when the change would be refused anyway.
   */
  has(key: string, now: number, reserved = 0): boolean {
    const b = this.buckets.get(key);
    const tokens = b === undefined ? this.limit.burst : b.tokens + ((now - b.at) / 1000) * this.limit.perSecond;
    return Math.min(this.limit.burst, tokens) >= reserved + 1;
  }

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    const refilled = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
    if (refilled < 1) {
      this.buckets.set(key, { tokens: refilled, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: refilled - 1, at: now });
    // A bucket that has refilled is what a missing one is: a group's past senders need no entry.
    const { burst, perSecond } = this.limit;
    this.pruner.after(this.buckets, (v) => v.tokens + ((now - v.at) / 1000) * perSecond >= burst);
    return true;
  }
}
