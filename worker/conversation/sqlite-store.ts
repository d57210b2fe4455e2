import { migrate } from "../do/migrations";
import type { Message, Pin, Role } from "../protocol";
import { matchQuery } from "./cjk";
import { ClientIdCache } from "./client-ids";
import {
  EVENT_COLUMNS,
  type EventRow,
  MESSAGE_COLUMNS,
  MESSAGE_COLUMNS_M,
  type MessageRow,
  toMessage,
} from "./sqlite-rows";
import { insertIndex, MIGRATIONS } from "./sqlite-schema";
import type { AppendedEvent, LogStore, MentionCount, ReadPosition, RoomMeta, StoredEvent } from "./store";

export class SqliteLogStore implements LogStore {
  /** Rows the last `messagesBefore`/`messagesBetween`/`searchMessages` read: the proof that paging is a keyset read. */
  lastRowsRead = 0;

  /** Answers "never used" without SQLite; rebuilt from SQLite after every wake. */
  private readonly clientIds: ClientIdCache;
  private readonly sql: SqlStorage;
  /** clientIds appended inside the open transaction; the cache learns them once it commits. */
  private uncommitted: { senderId: string; clientId: string }[] | null = null;

  constructor(private readonly storage: Pick<DurableObjectStorage, "sql" | "transactionSync">) {
    const sql = storage.sql;
    this.sql = sql;
    migrate(sql, MIGRATIONS);
    this.clientIds = new ClientIdCache((senderId, limit) => {
      const rows = sql
        .exec<{ client_id: string }>(
          "SELECT client_id FROM events WHERE sender_id = ? AND client_id IS NOT NULL LIMIT ?",
          senderId,
          limit + 1,
        )
        .toArray();
      return rows.length > limit ? null : rows.map((r) => r.client_id);
    });
  }

  transaction<T>(fn: () => T): T {
    if (this.uncommitted) {
      // Nested: a savepoint of the outer transaction, which still decides what the cache learns.
      const mark = this.uncommitted.length;
      try {
        return this.storage.transactionSync(fn);
      } catch (err) {
        this.uncommitted.length = mark;
        throw err;
      }
    }
    const added: { senderId: string; clientId: string }[] = [];
    this.uncommitted = added;
    let result: T;
    try {
      result = this.storage.transactionSync(fn);
    } finally {
      this.uncommitted = null;
    }
    for (const a of added) this.clientIds.added(a.senderId, a.clientId);
    return result;
  }

  /** Runs a paging query and keeps the cursor's rowsRead, the proof that a page is a keyset read. */
  private page(query: string, ...params: (string | number)[]): Message[] {
    const cursor = this.sql.exec<MessageRow>(query, ...params);
    const rows = cursor.toArray().map(toMessage);
    this.lastRowsRead = cursor.rowsRead;
    return rows;
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
    // Straight from the cursor: at 100,000 members an array of rows first is ~10 MB more garbage on every wake.
    const roles = new Map<string, Role>();
    for (const r of this.sql.exec<{ user_id: string; role: Role }>("SELECT user_id, role FROM members")) {
      roles.set(r.user_id, r.role);
    }
    return roles;
  }

  private isMember(userId: string): boolean {
    return this.sql.exec("SELECT 1 FROM members WHERE user_id = ?", userId).toArray().length > 0;
  }

  /** One member's marker moves from `from` to `to` (0: none) in `read_positions`. */
  private moveReadPosition(from: number, to: number): void {
    if (from > 0) {
      this.sql.exec("UPDATE read_positions SET n = n - 1 WHERE seq = ?", from);
      this.sql.exec("DELETE FROM read_positions WHERE seq = ? AND n <= 0", from);
    }
    if (to > 0) {
      this.sql.exec("INSERT INTO read_positions (seq, n) VALUES (?, 1) ON CONFLICT (seq) DO UPDATE SET n = n + 1", to);
    }
  }

  putMember(userId: string, role: Role, joinedAt: number): void {
    // A member added back brings their old marker into the counts again.
    if (!this.isMember(userId)) this.moveReadPosition(0, this.getRead(userId));
    this.sql.exec(
      "INSERT INTO members (user_id, role, joined_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET role = excluded.role",
      userId,
      role,
      joinedAt,
    );
  }

  removeMember(userId: string): void {
    // The marker stays (a member added back keeps it) but no longer counts.
    if (this.isMember(userId)) this.moveReadPosition(this.getRead(userId), 0);
    this.sql.exec("DELETE FROM members WHERE user_id = ?", userId);
  }

  successor(): string | null {
    const r = this.sql
      .exec<{ user_id: string }>(
        "SELECT user_id FROM members WHERE role != 'owner' ORDER BY role = 'admin' DESC, joined_at, user_id LIMIT 1",
      )
      .toArray()[0];
    return r?.user_id ?? null;
  }

  head(): number {
    const r = this.sql.exec<{ head: number | null }>("SELECT max(seq) AS head FROM events").one();
    return r.head ?? 0;
  }

