// The inbox object's SQLite: who it belongs to, its owner's presence, the
// member summaries conversations sent it, and its friends' presence.
import { type Migration, migrate } from "../do/migrations";
import type { ConversationSummary, PresenceStatus } from "../protocol";
import type { ConversationNote } from "../shared/note";
import type { EpochPresence } from "../shared/presence";

/** Append-only schema history; never edit an entry that has shipped. */
const MIGRATIONS: Migration[] = [
  {
    id: "0001_init",
    statements: [
      `CREATE TABLE me (id INTEGER PRIMARY KEY CHECK (id = 1), user_id TEXT NOT NULL, online INTEGER NOT NULL DEFAULT 0, last_seen_at INTEGER, epoch INTEGER NOT NULL DEFAULT 0)`,
      `CREATE TABLE summaries (id TEXT PRIMARY KEY, version INTEGER NOT NULL, removed INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT)`,
      `CREATE INDEX summaries_updated_idx ON summaries (updated_at)`,
      `CREATE TABLE friends (user_id TEXT PRIMARY KEY, status TEXT NOT NULL, last_seen_at INTEGER, epoch INTEGER NOT NULL)`,
    ],
  },
  {
    id: "0002_push_state",
    statements: [
      // How many push subscriptions the user has, as last read from D1 (no row: not known,
      // read on the next push). `gen` moves on every invalidation, so a read that raced one is not kept.
      `CREATE TABLE push_subs (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER, gen INTEGER NOT NULL)`,
      // Push coalescing per conversation: when the last push left, which seq it showed,
      // and when a held-back one is due (null: none).
      `CREATE TABLE push_window (conversation_id TEXT PRIMARY KEY, sent_at INTEGER NOT NULL, seq INTEGER NOT NULL, due_at INTEGER)`,
    ],
  },
  {
    id: "0003_parking",
    statements: [
      // Conversations told "nobody reads this inbox": their summaries here may be stale until a refresh.
      `CREATE TABLE parked (conversation_id TEXT PRIMARY KEY)`,
      // Grows at the start and end of every refresh; stamps each "parked" answer (see conversation/parking.ts).
      `CREATE TABLE park_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), epoch INTEGER NOT NULL)`,
    ],
  },
  {
    id: "0004_settings",
    statements: [
      // The user's own mute and pin per conversation (inbox/settings.ts); a row exists only while one is on.
      `CREATE TABLE settings (conversation_id TEXT PRIMARY KEY, muted INTEGER NOT NULL, muted_until INTEGER, pinned_at INTEGER)`,
    ],
  },
];

export type { EpochPresence } from "../shared/presence";

export interface PushWindow {
  sentAt: number;
  seq: number;
  dueAt: number | null;
}

export interface FriendPresence {
  userId: string;
  status: PresenceStatus;
  lastSeenAt: number | null;
}

