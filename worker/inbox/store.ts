// The inbox object's SQLite: who it belongs to, its owner's presence, the
// member summaries conversations sent it, and its friends' presence.
import type { ConversationSummary, PresenceStatus } from "../protocol";
import type { ConversationNote } from "./note";

/** Append-only schema history; never edit an entry that has shipped. */
const MIGRATIONS: { id: string; statements: string[] }[] = [
  {
    id: "0001_init",
    statements: [
      `CREATE TABLE me (id INTEGER PRIMARY KEY CHECK (id = 1), user_id TEXT NOT NULL, online INTEGER NOT NULL DEFAULT 0, last_seen_at INTEGER, epoch INTEGER NOT NULL DEFAULT 0)`,
      `CREATE TABLE summaries (id TEXT PRIMARY KEY, version INTEGER NOT NULL, removed INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT)`,
      `CREATE INDEX summaries_updated_idx ON summaries (updated_at)`,
      `CREATE TABLE friends (user_id TEXT PRIMARY KEY, status TEXT NOT NULL, last_seen_at INTEGER, epoch INTEGER NOT NULL)`,
    ],
  },
];

/** A user's presence with `epoch`, which grows by one per change of that user (newer wins). */
export interface EpochPresence {
  status: PresenceStatus;
  lastSeenAt: number | null;
  epoch: number;
}

export interface FriendPresence {
  userId: string;
  status: PresenceStatus;
  lastSeenAt: number | null;
}

export class InboxStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS _migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
    const applied = new Set(
      sql
        .exec<{ id: string }>("SELECT id FROM _migrations")
        .toArray()
        .map((r) => r.id),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.id)) continue;
      for (const statement of m.statements) sql.exec(statement);
      sql.exec("INSERT INTO _migrations (id, applied_at) VALUES (?, ?)", m.id, Date.now());
    }
  }

  userId(): string | null {
    return this.sql.exec<{ user_id: string }>("SELECT user_id FROM me").toArray()[0]?.user_id ?? null;
  }

  /** The Worker names the object after the user and passes the id on every call; the first one is kept. */
  claim(userId: string): boolean {
    this.sql.exec("INSERT INTO me (id, user_id) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", userId);
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
}