  append(e: AppendedEvent): void {
    this.sql.exec(
      "INSERT INTO events (seq, type, sender_id, client_id, created_at, body, target) VALUES (?, ?, ?, ?, ?, ?, ?)",
      e.seq,
      e.type,
      e.senderId,
      e.clientId,
      e.createdAt,
      e.body,
      e.target,
    );
    if (e.clientId === null) return;
    if (this.uncommitted) this.uncommitted.push({ senderId: e.senderId, clientId: e.clientId });
    else this.clientIds.added(e.senderId, e.clientId);
  }

  findByClientId(senderId: string, clientId: string): StoredEvent | null {
    if (!this.clientIds.mayHave(senderId, clientId)) return null;
    const r = this.sql
      .exec<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE sender_id = ? AND client_id = ?`, senderId, clientId)
      .toArray()[0];
    return r ?? null;
  }

  eventsAfter(after: number, upTo: number, limit: number): StoredEvent[] {
    return this.sql
      .exec<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
        after,
        upTo,
        limit,
      )
      .toArray();
  }

  getEvent(seq: number): StoredEvent | null {
    return this.eventsAfter(seq - 1, seq, 1)[0] ?? null;
  }

  eventsTargeting(seq: number, type: string): StoredEvent[] {
    return this.sql
      .exec<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE target = ? AND type = ? ORDER BY seq`, seq, type)
      .toArray();
  }

  rewriteEvent(seq: number, body: string): void {
    this.sql.exec("UPDATE events SET body = ? WHERE seq = ?", body, seq);
  }

  putMessage(m: Message): void {
    // An update keeps the row's ordinals; only a new row takes the next ones.
    this.sql.exec(
      `INSERT INTO messages (${MESSAGE_COLUMNS}, file_id, ord, own_ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
         coalesce((SELECT ord FROM messages ORDER BY seq DESC LIMIT 1), 0) + 1,
         coalesce((SELECT own_ord FROM messages WHERE sender_id = ?2 ORDER BY seq DESC LIMIT 1), 0) + 1)
       ON CONFLICT (seq) DO UPDATE SET client_id = excluded.client_id, kind = excluded.kind, text = excluded.text,
         file_json = excluded.file_json, reply_to = excluded.reply_to, created_at = excluded.created_at,
         edited_at = excluded.edited_at, deleted = excluded.deleted, reactions_json = excluded.reactions_json,
         mentions_json = excluded.mentions_json, file_id = excluded.file_id, forwarded_json = excluded.forwarded_json`,
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
      m.mentions && m.mentions.length > 0 ? JSON.stringify(m.mentions) : null,
      m.forwardedFrom ? JSON.stringify(m.forwardedFrom) : null,
      m.file?.id ?? null,
    );
  }

  addMessage(m: Message): void {
    this.putMessage(m);
    // A new seq has no index entry yet, so there is nothing to delete first.
    if (m.text !== null) insertIndex(this.sql, m.seq, m.text);
  }

  indexText(seq: number, text: string | null): void {
    this.sql.exec("DELETE FROM messages_fts WHERE rowid = ?", seq);
    if (text !== null) insertIndex(this.sql, seq, text);
  }

  getMessage(seq: number): Message | null {
    const r = this.sql.exec<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq = ?`, seq).toArray()[0];
    return r ? toMessage(r) : null;
  }

  messagesBefore(before: number, limit: number): Message[] {
    return this.page(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?`, before, limit);
  }

  messagesBetween(from: number, to: number, afterSeq: number, limit: number): Message[] {
    // A row-value comparison, so the (created_at, seq) index serves the cursor and the order.
    return this.page(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE (created_at, seq) > (?, ?) AND created_at < ?
       ORDER BY created_at, seq LIMIT ?`,
      from,
      afterSeq,
      to,
      limit,
    );
  }

  searchMessages(words: string[], before: number, limit: number): Message[] {
    const match = matchQuery(words);
    if (match === null) return [];
    return this.page(
      `SELECT ${MESSAGE_COLUMNS_M} FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
       WHERE messages_fts MATCH ? AND messages_fts.rowid < ? ORDER BY messages_fts.rowid DESC LIMIT ?`,
      match,
      before,
      limit,
    );
  }

  lastMessage(): Message | null {
    const r = this.sql
      .exec<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE deleted = 0 ORDER BY seq DESC LIMIT 1`)
      .toArray()[0];
    return r ? toMessage(r) : null;
  }

  /**
   * (messages after `after`) - (the user's own messages after `after`), each
   * the difference of two ordinals read through an index: O(log n), however
   * long the log and however many members; minus others' deleted messages
   * after `after`, counted in the partial index of deleted rows (0006), so
   * the cost grows with deleted unread messages only, never with the log.
   */
  unreadCount(userId: string, after: number): number {
    return this.sql
      .exec<{ n: number }>(
        `SELECT
           coalesce((SELECT ord FROM messages ORDER BY seq DESC LIMIT 1), 0)
         - coalesce((SELECT ord FROM messages WHERE seq <= ?1 ORDER BY seq DESC LIMIT 1), 0)
         - coalesce((SELECT own_ord FROM messages WHERE sender_id = ?2 ORDER BY seq DESC LIMIT 1), 0)
         + coalesce((SELECT own_ord FROM messages WHERE sender_id = ?2 AND seq <= ?1 ORDER BY seq DESC LIMIT 1), 0)
         - (SELECT count(*) FROM messages WHERE deleted = 1 AND seq > ?1 AND sender_id != ?2) AS n`,
        after,
        userId,
      )
      .one().n;
  }

  setMentions(seq: number, userIds: readonly string[]): void {
    this.sql.exec("DELETE FROM mentions WHERE seq = ?", seq);
    for (const id of userIds) this.sql.exec("INSERT INTO mentions (user_id, seq) VALUES (?, ?)", id, seq);
  }

  unreadMentions(userId: string, after: number): MentionCount {
    const r = this.sql
      .exec<{ n: number; last: number | null }>(
        "SELECT count(*) AS n, max(seq) AS last FROM mentions WHERE user_id = ? AND seq > ?",
        userId,
        after,
      )
      .one();
    return { count: r.n, last: r.last ?? 0 };
  }

  unreadMentionsAll(): Map<string, MentionCount> {
    const rows = this.sql
      .exec<{ user_id: string; n: number; last: number }>(
        `SELECT m.user_id, count(*) AS n, max(m.seq) AS last FROM mentions m LEFT JOIN reads r ON r.user_id = m.user_id
         WHERE m.seq > coalesce(r.seq, 0) GROUP BY m.user_id`,
      )
      .toArray();
    return new Map(rows.map((r) => [r.user_id, { count: r.n, last: r.last }]));
  }

  readMarkers(): Map<string, number> {
    const rows = this.sql.exec<{ user_id: string; seq: number }>("SELECT user_id, seq FROM reads").toArray();
    return new Map(rows.map((r) => [r.user_id, r.seq]));
  }

  getRead(userId: string): number {
    const r = this.sql.exec<{ seq: number }>("SELECT seq FROM reads WHERE user_id = ?", userId).toArray()[0];
    return r?.seq ?? 0;
  }

  setRead(userId: string, seq: number): void {
    const from = this.getRead(userId);
    if (seq <= from) return;
    if (this.isMember(userId)) this.moveReadPosition(from, seq);
    this.sql.exec(
      "INSERT INTO reads (user_id, seq) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET seq = max(seq, excluded.seq)",
      userId,
      seq,
    );
    // Mentions at or below the marker never count again: the table stays about as small as what is unread.
    this.sql.exec("DELETE FROM mentions WHERE user_id = ? AND seq <= ?", userId, seq);
  }

  pins(): Pin[] {
    return this.sql
      .exec<{ seq: number; pinned_by: string; pinned_at: number }>(
        "SELECT seq, pinned_by, pinned_at FROM pins ORDER BY pinned_at, seq",
      )
      .toArray()
      .map((r) => ({ seq: r.seq, pinnedBy: r.pinned_by, pinnedAt: r.pinned_at }));
  }

  setPin(pin: Pin): void {
    this.sql.exec(
      "INSERT INTO pins (seq, pinned_by, pinned_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      pin.seq,
      pin.pinnedBy,
      pin.pinnedAt,
    );
  }

  removePin(seq: number): void {
    this.sql.exec("DELETE FROM pins WHERE seq = ?", seq);
  }

  readPositions(limit: number): ReadPosition[] {
    return this.sql
      .exec<{ seq: number; n: number }>("SELECT seq, n FROM read_positions ORDER BY seq DESC LIMIT ?", limit)
      .toArray()
      .map((r) => ({ seq: r.seq, members: r.n }));
  }

  fileReferenced(fileId: string): boolean {
    return (
      this.sql.exec("SELECT 1 FROM messages WHERE file_id = ? AND deleted = 0 LIMIT 1", fileId).toArray().length > 0
    );
  }

  filePoster(fileId: string): string | null {
    const row = this.sql
      .exec<{ sender_id: string }>(
        "SELECT sender_id FROM messages WHERE file_id = ? AND deleted = 0 ORDER BY seq LIMIT 1",
        fileId,
      )
      .toArray()[0];
    return row?.sender_id ?? null;
  }

  queueReclaim(fileId: string, at: number): void {
    this.sql.exec("INSERT INTO file_reclaim (file_id, queued_at) VALUES (?, ?) ON CONFLICT DO NOTHING", fileId, at);
  }

  reclaimQueued(fileId: string): boolean {
    return this.sql.exec("SELECT 1 FROM file_reclaim WHERE file_id = ?", fileId).toArray().length > 0;
  }

  reclaimQueue(limit: number): string[] {
    return this.sql
      .exec<{ file_id: string }>("SELECT file_id FROM file_reclaim ORDER BY queued_at LIMIT ?", limit)
      .toArray()
      .map((r) => r.file_id);
  }

  reclaimDone(fileId: string): void {
    this.sql.exec("DELETE FROM file_reclaim WHERE file_id = ?", fileId);
  }
}
