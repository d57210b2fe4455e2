// The platform-free core's half of issue 13, point 1, in plain Node: a change
// that throws midway leaves the store (MemoryLogStore's savepoint) and the
// log's memory as they were and sends nothing; the next change takes its seq.
// atomic-changes.test.ts proves the same on the real SQLite store, per write.
import { describe, expect, it } from "vitest";
import type { Message } from "../protocol";
import { MemoryLogStore } from "./memory-store";
import { Room } from "./room";
import type { RoomSocket } from "./room-host";

class FailingStore extends MemoryLogStore {
  failNextPut = false;
  override putMessage(m: Message): void {
    if (this.failNextPut) {
      this.failNextPut = false;
      throw new Error("disk full");
    }
    super.putMessage(m);
  }
}

function setup() {
  const store = new FailingStore();
  const texts: string[] = [];
  const socket: RoomSocket = {
    userId: "bob",
    sessionId: "s",
    exp: Number.MAX_SAFE_INTEGER,
    live: true,
    protocolErrors: 0,
    markLive() {},
    send: (t) => texts.push(t),
    close() {},
  };
  const queued: (() => void)[] = [];
  let appended = 0;
  const room = new Room(
    store,
    { sockets: () => [socket] },
    {
      now: () => 1000,
      schedule: (fn) => queued.push(fn),
      delay: () => {},
      rateLimit: { perSecond: 100, burst: 100 },
      onAppend: () => {
        appended += 1;
      },
    },
  );
  room.log.init({
    id: "c",
    kind: "group",
    title: "t",
    createdAt: 1000,
    createdBy: "alice",
    members: [
      { userId: "alice", role: "owner" },
      { userId: "bob", role: "member" },
    ],
  });
  const run = () => {
    while (queued.length) queued.shift()?.();
  };
  run();
  texts.length = 0;
  return { store, room, texts, run, appended: () => appended };
}

describe("a change that throws midway", () => {
  it("leaves store, head and members as they were, sends nothing, and the same change then succeeds", () => {
    const { store, room, texts, run, appended } = setup();
    store.failNextPut = true;
    const send = { type: "send", clientId: "c1", kind: "text", text: "hello" } as const;
    expect(() => room.change("alice", send)).toThrow("disk full");
    run();
    expect(texts).toEqual([]);
    expect(room.log.head).toBe(1);
    expect(store.events.map((e) => e.seq)).toEqual([1]);
    expect(store.findByClientId("alice", "c1")).toBeNull();

    expect(room.change("alice", send)).toMatchObject({ ok: true, repeated: false, seq: 2 });
    run();
    expect(texts).toHaveLength(1);
    expect(appended()).toBe(2);
  });

  it("a member change that fails keeps the member list (staged state is dropped)", () => {
    const { store, room } = setup();
    const before = [...room.log.members.entries()];
    expect(() =>
      room.log.transact(() => {
        room.log.putMember("carol", "member", 1);
        room.log.removeMember("alice");
        expect(room.log.members.has("carol")).toBe(true);
        expect(room.log.members.has("alice")).toBe(false);
        expect(room.log.members.size).toBe(before.length);
        throw new Error("later step failed");
      }),
    ).toThrow("later step failed");
    expect([...room.log.members.entries()]).toEqual(before);
    expect(store.members().has("carol")).toBe(false);
    expect(room.log.members.has("alice")).toBe(true);
    expect(() => room.log.putMember("dave", "member", 1)).toThrow(/only inside a transaction/);
    expect(room.log.members.has("dave")).toBe(false);
  });
});
