import type { FileRef, Message, MessageKind, Role } from "../protocol";
import { type AppendedEvent, type LogStore, type RoomMeta, SEARCH_WORDS_MAX, type StoredEvent } from "./store";

/**
 * Append-only schema history of the object's SQLite. Never edit an entry
 * that has shipped; add a new one.
 */
const MIGRATIONS: { id: string; statements: string[] }[] = [
  {
    id: "0001_init",
    statements: [
      `CREATE TABLE meta (id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT, created_at INTEGER NOT NULL, created_by TEXT NOT NULL)`,
      `CREATE TABLE members (user_id TEXT PRIMARY KEY, role TEXT NOT NULL, joined_at INTEGER NOT NULL)`,
      `CREATE TABLE events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, sender_id TEXT NOT NULL, client_id TEXT, created_at INTEGER NOT NULL, body TEXT NOT NULL)`,
      // Idempotency survives restarts: a (sender, clientId) pair maps to one event forever.
      `CREATE UNIQUE INDEX events_client_uq ON events (sender_id, client_id) WHERE client_id IS NOT NULL`,
      `CREATE TABLE messages (seq INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, client_id TEXT, kind TEXT NOT NULL, text TEXT, file_json TEXT, reply_to INTEGER, created_at INTEGER NOT NULL, edited_at INTEGER, deleted INTEGER NOT NULL DEFAULT 0, reactions_json TEXT NOT NULL DEFAULT '{}')`,
      `CREATE INDEX messages_created_idx ON messages (created_at, seq)`,
      `CREATE TABLE reads (user_id TEXT PRIMARY KEY, seq INTEGER NOT NULL)`,
    ],
  },
  {
    id: "0002_inbox_notify",
    statements: [
      // Unread per member, kept incrementally so summaries for 1000 members cost 1000 lookups, not scans.
      `CREATE TABLE unread (user_id TEXT PRIMARY KEY, n INTEGER NOT NULL)`,
      `INSERT INTO unread (user_id, n) SELECT m.user_id, (SELECT count(*) FROM messages x WHERE x.sender_id != m.user_id AND x.seq > coalesce((SELECT seq FROM reads r WHERE r.user_id = m.user_id), 0)) FROM members m`,
      // Members whose inbox must hear the current summary (durable, so a failed call is retried by the alarm).
      `CREATE TABLE inbox_outbox (user_id TEXT PRIMARY KEY, gen INTEGER NOT NULL)`,
      // 'all_gen' bumps on every event (every member is dirty); 'all_done' is the generation delivered to all.
      `CREATE TABLE notify_state (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`,
    ],
  },
];

type MessageRow = {
  seq: number;
  sender_id: string;
  client_id: string | null;
  kind: string;
  text: string | null;
  file_json: string | null;
  reply_to: number | null;
  created_at: number;
  edited_at: number | null;
  deleted: number;
  reactions_json: string;
};

const MESSAGE_COLUMNS =
  "seq, sender_id, client_id, kind, text, file_json, reply_to, created_at, edited_at, deleted, reactions_json";

