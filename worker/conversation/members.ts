import { isAdminRole, type Role } from "../protocol";

/** What `Staged` tells a participant when the store's transaction ends. */
export interface TransactionParticipant {
  commit(): void;
  rollback(): void;
}

/**
 * Who is in the conversation, with their roles: in memory, because every
 * frame and every RPC asks (`has`, `get`), and a SQLite lookup per frame
 * would cost the hot path more than the map costs memory (about 8-12 MB at
 * 100,000 members: 76-113 bytes a member measured in V8, docs/scaling.md).
 *
 * A change costs its own members, not the group's size: inside a
 * transaction changes go to a small overlay (`delta`) that reads see
 * first; the log's `Staged` applies it on commit or drops it on rollback.
 * The member map is never copied or re-read per change (at 100,000 members
 * a copy was milliseconds and a re-read 100,000 SQLite rows per chunk).
 */
export class Members implements TransactionParticipant {
  private readonly committed: Map<string, Role>;
  /** The owner and the admins, which a large group's welcome lists whatever its size. */
  private readonly staffRoles = new Map<string, Role>();
  /** Changes of the open transaction (null: a removal); null when it changed no member. */
  private delta: Map<string, Role | null> | null = null;
  private stagedSize = 0;

  /** Takes `roles` over (no copy: at 100,000 members a copy is 8-12 MB more until collected). */
  constructor(roles: Map<string, Role>) {
    this.committed = roles;
    for (const [userId, role] of this.committed) if (isAdminRole(role)) this.staffRoles.set(userId, role);
  }

  get size(): number {
    return this.delta ? this.stagedSize : this.committed.size;
  }

  get(userId: string): Role | undefined {
    if (this.delta?.has(userId)) return this.delta.get(userId) ?? undefined;
    return this.committed.get(userId);
  }

  has(userId: string): boolean {
    return this.get(userId) !== undefined;
  }

  /** Only inside a transaction (the log checks that); seen at once by reads, kept if it commits. */
  put(userId: string, role: Role): void {
    const delta = this.open();
    if (!this.has(userId)) this.stagedSize += 1;
    delta.set(userId, role);
  }

  remove(userId: string): void {
    const delta = this.open();
    if (this.has(userId)) this.stagedSize -= 1;
    delta.set(userId, null);
  }

  private open(): Map<string, Role | null> {
    if (!this.delta) {
      this.delta = new Map();
      this.stagedSize = this.committed.size;
    }
    return this.delta;
  }

  commit(): void {
    const delta = this.delta;
    if (!delta) return;
    this.delta = null;
    for (const [userId, role] of delta) {
      if (role === null) this.committed.delete(userId);
      else this.committed.set(userId, role);
      if (role !== null && isAdminRole(role)) this.staffRoles.set(userId, role);
      else this.staffRoles.delete(userId);
    }
  }

  rollback(): void {
    this.delta = null;
  }

  /** Every member id: committed ones in join order, then the open transaction's new ones. */
  keys(): IterableIterator<string> {
    // Outside a transaction (the notifier's rounds over every member) the map's own iterator: no generator per id.
    return this.delta ? this.stagedKeys() : this.committed.keys();
  }

  entries(): IterableIterator<[string, Role]> {
    return this.delta ? this.stagedEntries(this.delta) : this.committed.entries();
  }

  private *stagedKeys(): IterableIterator<string> {
    for (const [userId] of this.entries()) yield userId;
  }

  private *stagedEntries(delta: Map<string, Role | null>): IterableIterator<[string, Role]> {
    for (const [userId, role] of this.committed) {
      const staged = delta.has(userId) ? delta.get(userId) : role;
      if (staged) yield [userId, staged];
    }
    for (const [userId, role] of delta) if (role !== null && !this.committed.has(userId)) yield [userId, role];
  }

  /** The owner and the admins as committed (read by `hello`, outside any transaction). */
  staff(): ReadonlyMap<string, Role> {
    return this.staffRoles;
  }
}
