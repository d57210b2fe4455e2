import type { Message, Pin, Role } from "../protocol";
import type { AppendedEvent, LogStore, MentionCount, ReadPosition, RoomMeta, StoredEvent } from "./store";

function restore<K, V>(target: Map<K, V>, saved: Map<K, V>): void {
  target.clear();
  for (const [k, v] of saved) target.set(k, v);
}

/** The `StoredEvent` part only, as SQLite returns it (store.contract.ts holds both to that). */
const stored = (e: StoredEvent): StoredEvent => ({ seq: e.seq, createdAt: e.createdAt, body: e.body });

/** In-memory `LogStore` with the SQLite one's semantics, for plain-Node tests; store.contract.ts holds it to the same behaviour. */
export class MemoryLogStore implements LogStore {
  private meta: RoomMeta | null = null;
  private readonly memberRoles = new Map<string, { role: Role; joinedAt: number }>();
  readonly events: AppendedEvent[] = [];
  private readonly byClientId = new Map<string, AppendedEvent>();
  private readonly messages = new Map<number, Message>();
  private readonly indexed = new Map<number, string>();
  private readonly reads = new Map<string, number>();
  private readonly reclaim = new Map<string, number>();
  /** Message seq -> whom it mentions (the SQLite store's `mentions` rows). */
  private readonly mentionRows = new Map<number, readonly string[]>();
  private readonly pinned = new Map<number, Pin>();

  /** A savepoint: a throw restores every table as it was (rows are never changed in place, so shallow copies do). */
  transaction<T>(fn: () => T): T {
    const saved = {
      meta: this.meta,
      memberRoles: new Map(this.memberRoles),
      events: [...this.events],
      byClientId: new Map(this.byClientId),
      messages: new Map(this.messages),
      indexed: new Map(this.indexed),
      reads: new Map(this.reads),
      reclaim: new Map(this.reclaim),
      mentionRows: new Map(this.mentionRows),
      pinned: new Map(this.pinned),
    };
    try {
      return fn();
    } catch (err) {
      this.meta = saved.meta;
      this.events.splice(0, this.events.length, ...saved.events);
      restore(this.memberRoles, saved.memberRoles);
      restore(this.byClientId, saved.byClientId);
      restore(this.messages, saved.messages);
      restore(this.indexed, saved.indexed);
      restore(this.reads, saved.reads);
      restore(this.reclaim, saved.reclaim);
      restore(this.mentionRows, saved.mentionRows);
      restore(this.pinned, saved.pinned);
      throw err;
    }
  }

  getMeta(): RoomMeta | null {
    return this.meta;
  }
  setMeta(meta: RoomMeta): void {
    this.meta = meta;
  }
  members(): Map<string, Role> {
    return new Map([...this.memberRoles].map(([id, m]) => [id, m.role]));
  }
  putMember(userId: string, role: Role, joinedAt: number): void {
    this.memberRoles.set(userId, { role, joinedAt: this.memberRoles.get(userId)?.joinedAt ?? joinedAt });
  }
  removeMember(userId: string): void {
    this.memberRoles.delete(userId);
  }
  successor(): string | null {
    const rank = (r: Role) => (r === "admin" ? 0 : 1);
    const candidates = [...this.memberRoles]
      .filter(([, m]) => m.role !== "owner")
      .sort(([a, x], [b, y]) => rank(x.role) - rank(y.role) || x.joinedAt - y.joinedAt || (a < b ? -1 : 1));
    return candidates[0]?.[0] ?? null;
  }

  head(): number {
    return this.events.at(-1)?.seq ?? 0;
  }
  append(e: AppendedEvent): void {
    const key = e.clientId === null ? null : `${e.senderId}\u0000${e.clientId}`;
    if (key !== null && this.byClientId.has(key)) throw new Error("UNIQUE constraint failed: events");
    if (e.seq !== this.head() + 1) throw new Error(`seq ${e.seq} after head ${this.head()}`);
    this.events.push(e);
    if (key !== null) this.byClientId.set(key, e);
  }
  findByClientId(senderId: string, clientId: string): StoredEvent | null {
    const e = this.byClientId.get(`${senderId}\u0000${clientId}`);
    return e ? stored(e) : null;
  }
  eventsAfter(after: number, upTo: number, limit: number): StoredEvent[] {
    // seq is gap-free from 1, so seq n sits at index n - 1.
    return this.events.slice(after, Math.max(after, Math.min(upTo, after + limit))).map(stored);
  }
  getEvent(seq: number): StoredEvent | null {
    const e = this.events[seq - 1];
    return e ? stored(e) : null;
  }
  eventsTargeting(seq: number, type: string): StoredEvent[] {
    return this.events.filter((e) => e.target === seq && e.type === type).map(stored);
  }
  rewriteEvent(seq: number, body: string): void {
    const e = this.events[seq - 1];
    if (e) this.events[seq - 1] = { ...e, body };
  }

