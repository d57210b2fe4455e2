/**
 * Members whose inbox said "nobody is reading me" (no inbox socket, no push
 * subscription): notification rounds skip them until the inbox asks for a
 * refresh (`unpark`). Kept in memory only: forgetting it (a restart) just
 * means notifying again, and the inbox parks again on the next round.
 *
 * An inbox stamps each "parked" answer and each refresh with its park epoch,
 * which grows at the start and at the end of every refresh. An answer that
 * raced a refresh carries an epoch no newer than the refresh's, so it cannot
 * park the member again once the refresh has been applied here.
 */
export class ParkedInboxes {
  private readonly parked = new Set<string>();
  private readonly refreshedAt = new Map<string, number>();

  has(userId: string): boolean {
    return this.parked.has(userId);
  }

  /** The inbox answered "parked" at `epoch`; ignored if a refresh of that epoch or later was seen. */
  park(userId: string, epoch: number): void {
    if (epoch > (this.refreshedAt.get(userId) ?? Number.NEGATIVE_INFINITY)) this.parked.add(userId);
  }

  /** The inbox asked for a refresh at `epoch`: notify it again from now on. */
  unpark(userId: string, epoch: number): void {
    this.parked.delete(userId);
    this.refreshedAt.set(userId, Math.max(epoch, this.refreshedAt.get(userId) ?? Number.NEGATIVE_INFINITY));
  }

  /** Membership changed: everyone hears it (a re-added member must not stay skipped). */
  clear(): void {
    this.parked.clear();
  }
}
