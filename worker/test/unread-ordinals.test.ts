// Changes go straight to the log (no rate limit, no sockets): this tests the store.
// Unread counts come from message ordinals (sqlite-store.ts, migration 0004):
// checked against a brute-force count, and for a log written before the ordinals existed.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { SqliteLogStore } from "../conversation/sqlite-store";
import type { LogStore } from "../conversation/store";
import { makeGroup, rng, stubOf } from "./conversation-fixtures";
import { signUp } from "./helpers";

/** The contract's definition, the slow way: live (not deleted) messages by others with seq > the read marker. */
function bruteUnread(sql: SqlStorage, userId: string): number {
  const read = sql.exec<{ seq: number }>("SELECT seq FROM reads WHERE user_id = ?", userId).toArray()[0]?.seq ?? 0;
  return sql
    .exec<{ n: number }>(
      "SELECT count(*) AS n FROM messages WHERE seq > ? AND sender_id != ? AND deleted = 0",
      read,
      userId,
    )
    .one().n;
}

/** What a summary reports: the count after the user's read marker. */
const unread = (store: LogStore, userId: string) => store.unreadCount(userId, store.getRead(userId));

describe("unread from message ordinals", () => {
  it("equals the brute-force count for every member through sends, edits, deletes and reads", async () => {
    const [a, b, c] = [await signUp("oa"), await signUp("ob"), await signUp("oc")];
    const group = await makeGroup(a, [b, c]);
    const ids = [a.user.id, b.user.id, c.user.id];
    await runInDurableObject(stubOf(group.id), (obj: ConversationObject, state) => {
      const { store } = obj.room.log;
      const sql = state.storage.sql;
      const r = rng(7);
      const pick = () => ids[Math.floor(r() * ids.length)] as string;
      const sent: { seq: number; by: string }[] = [];
      let checks = 0;
      for (let i = 0; i < 300; i++) {
        const who = pick();
        const roll = r();
        if (roll < 0.6 || sent.length === 0) {
          const res = obj.room.log.apply(who, { type: "send", clientId: `m${i}`, kind: "text", text: `hello ${i}` });
          if (!res.ok) throw new Error(res.message);
          sent.push({ seq: res.seq, by: who });
        } else if (roll < 0.75) {
          const target = sent[Math.floor(r() * sent.length)];
          if (target)
            obj.room.log.apply(target.by, { type: "edit", clientId: `e${i}`, target: target.seq, text: `edit ${i}` });
        } else if (roll < 0.85) {
          const target = sent[Math.floor(r() * sent.length)];
          if (target) obj.room.log.apply(target.by, { type: "delete", clientId: `d${i}`, target: target.seq });
        } else {
          store.setRead(who, Math.floor(r() * (obj.room.log.head + 1)));
        }
        for (const id of ids) {
          expect(unread(store, id), `member ${id} after step ${i}`).toBe(bruteUnread(sql, id));
          checks += 1;
        }
      }
      expect(checks).toBe(900);
      // Someone with nothing read and others' messages in the log has a non-zero count: the check is not vacuous.
      expect(ids.some((id) => unread(store, id) > 0)).toBe(true);
    });
  });

  it("backfills the ordinals of a log written before they existed", async () => {
    const [a, b] = [await signUp("ma"), await signUp("mb")];
    const group = await makeGroup(a, [b]);
    await runInDurableObject(stubOf(group.id), (obj: ConversationObject, state) => {
      const sql = state.storage.sql;
      for (let i = 0; i < 40; i++) {
        const who = i % 3 === 0 ? b.user.id : a.user.id;
        const res = obj.room.log.apply(who, { type: "send", clientId: `p${i}`, kind: "text", text: `pre ${i}` });
        if (!res.ok) throw new Error(res.message);
      }
      obj.room.log.store.setRead(b.user.id, 20);
      // Back to the schema before 0004: no ordinal columns, the per-member counter table.
      sql.exec("DROP INDEX messages_sender_idx");
      sql.exec("ALTER TABLE messages DROP COLUMN ord");
      sql.exec("ALTER TABLE messages DROP COLUMN own_ord");
      sql.exec("CREATE TABLE unread (user_id TEXT PRIMARY KEY, n INTEGER NOT NULL)");
      sql.exec("DELETE FROM _migrations WHERE id = '0004_unread_ordinals'");

      const store = new SqliteLogStore(state.storage);
      for (const id of [a.user.id, b.user.id]) expect(unread(store, id)).toBe(bruteUnread(sql, id));
      expect(unread(store, b.user.id)).toBeGreaterThan(0);
      const gone = sql.exec("SELECT name FROM sqlite_master WHERE name = 'unread'").toArray();
      expect(gone).toEqual([]);
      // New messages continue the backfilled ordinals.
      store.addMessage({
        seq: obj.room.log.head + 1,
        senderId: a.user.id,
        clientId: "after",
        kind: "text",
        text: "after",
        createdAt: Date.now(),
        reactions: {},
      });
      for (const id of [a.user.id, b.user.id]) expect(unread(store, id)).toBe(bruteUnread(sql, id));
    });
  });
});
