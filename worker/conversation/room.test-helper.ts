// The room test harness: fake sockets and a fake clock, no workerd (used by the room's Node tests).

import type { ConversationEvent } from "../protocol";
import { utf8Length } from "../shared/utf8";
import { MemoryLogStore } from "./memory-store";
import { Room } from "./room";
import type { FlushClock, RoomSocket } from "./room-host";

export type Frame = Record<string, unknown> & { type: string };

export class FakeSocket implements RoomSocket {
  protocolErrors = 0;
  live = false;
  frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  /** UTF-8 bytes the server sent this socket. */
  sentBytes = 0;
  constructor(
    readonly userId: string,
    readonly sessionId = "s1",
    readonly exp = Number.MAX_SAFE_INTEGER,
  ) {}
  markLive() {
    this.live = true;
  }
  send(text: string) {
    this.sentBytes += utf8Length(text);
    this.frames.push(JSON.parse(text));
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
  }
  /** Seqs of every event received, in arrival order. */
  seqs(): number[] {
    return this.frames.flatMap((f) => (f.type === "events" ? (f.events as ConversationEvent[]).map((e) => e.seq) : []));
  }
  ofType(type: string) {
    return this.frames.filter((f) => f.type === type);
  }
}

/**
 * `soon`: the room may flush an isolated change in its own turn (workerd's microtask), as in production.
 * `bulk`: this many more plain members (`m0`, `m1`, …) beside alice (owner) and bob, for large groups.
 */
export function makeRoom({
  soon = false,
  flushClock,
  bulk = 0,
}: {
  soon?: boolean;
  flushClock?: FlushClock;
  bulk?: number;
} = {}) {
  const sockets: FakeSocket[] = [];
  const timers: (() => void)[] = [];
  const microtasks: (() => void)[] = [];
  /** `delay`ed callbacks, run by `advance` once their time has come. */
  let delayed: { at: number; fn: () => void }[] = [];
  let now = 1_000_000;
  const store = new MemoryLogStore();
  const room = new Room(
    store,
    { sockets: () => sockets },
    {
      now: () => now,
      schedule: (fn) => timers.push(fn),
      delay: (fn, ms) => delayed.push({ at: now + ms, fn }),
      ...(soon ? { scheduleSoon: (fn: () => void) => microtasks.push(fn) } : {}),
      ...(flushClock ? { flushClock } : {}),
      rateLimit: { perSecond: 10, burst: 30 },
    },
  );
  room.log.init({
    id: "c_test",
    kind: "group",
    title: "t",
    createdAt: now,
    createdBy: "alice",
    members: [
      { userId: "alice", role: "owner" },
      { userId: "bob", role: "member" },
      ...Array.from({ length: bulk }, (_, i) => ({ userId: `m${i}`, role: "member" as const })),
    ],
  });
  while (timers.length) timers.shift()?.();
  while (microtasks.length) microtasks.shift()?.();
  const connect = (userId: string, sessionId = "s1") => {
    const s = new FakeSocket(userId, sessionId);
    sockets.push(s);
    return s;
  };
  const frame = (s: FakeSocket, f: unknown) => room.onFrame(s, JSON.stringify(f));
  /** Runs scheduled flushes, as the event loop would after the queued frames. */
  const tick = () => {
    while (timers.length) timers.shift()?.();
  };
  /** Runs the flushes queued as microtasks, as the end of the current turn would. */
  const endTurn = () => {
    while (microtasks.length) microtasks.shift()?.();
  };
  const queued = () => ({ timers: timers.length, microtasks: microtasks.length });
  /** Moves the clock, running each delayed callback at its time, in time order. */
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = delayed.filter((d) => d.at <= end).sort((x, y) => x.at - y.at)[0];
      if (!due) break;
      delayed = delayed.filter((d) => d !== due);
      now = Math.max(now, due.at);
      due.fn();
    }
    now = end;
  };
  const pendingDelays = () => delayed.length;
  return { room, store, connect, frame, tick, endTurn, queued, advance, pendingDelays };
}

export const send = (clientId: string, text = clientId) => ({ type: "send", clientId, kind: "text", text });
