/** Maps below this many entries are never pruned: a small group's stay as they are. */
export const PRUNE_MIN = 1024;

/**
 * Per-user state kept in memory that matters only while the user is active
 * (a rate bucket, a coalescing timestamp): an entry that says no more than
 * a missing one would (a full bucket, an old timestamp) is dropped whenever
 * the map has doubled since the last prune. So the map holds the users
 * active lately, not every member of a 100,000-member group who ever sent,
 * read, typed or replayed (several MB each), at O(1) amortised per insert.
 */
export class IdlePruner {
  private next = PRUNE_MIN;

  /** Call after inserting into `map`; `idle(v)` says the entry may go. */
  after<K, V>(map: Map<K, V>, idle: (v: V) => boolean): void {
    if (map.size < this.next) return;
    for (const [k, v] of map) if (idle(v)) map.delete(k);
    this.next = Math.max(PRUNE_MIN, map.size * 2);
  }
}
