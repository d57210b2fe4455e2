// One suite for every LogStore (tldraw's way with its two storages): the
// SQLite store runs it in workerd (worker/test/sqlite-store.test.ts), the
// in-memory one that drives the room's Node tests in Node
// (memory-store.node.test.ts), so the Node tests prove what the real store does.
import { describe, expect, it } from "vitest";
import type { Message } from "../protocol";
import type { AppendedEvent, LogStore } from "./store";

/** Runs `fn` on a fresh, empty store (in workerd: inside a fresh object). */
export type WithStore = (fn: (store: LogStore) => void) => Promise<void>;

const event = (seq: number, over: Partial<AppendedEvent> = {}): AppendedEvent => ({
  seq,
  createdAt: 1000 + seq,
  body: JSON.stringify({ seq }),
  type: "message",
  senderId: "alice",
  clientId: `c${seq}`,
  target: null,
  ...over,
});

const message = (seq: number, over: Partial<Message> = {}): Message => ({
  seq,
  senderId: "alice",
  clientId: `c${seq}`,
  kind: "text",
  text: `hello ${seq}`,
  createdAt: 1000 + seq,
  reactions: {},
  ...over,
});

/** Appends the event and the message row of seq, as the log does for a send. */
function send(store: LogStore, seq: number, over: Partial<Message> = {}): void {
  const m = message(seq, over);
  store.append(event(seq, { senderId: m.senderId, clientId: m.clientId, createdAt: m.createdAt }));
  store.addMessage(m);
}