export class InboxStore {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql, MIGRATIONS);
  }

  /** The owner, once known: the `me` row is written once and never changes, so memory may keep it. */
  private owner: string | null = null;

  userId(): string | null {
    if (this.owner === null) {
      this.owner = this.sql.exec<{ user_id: string }>("SELECT user_id FROM me").toArray()[0]?.user_id ?? null;
    }
    return this.owner;
  }

  /**
   * The Worker names the object after the user and passes the id on every call; the first one is kept.
   * Read first: every inbox note calls this, and the insert it used to run each time is needed once.
   */
  claim(userId: string): boolean {
    const owner = this.userId();
    if (owner !== null) return owner === userId;
    this.sql.exec("INSERT INTO me (id, user_id) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", userId);
    this.owner = null;
    return this.userId() === userId;
  }

  presence(): EpochPresence {
    const r = this.sql
      .exec<{ online: number; last_seen_at: number | null; epoch: number }>(
        "SELECT online, last_seen_at, epoch FROM me",
      )
      .toArray()[0];
    return { status: r?.online ? "online" : "offline", lastSeenAt: r?.last_seen_at ?? null, epoch: r?.epoch ?? 0 };
  }

  /** Returns the new presence, or null when the status did not change. */
  setOnline(online: boolean, now: number): EpochPresence | null {
    const before = this.presence();
    if ((before.status === "online") === online) return null;
    if (online) this.sql.exec("UPDATE me SET online = 1, epoch = epoch + 1");
    else this.sql.exec("UPDATE me SET online = 0, last_seen_at = ?, epoch = epoch + 1", now);
    return this.presence();
  }

  /** Stores a newer note; false (nothing written) for a version it already has or passed. */
  applyNote(note: ConversationNote): { applied: boolean; previous: ConversationSummary | null } {
    const row = this.sql
      .exec<{ version: number; body: string | null }>(
        "SELECT version, body FROM summaries WHERE id = ?",
        note.conversationId,
      )
      .toArray()[0];
    // Rows are written only below, from notes the conversation object built.
    const previous = row?.body ? (JSON.parse(row.body) as ConversationSummary) : null;
    if (row && row.version >= note.version) return { applied: false, previous };
    const summary = "summary" in note ? note.summary : null;
    this.sql.exec(
      `INSERT INTO summaries (id, version, removed, updated_at, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, removed = excluded.removed,
         updated_at = excluded.updated_at, body = excluded.body`,
      note.conversationId,
      note.version,
      summary ? 0 : 1,
      summary?.updatedAt ?? 0,
      summary ? JSON.stringify(summary) : null,
    );
    return { applied: true, previous };
  }

  /** Records that `conversationId` was told to skip this inbox; returns the epoch to stamp the answer with. */
  park(conversationId: string): number {
    this.sql.exec("INSERT INTO parked (conversation_id) VALUES (?) ON CONFLICT DO NOTHING", conversationId);
    return this.parkEpoch();
  }

  parkedConversations(): string[] {
    return this.sql
      .exec<{ conversation_id: string }>("SELECT conversation_id FROM parked")
      .toArray()
      .map((r) => r.conversation_id);
  }

  unparked(conversationId: string): void {
    this.sql.exec("DELETE FROM parked WHERE conversation_id = ?", conversationId);
  }

  private parkEpoch(): number {
    return this.sql.exec<{ epoch: number }>("SELECT epoch FROM park_epoch").toArray()[0]?.epoch ?? 0;
  }

  nextParkEpoch(): number {
    this.sql.exec("INSERT INTO park_epoch (id, epoch) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET epoch = epoch + 1");
    return this.parkEpoch();
  }

  /** Live summaries, newest activity first. */
  summaries(): ConversationSummary[] {
    return this.sql
      .exec<{ body: string }>("SELECT body FROM summaries WHERE removed = 0 ORDER BY updated_at DESC, id")
      .toArray()
      .map((r) => JSON.parse(r.body) as ConversationSummary);
  }

  note(conversationId: string): { version: number; summary: ConversationSummary | null } | null {
    const r = this.sql
      .exec<{ version: number; body: string | null }>(
        "SELECT version, body FROM summaries WHERE id = ?",
        conversationId,
      )
      .toArray()[0];
    if (!r) return null;
    return { version: r.version, summary: r.body ? (JSON.parse(r.body) as ConversationSummary) : null };
  }

  friends(): FriendPresence[] {
    return this.sql
      .exec<{ user_id: string; status: string; last_seen_at: number | null }>(
        "SELECT user_id, status, last_seen_at FROM friends ORDER BY user_id",
      )
      .toArray()
      .map((r) => ({
        userId: r.user_id,
        status: r.status === "online" ? "online" : "offline",
        lastSeenAt: r.last_seen_at,
      }));
  }

  /** Inserts (when `insert`) or moves a friend's presence forward; true if it changed. */
  putFriend(userId: string, p: EpochPresence, insert: boolean): boolean {
    const res = insert
      ? this.sql.exec(
          `INSERT INTO friends (user_id, status, last_seen_at, epoch) VALUES (?, ?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, last_seen_at = excluded.last_seen_at,
             epoch = excluded.epoch WHERE excluded.epoch > friends.epoch`,
          userId,
          p.status,
          p.lastSeenAt,
          p.epoch,
        )
      : this.sql.exec(
          "UPDATE friends SET status = ?, last_seen_at = ?, epoch = ? WHERE user_id = ? AND epoch < ?",
          p.status,
          p.lastSeenAt,
          p.epoch,
          userId,
          p.epoch,
        );
    res.toArray();
    return res.rowsWritten > 0;
  }

  removeFriend(userId: string): boolean {
    const res = this.sql.exec("DELETE FROM friends WHERE user_id = ?", userId);
    res.toArray();
    return res.rowsWritten > 0;
  }

  /** Drops rows of users who are no longer friends (per D1). */
  keepFriends(userIds: ReadonlySet<string>): void {
    for (const f of this.friends()) if (!userIds.has(f.userId)) this.removeFriend(f.userId);
  }

  /** The cached subscription count (null: unknown) and the generation a D1 read must quote back. */
  pushSubscriptions(): { n: number | null; gen: number } {
    const r = this.sql.exec<{ n: number | null; gen: number }>("SELECT n, gen FROM push_subs").toArray()[0];
    return { n: r?.n ?? null, gen: r?.gen ?? 0 };
  }

  /** Keeps a count read from D1 unless an invalidation happened since the read began. */
  setPushSubscriptions(n: number, readAtGen: number): void {
    this.sql.exec(
      "INSERT INTO push_subs (id, n, gen) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET n = excluded.n WHERE gen = excluded.gen",
      n,
      readAtGen,
    );
  }

  invalidatePushSubscriptions(): void {
    this.sql.exec(
      "INSERT INTO push_subs (id, n, gen) VALUES (1, NULL, 1) ON CONFLICT (id) DO UPDATE SET n = NULL, gen = gen + 1",
    );
  }

  pushWindow(conversationId: string): PushWindow | null {
    const r = this.sql
      .exec<{ sent_at: number; seq: number; due_at: number | null }>(
        "SELECT sent_at, seq, due_at FROM push_window WHERE conversation_id = ?",
        conversationId,
      )
      .toArray()[0];
    return r ? { sentAt: r.sent_at, seq: r.seq, dueAt: r.due_at } : null;
  }

  pushSent(conversationId: string, seq: number, at: number): void {
    this.sql.exec(
      `INSERT INTO push_window (conversation_id, sent_at, seq, due_at) VALUES (?, ?, ?, NULL)
       ON CONFLICT (conversation_id) DO UPDATE SET sent_at = excluded.sent_at, seq = excluded.seq, due_at = NULL`,
      conversationId,
      at,
      seq,
    );
  }

  pushHeld(conversationId: string, dueAt: number | null): void {
    this.sql.exec("UPDATE push_window SET due_at = ? WHERE conversation_id = ?", dueAt, conversationId);
  }

  /** Held-back pushes due by `now`, and the earliest one due later (for the alarm). */
  duePushes(now: number): { due: string[]; next: number | null } {
    const rows = this.sql
      .exec<{ conversation_id: string; due_at: number }>(
        "SELECT conversation_id, due_at FROM push_window WHERE due_at IS NOT NULL",
      )
      .toArray();
    const due = rows.filter((r) => r.due_at <= now).map((r) => r.conversation_id);
    const later = rows.filter((r) => r.due_at > now).map((r) => r.due_at);
    return { due, next: later.length > 0 ? Math.min(...later) : null };
  }

  /** Forgets held-back pushes: the user came online and sees the conversations. */
  dropHeldPushes(): void {
    this.sql.exec("UPDATE push_window SET due_at = NULL WHERE due_at IS NOT NULL");
  }
}
