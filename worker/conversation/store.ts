import { type ConversationKind, Limits, type Message, type Pin, type Role } from "../protocol";

/** Words a search matches at most. */
export const SEARCH_WORDS_MAX = Limits.searchWordsMax;

/** What the object knows about itself; written once by `init`. */
export interface RoomMeta {
  id: string;
  kind: ConversationKind;
  title: string | null;
  createdAt: number;
  createdBy: string;
}

/** `members` members' read markers are exactly at `seq`. */
export interface ReadPosition {
  seq: number;
  members: number;
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
  /** The message an edit, delete or reaction points at. */
  target: number | null;
}

/** Messages after a read marker that mention one user: how many, and the newest one's seq (0: none). */
export interface MentionCount {
  count: number;
  last: number;
}

/**
 * Storage the room logic runs on. Every method is synchronous: the object's
 * SQLite is, and the room relies on doing validate -> seq -> insert without
 * yielding. `SqliteLogStore` is the real one, `MemoryLogStore` drives node tests;
 * store.contract.ts runs one suite against both.
 */
export interface LogStore {
  /**
   * Runs `fn` as one transaction: every write inside commits together, or,
   * when it throws, none does and the error propagates. May nest.
   */
  transaction<T>(fn: () => T): T;

  getMeta(): RoomMeta | null;
  setMeta(meta: RoomMeta): void;
  members(): Map<string, Role>;
  putMember(userId: string, role: Role, joinedAt: number): void;
  removeMember(userId: string): void;
  /** Who inherits ownership: the longest-standing admin, else the longest-standing member. */
  successor(): string | null;

  head(): number;
  append(event: AppendedEvent): void;
  findByClientId(senderId: string, clientId: string): StoredEvent | null;
  /** Events with after < seq <= upTo in seq order, at most `limit`. */
  eventsAfter(after: number, upTo: number, limit: number): StoredEvent[];
  getEvent(seq: number): StoredEvent | null;
  /** Events of `type` whose target is `seq`. */
  eventsTargeting(seq: number, type: string): StoredEvent[];
  /** Replaces a stored body (erasure of deleted content); seq and order never change. */
  rewriteEvent(seq: number, body: string): void;

  /** Inserts or updates the folded row of a message. */
  putMessage(message: Message): void;
  /** A new message (seq above every stored one): its row and its text's search entry. */
  addMessage(message: Message): void;
  getMessage(seq: number): Message | null;
  /** Newest first, seq < before. */
  messagesBefore(before: number, limit: number): Message[];
  /**
   * Oldest first, from <= createdAt < to; on the `from` millisecond only seq > afterSeq
   * (the keyset cursor for the next page: from = last createdAt, afterSeq = last seq).
   */
  messagesBetween(from: number, to: number, afterSeq: number, limit: number): Message[];
  /** Sets (or with null, removes) a message's text in the search index. */
  indexText(seq: number, text: string | null): void;
  /** Newest first, seq < before, matching every word (see cjk.ts for what matches). */
  searchMessages(words: string[], before: number, limit: number): Message[];
  /** The newest message not deleted: a summary's preview falls back to the one before a deleted one. */
  lastMessage(): Message | null;
  /** `message` events by others with seq > after, not counting deleted messages. */
  unreadCount(userId: string, after: number): number;

  /** Replaces whom message `seq` mentions (none: it mentions nobody, or was deleted). */
  setMentions(seq: number, userIds: readonly string[]): void;
  /** Mentions of `userId` in messages with seq > after. */
  unreadMentions(userId: string, after: number): MentionCount;
  /** The same for everyone with one, each after their own read marker (users with none are absent). */
  unreadMentionsAll(): Map<string, MentionCount>;

  getRead(userId: string): number;
  /** Every member's read marker that is above 0, in one read. */
  readMarkers(): Map<string, number>;
  setRead(userId: string, seq: number): void;
  /**
   * The newest `limit` seqs at which current members' read markers sit,
   * newest first, with how many sit at each: a large group's read counts
   * are their running sums (large-group.ts). Kept up to date by `setRead`,
   * `putMember` and `removeMember`, so this reads `limit` rows however large
   * the group.
   */
  readPositions(limit: number): ReadPosition[];

  /** The pinned messages, oldest pin first. */
  pins(): Pin[];
  /** Pins a message (or, pinned already, changes nothing). */
  setPin(pin: Pin): void;
  removePin(seq: number): void;

  /** A live (not deleted) message still points at the file. */
  fileReferenced(fileId: string): boolean;
  /** Who posted the earliest live message pointing at the file here (a forward's copy: the forwarder); null if none. */
  filePoster(fileId: string): string | null;
  /** Durable queue of files whose bytes must go; a queued file can no longer be sent. */
  queueReclaim(fileId: string, at: number): void;
  reclaimQueued(fileId: string): boolean;
  reclaimQueue(limit: number): string[];
  reclaimDone(fileId: string): void;
}
