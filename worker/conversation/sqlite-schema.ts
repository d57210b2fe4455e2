// The conversation object's SQLite schema: its append-only migration list
// (run by do/migrations.ts on every start) and the search index writer the
// migrations and the store share.
import type { Migration } from "../do/migrations";
import { plainMentions } from "../shared/mentions";
import { indexForms } from "./cjk";

/**
 * Append-only schema history of the object's SQLite. Never edit an entry
 * that has shipped; add a new one.
 */
export const MIGRATIONS: Migration[] = [
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
  {
    id: "0003_search_erasure_files",
    statements: [
      // Finds the edits of a deleted message, whose stored bodies must lose their text.
      `ALTER TABLE events ADD COLUMN target INTEGER`,
      `UPDATE events SET target = json_extract(body, '$.target') WHERE type IN ('edit', 'delete', 'reaction')`,
      `CREATE INDEX events_target_idx ON events (target, type) WHERE target IS NOT NULL`,
      // Counts the live messages that still reference a file, so its bytes go with the last one.
      `ALTER TABLE messages ADD COLUMN file_id TEXT`,
      `UPDATE messages SET file_id = json_extract(file_json, '$.id') WHERE file_json IS NOT NULL`,
      `CREATE INDEX messages_file_idx ON messages (file_id) WHERE file_id IS NOT NULL`,
      `CREATE TABLE file_reclaim (file_id TEXT PRIMARY KEY, queued_at INTEGER NOT NULL)`,
      // Contentless: the text already lives in `messages`; rowid = seq. See cjk.ts for the two columns.
      `CREATE VIRTUAL TABLE messages_fts USING fts5(grams, chars, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
    ],
    run: (sql) => {
      const rows = sql.exec<{ seq: number; text: string }>(
        "SELECT seq, text FROM messages WHERE deleted = 0 AND text IS NOT NULL",
      );
      for (const r of rows) insertIndex(sql, r.seq, r.text);
    },
  },
  {
    id: "0004_unread_ordinals",
    statements: [
      // `ord`: the message's position among all messages; `own_ord`: among its sender's.
      // Unread of anyone is then four indexed lookups (see `unreadCount`), and a
      // message writes its own row only, instead of one counter row per member.
      `ALTER TABLE messages ADD COLUMN ord INTEGER NOT NULL DEFAULT 0`,
      `ALTER TABLE messages ADD COLUMN own_ord INTEGER NOT NULL DEFAULT 0`,
      `UPDATE messages SET ord = w.ord, own_ord = w.own_ord FROM (
         SELECT seq, row_number() OVER (ORDER BY seq) AS ord,
                row_number() OVER (PARTITION BY sender_id ORDER BY seq) AS own_ord FROM messages) AS w
       WHERE messages.seq = w.seq`,
      `CREATE INDEX messages_sender_idx ON messages (sender_id, seq)`,
      `DROP TABLE unread`,
    ],
  },
  {
    id: "0005_inbox_parking",
    statements: [
      // Members whose inbox nobody reads, skipped by notification rounds (see parking.ts).
      `CREATE TABLE inbox_parking (user_id TEXT PRIMARY KEY, parked INTEGER NOT NULL, refreshed_at INTEGER)`,
    ],
  },
  {
    id: "0006_unread_skips_deleted",
    statements: [
      // Deleted messages, by seq: unread subtracts the ones after a read marker (see `unreadCount`),
      // and SQLite keeps this index in the same write as the row's `deleted = 1`, so it needs no
      // write of its own and cannot disagree with the row.
      `CREATE INDEX messages_deleted_idx ON messages (seq, sender_id) WHERE deleted = 1`,
    ],
  },
  {
    id: "0007_members_order",
    statements: [
      // The member list's order and its paging cursor (authority.ts `memberPage`): a page is a keyset read.
      `CREATE INDEX members_order_idx ON members (joined_at, user_id)`,
    ],
  },
  {
    id: "0008_mentions",
    statements: [
      // The folded message's mentions (a JSON array of user ids; null: none), shown with it.
      `ALTER TABLE messages ADD COLUMN mentions_json TEXT`,
      // Who a live message mentions, for each member's unread-mention count (queries.ts). A read
      // drops the reader's rows up to its marker, so the table holds little more than what is unread.
      `CREATE TABLE mentions (user_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (user_id, seq)) WITHOUT ROWID`,
      `CREATE INDEX mentions_seq_idx ON mentions (seq)`,
    ],
  },
  {
    id: "0009_forwards_pins",
    statements: [
      // A forwarded message's origin (ForwardOrigin JSON); erased with the message like its text.
      `ALTER TABLE messages ADD COLUMN forwarded_json TEXT`,
      // The current pinned messages (at most Limits.pinnedMessagesMax); the `pin` events are their history.
      `CREATE TABLE pins (seq INTEGER PRIMARY KEY, pinned_by TEXT NOT NULL, pinned_at INTEGER NOT NULL)`,
    ],
  },
  {
    id: "0010_read_positions",
    statements: [
      // How many current members' read markers sit at each seq (sqlite-store.ts keeps it on every
      // marker move, join and removal): a large group's read counts read its newest rows, never
      // every member's marker (issue 16).
      `CREATE TABLE read_positions (seq INTEGER PRIMARY KEY, n INTEGER NOT NULL)`,
      `INSERT INTO read_positions (seq, n)
         SELECT r.seq, count(*) FROM reads r JOIN members m ON m.user_id = r.user_id WHERE r.seq > 0 GROUP BY r.seq`,
    ],
  },
];

/** Mention tokens are indexed as `@label`: their `(u:<id>)` part is no word anyone searches for. */
export function insertIndex(sql: SqlStorage, seq: number, text: string): void {
  const { grams, chars } = indexForms(plainMentions(text));
  sql.exec("INSERT INTO messages_fts (rowid, grams, chars) VALUES (?, ?, ?)", seq, grams, chars);
}