export function logStoreContract(name: string, withStore: WithStore): void {
  describe(`LogStore contract: ${name}`, () => {
    it("a transaction that throws leaves nothing; a nested one that throws undoes only its own writes", () =>
      withStore((store) => {
        expect(() =>
          store.transaction(() => {
            send(store, 1);
            store.setRead("bob", 1);
            throw new Error("midway");
          }),
        ).toThrow("midway");
        expect(store.head()).toBe(0);
        expect(store.findByClientId("alice", "c1")).toBeNull();
        expect(store.getMessage(1)).toBeNull();
        expect(store.getRead("bob")).toBe(0);
        store.transaction(() => {
          send(store, 1);
          try {
            store.transaction(() => {
              send(store, 2);
              throw new Error("inner");
            });
          } catch {}
        });
        expect(store.head()).toBe(1);
        expect(store.findByClientId("alice", "c1")).toMatchObject({ seq: 1 });
        expect(store.findByClientId("alice", "c2")).toBeNull();
      }));

    it("keeps meta and members; the successor is the longest-standing admin, else member", () =>
      withStore((store) => {
        expect(store.getMeta()).toBeNull();
        const meta = { id: "c_1", kind: "group" as const, title: "t", createdAt: 1, createdBy: "alice" };
        store.setMeta(meta);
        expect(store.getMeta()).toEqual(meta);
        store.putMember("alice", "owner", 1);
        store.putMember("bob", "member", 2);
        store.putMember("carol", "member", 3);
        expect(store.successor()).toBe("bob");
        store.putMember("carol", "admin", 99); // a role change keeps the join time
        expect(store.successor()).toBe("carol");
        store.removeMember("carol");
        expect([...store.members()].sort()).toEqual([
          ["alice", "owner"],
          ["bob", "member"],
        ]);
      }));

    it("appends events in seq order and finds them by seq, clientId and target", () =>
      withStore((store) => {
        for (let seq = 1; seq <= 5; seq++) store.append(event(seq));
        store.append(event(6, { type: "edit", clientId: "e", target: 2 }));
        expect(store.head()).toBe(6);
        expect(store.eventsAfter(1, 4, 10).map((e) => e.seq)).toEqual([2, 3, 4]);
        expect(store.eventsAfter(0, 6, 2).map((e) => e.seq)).toEqual([1, 2]);
        expect(store.getEvent(3)).toEqual({ seq: 3, createdAt: 1003, body: '{"seq":3}' });
        expect(store.findByClientId("alice", "c4")?.seq).toBe(4);
        expect(store.findByClientId("bob", "c4")).toBeNull();
        expect(store.eventsTargeting(2, "edit").map((e) => e.seq)).toEqual([6]);
        store.rewriteEvent(6, '{"erased":true}');
        expect(store.getEvent(6)?.body).toBe('{"erased":true}');
      }));

    it("folds messages, pages them by seq and by time, and counts unread without deleted ones", () =>
      withStore((store) => {
        for (let seq = 1; seq <= 4; seq++) send(store, seq, { senderId: seq % 2 ? "alice" : "bob" });
        store.putMessage({ ...message(3), text: null, deleted: true });
        expect(store.getMessage(3)).toMatchObject({ deleted: true, text: null });
        expect(store.messagesBefore(4, 2).map((m) => m.seq)).toEqual([3, 2]);
        expect(store.messagesBetween(1002, 1004, 0, 10).map((m) => m.seq)).toEqual([2, 3]);
        expect(store.messagesBetween(1002, 1005, 2, 10).map((m) => m.seq)).toEqual([3, 4]);
        expect(store.lastMessage()?.seq).toBe(4);
        // bob: alice's 1 and 3, 3 deleted.
        expect(store.unreadCount("bob", 0)).toBe(1);
        expect(store.unreadCount("alice", 1)).toBe(2);
        store.putMessage({ ...message(2, { senderId: "bob" }), reactions: { "👍": ["alice"] } });
        expect(store.getMessage(2)?.reactions).toEqual({ "👍": ["alice"] });
      }));

    it("searches indexed text, newest first, and forgets text taken out of the index", () =>
      withStore((store) => {
        send(store, 1, { text: "apple pie" });
        send(store, 2, { text: "apple tart" });
        send(store, 3, { text: "pear" });
        expect(store.searchMessages(["apple"], 10, 10).map((m) => m.seq)).toEqual([2, 1]);
        expect(store.searchMessages(["apple"], 2, 10).map((m) => m.seq)).toEqual([1]);
        store.indexText(1, null);
        expect(store.searchMessages(["apple"], 10, 10).map((m) => m.seq)).toEqual([2]);
      }));

    it("moves read markers forward only", () =>
      withStore((store) => {
        store.setRead("bob", 5);
        store.setRead("bob", 3);
        expect(store.getRead("bob")).toBe(5);
        expect(store.getRead("carol")).toBe(0);
        expect([...store.readMarkers()]).toEqual([["bob", 5]]);
      }));

    it("keeps a message's mentions and counts each user's after a marker; a read drops what it passed", () =>
      withStore((store) => {
        send(store, 1, { mentions: ["bob", "carol"] });
        store.setMentions(1, ["bob", "carol"]);
        send(store, 2);
        send(store, 3, { mentions: ["bob"] });
        store.setMentions(3, ["bob"]);
        expect(store.getMessage(1)?.mentions).toEqual(["bob", "carol"]);
        expect(store.getMessage(2)).not.toHaveProperty("mentions");
        expect(store.unreadMentions("bob", 0)).toEqual({ count: 2, last: 3 });
        expect(store.unreadMentions("bob", 1)).toEqual({ count: 1, last: 3 });
        expect(store.unreadMentions("dave", 0)).toEqual({ count: 0, last: 0 });
        store.setRead("carol", 2);
        expect(store.unreadMentions("carol", 0)).toEqual({ count: 0, last: 0 });
        store.setRead("bob", 1);
        expect([...store.unreadMentionsAll()]).toEqual([["bob", { count: 1, last: 3 }]]);
        // An edit (or a delete) replaces the message's rows.
        store.setMentions(3, ["carol"]);
        expect(store.unreadMentions("bob", 1)).toEqual({ count: 0, last: 0 });
        expect([...store.unreadMentionsAll()]).toEqual([["carol", { count: 1, last: 3 }]]);
        store.setMentions(3, []);
        expect(store.unreadMentionsAll().size).toBe(0);
      }));

    it("counts current members' read positions, newest first, through moves, removals and re-adds", () =>
      withStore((store) => {
        for (const u of ["ann", "bob", "cat", "dan"]) store.putMember(u, "member", 1);
        store.setRead("ann", 4);
        store.setRead("bob", 4);
        store.setRead("cat", 2);
        store.setRead("cat", 1);
        store.setRead("outsider", 9);
        expect(store.readPositions(10)).toEqual([
          { seq: 4, members: 2 },
          { seq: 2, members: 1 },
        ]);
        store.setRead("bob", 7);
        store.removeMember("ann");
        expect(store.readPositions(10)).toEqual([
          { seq: 7, members: 1 },
          { seq: 2, members: 1 },
        ]);
        expect(store.readPositions(1)).toEqual([{ seq: 7, members: 1 }]);
        store.putMember("ann", "member", 5);
        store.putMember("ann", "admin", 5);
        store.putMember("outsider", "member", 5);
        expect(store.readPositions(10)).toEqual([
          { seq: 9, members: 1 },
          { seq: 7, members: 1 },
          { seq: 4, members: 1 },
          { seq: 2, members: 1 },
        ]);
        expect(() =>
          store.transaction(() => {
            store.setRead("dan", 9);
            throw new Error("rolled back");
          }),
        ).toThrow("rolled back");
        expect(store.readPositions(1)).toEqual([{ seq: 9, members: 1 }]);
      }));

    it("knows which files live messages reference and queues files to reclaim once each", () =>
      withStore((store) => {
        const file = { id: "f_1", name: "a.png", size: 1, contentType: "image/png" };
        send(store, 1, { kind: "image", text: null, file });
        expect(store.fileReferenced("f_1")).toBe(true);
        expect(store.filePoster("f_1")).toBe(message(1, {}).senderId);
        expect(store.filePoster("f_2")).toBeNull();
        store.putMessage({ ...message(1, { kind: "image", text: null, file }), deleted: true });
        expect(store.fileReferenced("f_1")).toBe(false);
        expect(store.filePoster("f_1")).toBeNull();
        store.queueReclaim("f_1", 10);
        store.queueReclaim("f_1", 20);
        store.queueReclaim("f_0", 5);
        expect(store.reclaimQueued("f_1")).toBe(true);
        expect(store.reclaimQueue(10)).toEqual(["f_0", "f_1"]);
        store.reclaimDone("f_0");
        expect(store.reclaimQueue(10)).toEqual(["f_1"]);
      }));

    it("keeps a forwarded message's origin, and pins in pin order, each message once", () =>
      withStore((store) => {
        const forwardedFrom = { senderId: "carol", name: "Carol", createdAt: 5 };
        send(store, 1, { forwardedFrom });
        send(store, 2);
        expect(store.getMessage(1)?.forwardedFrom).toEqual(forwardedFrom);
        expect(store.getMessage(2)).not.toHaveProperty("forwardedFrom");
        store.putMessage({ ...message(1), reactions: { "👍": ["bob"] }, forwardedFrom });
        expect(store.getMessage(1)?.forwardedFrom).toEqual(forwardedFrom);
        store.setPin({ seq: 2, pinnedBy: "bob", pinnedAt: 20 });
        store.setPin({ seq: 1, pinnedBy: "bob", pinnedAt: 30 });
        store.setPin({ seq: 2, pinnedBy: "alice", pinnedAt: 40 });
        expect(store.pins()).toEqual([
          { seq: 2, pinnedBy: "bob", pinnedAt: 20 },
          { seq: 1, pinnedBy: "bob", pinnedAt: 30 },
        ]);
        store.removePin(2);
        store.removePin(7);
        expect(store.pins().map((p) => p.seq)).toEqual([1]);
      }));
  });
}
