/** Keys kept in memory at most, across senders; past it the least recently used sender is dropped. */
export const CLIENT_IDS_MAX = 50_000;
/** A sender with more stored clientIds than this is not cached: SQLite answers each check. */
export const CLIENT_IDS_PER_SENDER_MAX = 5_000;

/**
 * Which clientIds each sender has used, so the idempotency pre-check can say
 * "never seen" without a SQLite read on every change. A sender's set is
 * complete or absent: it is loaded from SQLite in full (on its first check
 * after a wake) and then follows every append in the same turn. Only a
 * "no" is answered from memory; a "yes" (a retry) still reads the stored
 * event, whose body may have been rewritten since (erasure).
 */
export class ClientIdCache {
  /** Map order is recency: a sender is re-inserted on every use. */
  private readonly bySender = new Map<string, Set<string>>();
  /** Senders found too large to cache, until the object restarts. */
  private readonly uncached = new Set<string>();
  private size = 0;

  constructor(
    /** Every clientId the sender has stored, or null when there are more than `limit`. */
    private readonly load: (senderId: string, limit: number) => string[] | null,
    private readonly maxKeys = CLIENT_IDS_MAX,
    private readonly perSenderMax = CLIENT_IDS_PER_SENDER_MAX,
  ) {}

  /** false: the pair is certainly not stored; true: it may be (ask SQLite). */
  mayHave(senderId: string, clientId: string): boolean {
    const set = this.setOf(senderId);
    return set === null || set.has(clientId);
  }

  /** Called after the event row is written, in the same synchronous step. */
  added(senderId: string, clientId: string): void {
    const set = this.bySender.get(senderId);
    // An absent sender is loaded in full from SQLite on its next check, this key included.
    if (!set || set.has(clientId)) return;
    if (set.size >= this.perSenderMax) {
      this.drop(senderId);
      this.uncached.add(senderId);
      return;
    }
    set.add(clientId);
    this.size += 1;
    this.trim();
  }

  private setOf(senderId: string): Set<string> | null {
    if (this.uncached.has(senderId)) return null;
    const known = this.bySender.get(senderId);
    if (known) {
      this.bySender.delete(senderId);
      this.bySender.set(senderId, known);
      return known;
    }
    const ids = this.load(senderId, this.perSenderMax);
    if (ids === null) {
      this.uncached.add(senderId);
      return null;
    }
    const set = new Set(ids);
    this.bySender.set(senderId, set);
    this.size += set.size;
    this.trim();
    return this.bySender.get(senderId) ?? null;
  }

  private drop(senderId: string): void {
    const set = this.bySender.get(senderId);
    if (!set) return;
    this.size -= set.size;
    this.bySender.delete(senderId);
  }

  /** Drops least recently used senders (never the one just used, which is last) while over the cap. */
  private trim(): void {
    while (this.size > this.maxKeys && this.bySender.size > 1) {
      const oldest = this.bySender.keys().next().value;
      if (oldest === undefined) return;
      this.drop(oldest);
    }
  }
}
