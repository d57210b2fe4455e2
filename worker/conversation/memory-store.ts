import type { Message, Role } from "../protocol";
import type { AppendedEvent, LogStore, RoomMeta, StoredEvent } from "./store";

/** In-memory `LogStore` with the SQLite one's semantics, for plain-Node tests. */
export class MemoryLogStore implements LogStore {
  private meta: RoomMeta | null = null;
  private readonly memberRoles = new Map<string, Role>();
  readonly events: AppendedEvent[] = [];
  private readonly byClientId = new Map<string, AppendedEvent>();
  private readonly messages = new Map<number, Message>();
  private readonly reads = new Map<string, number>();

  getMeta(): RoomMeta | null {
    return this.meta;
  }
  setMeta(meta: RoomMeta): void {
    this.meta = meta;
  }
  members(): Map<string, Role> {
    return new Map(this.memberRoles);
  }
  putMember(userId: string, role: Role): void {
    this.memberRoles.set(userId, role);
  }
  removeMember(userId: string): void {
    this.memberRoles.delete(userId);
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
    return this.byClientId.get(`${senderId}\u0000${clientId}`) ?? null;
  }
  eventsAfter(after: number, upTo: number, limit: number): StoredEvent[] {
    // seq is gap-free from 1, so seq n sits at index n - 1.
    return this.events.slice(after, Math.max(after, Math.min(upTo, after + limit)));
  }

  putMessage(m: Message): void {
    this.messages.set(m.seq, structuredClone(m));
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
  messagesBetween(from: number, to: number, limit: number): Message[] {
    return this.sorted()
      .filter((m) => m.createdAt >= from && m.createdAt < to)
      .slice(0, limit);
  }
  searchMessages(words: string[], before: number, limit: number): Message[] {
    return this.sorted()
      .filter((m) => m.seq < before && !m.deleted && m.text !== null)
      .filter((m) => words.every((w) => (m.text ?? "").toLowerCase().includes(w.toLowerCase())))
      .reverse()
      .slice(0, limit);
  }
  lastMessage(): Message | null {
    return this.sorted().at(-1) ?? null;
  }
  unreadCount(userId: string, after: number): number {
    return this.sorted().filter((m) => m.seq > after && m.senderId !== userId).length;
  }

  unread(userId: string): number {
    return this.unreadCount(userId, this.getRead(userId));
  }
  getRead(userId: string): number {
    return this.reads.get(userId) ?? 0;
  }
  setRead(userId: string, seq: number): void {
    this.reads.set(userId, Math.max(seq, this.getRead(userId)));
  }
}