export function migrate(sql: SqlStorage): void {
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

// Rows below are written only by this module, so their JSON columns are trusted.
function toMessage(r: MessageRow): Message {
  const m: Message = {
    seq: r.seq,
    senderId: r.sender_id,
    clientId: r.client_id,
    kind: r.kind as MessageKind,
    text: r.text,
    createdAt: r.created_at,
    reactions: JSON.parse(r.reactions_json) as Record<string, string[]>,
  };
  if (r.file_json !== null) m.file = JSON.parse(r.file_json) as FileRef;
  if (r.reply_to !== null) m.replyTo = r.reply_to;
  if (r.edited_at !== null) m.editedAt = r.edited_at;
  if (r.deleted) m.deleted = true;
  return m;
}

export class SqliteLogStore implements LogStore {
  constructor(private readonly sql: SqlStorage) {
    migrate(sql);
  }

  getMeta(): RoomMeta | null {
    const r = this.sql
      .exec<{ id: string; kind: string; title: string | null; created_at: number; created_by: string }>(
        "SELECT id, kind, title, created_at, created_by FROM meta LIMIT 1",
      )
      .toArray()[0];
    if (!r) return null;
    return {
      id: r.id,
      kind: r.kind === "group" ? "group" : "dm",
      title: r.title,
      createdAt: r.created_at,
      createdBy: r.created_by,
    };
  }

  setMeta(m: RoomMeta): void {
    this.sql.exec("DELETE FROM meta");
    this.sql.exec(
      "INSERT INTO meta (id, kind, title, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
      m.id,
      m.kind,
      m.title,
      m.createdAt,
      m.createdBy,
    );
  }

  members(): Map<string, Role> {
    const rows = this.sql.exec<{ user_id: string; role: string }>("SELECT user_id, role FROM members").toArray();
    return new Map(rows.map((r) => [r.user_id, r.role as Role]));
  }

  putMember(userId: string, role: Role, joinedAt: number): void {
    this.sql.exec(
      "INSERT INTO members (user_id, role, joined_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET role = excluded.role",
      userId,
      role,
      joinedAt,
    );
    this.sql.exec(
      "INSERT INTO unread (user_id, n) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
      userId,
      this.unreadCount(userId, this.getRead(userId)),
    );
  }

  removeMember(userId: string): void {
    this.sql.exec("DELETE FROM members WHERE user_id = ?", userId);
    this.sql.exec("DELETE FROM unread WHERE user_id = ?", userId);
  }

  head(): number {
    const r = this.sql.exec<{ head: number | null }>("SELECT max(seq) AS head FROM events").one();
    return r.head ?? 0;
  }

  append(e: AppendedEvent): void {
    this.sql.exec(
      "INSERT INTO events (seq, type, sender_id, client_id, created_at, body) VALUES (?, ?, ?, ?, ?, ?)",
      e.seq,
      e.type,
      e.senderId,
      e.clientId,
      e.createdAt,
      e.body,
    );
    // One statement for every member, so the counter never drifts from `unreadCount`.
    if (e.type === "message") this.sql.exec("UPDATE unread SET n = n + 1 WHERE user_id != ?", e.senderId);
  }

  findByClientId(senderId: string, clientId: string): StoredEvent | null {
    const r = this.sql
      .exec<{ seq: number; created_at: number; body: string }>(
        "SELECT seq, created_at, body FROM events WHERE sender_id = ? AND client_id = ?",
        senderId,
        clientId,
      )
      .toArray()[0];
    return r ? { seq: r.seq, createdAt: r.created_at, body: r.body } : null;
  }

  eventsAfter(after: number, upTo: number, limit: number): StoredEvent[] {
    return this.sql
      .exec<{ seq: number; created_at: number; body: string }>(
        "SELECT seq, created_at, body FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
        after,
        upTo,
        limit,
      )
      .toArray()
      .map((r) => ({ seq: r.seq, createdAt: r.created_at, body: r.body }));
  }

  putMessage(m: Message): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.seq,
      m.senderId,
      m.clientId,
      m.kind,
      m.text,
      m.file ? JSON.stringify(m.file) : null,
      m.replyTo ?? null,
      m.createdAt,
      m.editedAt ?? null,
      m.deleted ? 1 : 0,
      JSON.stringify(m.reactions),
    );
  }

  getMessage(seq: number): Message | null {
    const r = this.sql.exec<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq = ?`, seq).toArray()[0];
    return r ? toMessage(r) : null;
  }

  messagesBefore(before: number, limit: number): Message[] {
    return this.sql
      .exec<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
        before,
        limit,
      )
      .toArray()
      .map(toMessage);
  }

  messagesBetween(from: number, to: number, limit: number): Message[] {
    return this.sql
      .exec<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE created_at >= ? AND created_at < ? ORDER BY created_at, seq LIMIT ?`,
        from,
        to,
        limit,
      )
      .toArray()
      .map(toMessage);
  }

  searchMessages(words: string[], before: number, limit: number): Message[] {
    // Unused slots bind '', and instr(x, '') = 1, so one static statement serves 1..8 words.
    const slots = Array.from({ length: SEARCH_WORDS_MAX }, (_, i) => (words[i] ?? "").toLowerCase());
    return this.sql
      .exec<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq < ? AND deleted = 0 AND text IS NOT NULL
           AND instr(lower(text), ?) > 0 AND instr(lower(text), ?) > 0 AND instr(lower(text), ?) > 0
           AND instr(lower(text), ?) > 0 AND instr(lower(text), ?) > 0 AND instr(lower(text), ?) > 0
           AND instr(lower(text), ?) > 0 AND instr(lower(text), ?) > 0
         ORDER BY seq DESC LIMIT ?`,
        before,
        ...slots,
        limit,
      )
      .toArray()
      .map(toMessage);
  }

  lastMessage(): Message | null {
    const r = this.sql
      .exec<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages ORDER BY seq DESC LIMIT 1`)
      .toArray()[0];
    return r ? toMessage(r) : null;
  }

  unreadCount(userId: string, after: number): number {
    return this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM messages WHERE seq > ? AND sender_id != ?", after, userId)
      .one().n;
  }

  unread(userId: string): number {
    const r = this.sql.exec<{ n: number }>("SELECT n FROM unread WHERE user_id = ?", userId).toArray()[0];
    return r?.n ?? this.unreadCount(userId, this.getRead(userId));
  }

  getRead(userId: string): number {
    const r = this.sql.exec<{ seq: number }>("SELECT seq FROM reads WHERE user_id = ?", userId).toArray()[0];
    return r?.seq ?? 0;
  }

  setRead(userId: string, seq: number): void {
    this.sql.exec(
      "INSERT INTO reads (user_id, seq) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET seq = max(seq, excluded.seq)",
      userId,
      seq,
    );
    // Recount once per read: a read is rare next to messages, and it resets the counter exactly.
    this.sql.exec("UPDATE unread SET n = ? WHERE user_id = ?", this.unreadCount(userId, this.getRead(userId)), userId);
  }
}
