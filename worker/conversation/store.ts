import type { ConversationKind, Message, Role } from "../protocol";

/** Words a search matches at most. */
export const SEARCH_WORDS_MAX = 8;

/** What the object knows about itself; written once by `init`. */
export interface RoomMeta {
  id: string;
  kind: ConversationKind;
  title: string | null;
  createdAt: number;
  createdBy: string;
}

/** One row of the log: its seq and the event as stored JSON (sent verbatim). */
export interface StoredEvent {
  seq: number;
  createdAt: number;
  body: string;
}

export interface AppendedEvent extends StoredEvent {
  type: string;
  senderId: string;
  clientId: string | null;
}

/**
 * Storage the room logic runs on. Every method is synchronous: the object's
 * SQLite is, and the room relies on doing validate -> seq -> insert without
 * yielding. `SqliteLogStore` is the real one, `MemoryLogStore` drives node tests.
 */
export interface LogStore {
  getMeta(): RoomMeta | null;
  setMeta(meta: RoomMeta): void;
  members(): Map<string, Role>;
  putMember(userId: string, role: Role, joinedAt: number): void;
  removeMember(userId: string): void;

  head(): number;
  append(event: AppendedEvent): void;
  findByClientId(senderId: string, clientId: string): StoredEvent | null;
  /** Events with after < seq <= upTo in seq order, at most `limit`. */
  eventsAfter(after: number, upTo: number, limit: number): StoredEvent[];

  putMessage(message: Message): void;
  getMessage(seq: number): Message | null;
  /** Newest first, seq < before. */
  messagesBefore(before: number, limit: number): Message[];
  /** Oldest first, from <= createdAt < to. */
  messagesBetween(from: number, to: number, limit: number): Message[];
  /** Newest first, seq < before, not deleted, text containing every word (case-insensitive). */
  searchMessages(words: string[], before: number, limit: number): Message[];
  lastMessage(): Message | null;
  /** `message` events by others with seq > after. */
  unreadCount(userId: string, after: number): number;
  /** `unreadCount` after the user's read marker, kept incrementally where the store can. */
  unread(userId: string): number;

  getRead(userId: string): number;
  setRead(userId: string, seq: number): void;
}