  putMessage(m: Message): void {
    this.messages.set(m.seq, structuredClone(m));
  }
  addMessage(m: Message): void {
    this.putMessage(m);
    if (m.text !== null) this.indexText(m.seq, m.text);
  }
  getMessage(seq: number): Message | null {
    const m = this.messages.get(seq);
    return m ? structuredClone(m) : null;
  }
  private sorted(): Message[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq).map((m) => structuredClone(m));
  }
  messagesBefore(before: number, limit: number): Message[] {
    return this.sorted()
      .filter((m) => m.seq < before)
      .reverse()
      .slice(0, limit);
  }
  messagesBetween(from: number, to: number, afterSeq: number, limit: number): Message[] {
    return this.sorted()
      .filter((m) => (m.createdAt > from || (m.createdAt === from && m.seq > afterSeq)) && m.createdAt < to)
      .sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq)
      .slice(0, limit);
  }
  indexText(seq: number, text: string | null): void {
    if (text === null) this.indexed.delete(seq);
    else this.indexed.set(seq, text.toLowerCase());
  }
  /** Substring match: close enough to FTS for the room's node tests, and for store.contract.ts. */
  searchMessages(words: string[], before: number, limit: number): Message[] {
    return this.sorted()
      .filter((m) => m.seq < before && words.every((w) => this.indexed.get(m.seq)?.includes(w.toLowerCase())))
      .reverse()
      .slice(0, limit);
  }
  lastMessage(): Message | null {
    return this.sorted().findLast((m) => !m.deleted) ?? null;
  }
  unreadCount(userId: string, after: number): number {
    return this.sorted().filter((m) => m.seq > after && m.senderId !== userId && !m.deleted).length;
  }

  setMentions(seq: number, userIds: readonly string[]): void {
    if (userIds.length === 0) this.mentionRows.delete(seq);
    else this.mentionRows.set(seq, [...userIds]);
  }
  unreadMentions(userId: string, after: number): MentionCount {
    let count = 0;
    let last = 0;
    for (const [seq, ids] of this.mentionRows) {
      if (seq <= after || !ids.includes(userId)) continue;
      count += 1;
      last = Math.max(last, seq);
    }
    return { count, last };
  }
  unreadMentionsAll(): Map<string, MentionCount> {
    const users = new Set([...this.mentionRows.values()].flat());
    const out = new Map<string, MentionCount>();
    for (const id of users) {
      const c = this.unreadMentions(id, this.getRead(id));
      if (c.count > 0) out.set(id, c);
    }
    return out;
  }

  getRead(userId: string): number {
    return this.reads.get(userId) ?? 0;
  }
  readMarkers(): Map<string, number> {
    return new Map(this.reads);
  }
  setRead(userId: string, seq: number): void {
    this.reads.set(userId, Math.max(seq, this.getRead(userId)));
    for (const [at, ids] of this.mentionRows) {
      if (at <= seq && ids.includes(userId))
        this.setMentions(
          at,
          ids.filter((id) => id !== userId),
        );
    }
  }

  pins(): Pin[] {
    return [...this.pinned.values()].sort((a, b) => a.pinnedAt - b.pinnedAt || a.seq - b.seq);
  }
  setPin(pin: Pin): void {
    if (!this.pinned.has(pin.seq)) this.pinned.set(pin.seq, { ...pin });
  }
  removePin(seq: number): void {
    this.pinned.delete(seq);
  }
  /** Counted afresh from the markers of members: the SQLite store's kept table must agree (store.contract.ts). */
  readPositions(limit: number): ReadPosition[] {
    const at = new Map<number, number>();
    for (const [userId, seq] of this.reads) {
      if (seq > 0 && this.memberRoles.has(userId)) at.set(seq, (at.get(seq) ?? 0) + 1);
    }
    return [...at]
      .sort((a, b) => b[0] - a[0])
      .slice(0, limit)
      .map(([seq, members]) => ({ seq, members }));
  }

  fileReferenced(fileId: string): boolean {
    return [...this.messages.values()].some((m) => !m.deleted && m.file?.id === fileId);
  }
  filePoster(fileId: string): string | null {
    const live = [...this.messages.values()].filter((m) => !m.deleted && m.file?.id === fileId);
    return live.sort((a, b) => a.seq - b.seq)[0]?.senderId ?? null;
  }
  queueReclaim(fileId: string, at: number): void {
    if (!this.reclaim.has(fileId)) this.reclaim.set(fileId, at);
  }
  reclaimQueued(fileId: string): boolean {
    return this.reclaim.has(fileId);
  }
  reclaimQueue(limit: number): string[] {
    return [...this.reclaim]
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([fileId]) => fileId);
  }
  reclaimDone(fileId: string): void {
    this.reclaim.delete(fileId);
  }
}
