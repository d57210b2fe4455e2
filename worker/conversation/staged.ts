/**
 * In-memory state that follows a store's transactions: code inside a
 * transaction reads and changes a staged copy, and the committed state (what
 * everyone else reads) is replaced only once the store has committed. A
 * throw inside leaves both the store and this state as they were, and the
 * work queued with `afterCommit` (fan-out, timers, socket closes) never runs.
 */
export class Staged<S extends object> {
  private tx: { state: S; afterCommit: (() => void)[] } | null = null;

  /**
   * `participant`: state kept outside `S` that changes in place (the member
   * map, members.ts); it is told when the store committed or rolled back.
   */
  constructor(
    private committed: S,
    private readonly participant?: { commit(): void; rollback(): void },
  ) {}

  /** The staged state inside a transaction, else the committed one. */
  get current(): S {
    return this.tx?.state ?? this.committed;
  }

  get inTransaction(): boolean {
    return this.tx !== null;
  }

  /** The staged state, to change; only inside a transaction. */
  staged(): S {
    if (!this.tx) throw new Error("state changes only inside a transaction");
    return this.tx.state;
  }

  /**
   * Runs `fn` inside `transaction` (the store's); a `run` inside another
   * joins it. Do not catch inside: a caught throw would commit half a change.
   */
  run<T>(transaction: (fn: () => T) => T, fn: () => T): T {
    if (this.tx) return fn();
    const tx = { state: { ...this.committed }, afterCommit: [] as (() => void)[] };
    this.tx = tx;
    let result: T;
    try {
      result = transaction(fn);
    } catch (err) {
      this.participant?.rollback();
      throw err;
    } finally {
      this.tx = null;
    }
    this.committed = tx.state;
    this.participant?.commit();
    for (const f of tx.afterCommit) f();
    return result;
  }

  /** Runs `fn` once the current transaction has committed (never if it fails); at once outside one. */
  afterCommit(fn: () => void): void {
    if (this.tx) this.tx.afterCommit.push(fn);
    else fn();
  }
}
