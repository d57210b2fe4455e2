/**
 * Members whose inbox said "nobody is reading me" (no inbox socket, no push
 * subscription; the fan-out consumer relays the answer): event flushes skip
 * them until the inbox asks for a refresh (`unpark`). Written through to the object's SQLite, so an object
 * that hibernates and wakes does not notify every idle member once more;
 * read from memory.
 *
 * An inbox stamps each "parked" answer and each refresh with its park epoch,
 * which grows at the start and at the end of every refresh. An answer that
 * raced a refresh carries an epoch no newer than the refresh's, so it cannot
 * park the member again once the refresh has been applied here.
 */
export interface ParkingRow {
  userId: string;
  parked: boolean;
  /** The epoch of the last refresh seen, or null. */
  refreshedAt: number | null;
}

export interface ParkingStore {
  rows(): ParkingRow[];
  put(row: ParkingRow): void;
}

export class ParkedInboxes {
  private readonly parked = new Set<string>();
  private readonly refreshedAt = new Map<string, number>();

  constructor(private readonly store: ParkingStore) {
    for (const r of store.rows()) {
      if (r.parked) this.parked.add(r.userId);
      if (r.refreshedAt !== null) this.refreshedAt.set(r.userId, r.refreshedAt);
    }
  }

  has(userId: string): boolean {
    return this.parked.has(userId);
  }

  /** The inbox answered "parked" at `epoch`; ignored if a refresh of that epoch or later was seen. */
  park(userId: string, epoch: number): void {
    const refreshedAt = this.refreshedAt.get(userId) ?? null;
    if (this.parked.has(userId) || (refreshedAt !== null && epoch <= refreshedAt)) return;
    this.store.put({ userId, parked: true, refreshedAt });
    this.parked.add(userId);
  }

  /** The inbox asked for a refresh at `epoch`: notify it again from now on. */
  unpark(userId: string, epoch: number): void {
    const refreshedAt = Math.max(epoch, this.refreshedAt.get(userId) ?? Number.NEGATIVE_INFINITY);
    this.parked.delete(userId);
    this.refreshedAt.set(userId, refreshedAt);
    this.store.put({ userId, parked: false, refreshedAt });
  }

  /**
   * These members joined, left or changed role: a re-added member must not
   * stay skipped. Everyone else stays parked, since a parked inbox pulls the
   * current summary (title, member count) when it is read again; so a join
   * in a 100,000-member group does not call every idle inbox once more.
   * `afterCommit` holds the in-memory part until the store's write has
   * committed with the change.
   */
  forget(userIds: Iterable<string>, afterCommit: (fn: () => void) => void = (fn) => fn()): void {
    const ids = [...userIds].filter((id) => this.parked.has(id));
    if (ids.length === 0) return;
    for (const userId of ids)
      this.store.put({ userId, parked: false, refreshedAt: this.refreshedAt.get(userId) ?? null });
    afterCommit(() => {
      for (const userId of ids) this.parked.delete(userId);
    });
  }
}

/** The object's SQLite table behind `ParkedInboxes` (created by sqlite-store's migration 0005). */
export function sqlParkingStore(sql: SqlStorage): ParkingStore {
  return {
    rows: () =>
      sql
        .exec<{ user_id: string; parked: number; refreshed_at: number | null }>(
          "SELECT user_id, parked, refreshed_at FROM inbox_parking",
        )
        .toArray()
        .map((r) => ({ userId: r.user_id, parked: r.parked === 1, refreshedAt: r.refreshed_at })),
    put: (r) => {
      sql.exec(
        `INSERT INTO inbox_parking (user_id, parked, refreshed_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET parked = excluded.parked, refreshed_at = excluded.refreshed_at`,
        r.userId,
        r.parked ? 1 : 0,
        r.refreshedAt,
      );
    },
  };
}
