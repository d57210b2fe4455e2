// Issue 13, point 1: every change is all or nothing. Each change type runs
// on the real object and its real SQLite; a write that throws is injected at
// step 1, 2, 3, ... of the change until the change has fewer steps than that.
// After each failure: every table exactly as before, head = the last stored
// event, the log gap-free, nothing sent or closed on any socket, and the same
// change (same clientId) then succeeds and reaches every socket once.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { forwardKey } from "../conversation/forward";
import type { InitInput } from "../conversation/log";
import type { FileFacts } from "../conversation/message-file";
import type { ConversationObject } from "../conversation/object";
import { type Facts, NO_FACTS } from "../conversation/prefetch";
import type { Refusal } from "../conversation/results";
import { newId } from "../ids";
import type { ChangeFrame } from "../protocol";
import { mentionToken } from "../shared/mentions";
import { stubOf } from "./conversation-fixtures";
import { dumpTables, FakeSocket, Faults, faultyObject, InjectedFault, logShape } from "./fault-harness";
import { waitFor } from "./helpers";

const [O, A, M, X] = ["usr_owner", "usr_admin", "usr_member", "usr_extra"] as const;

interface Run {
  id: string;
  obj: ConversationObject;
  sockets: FakeSocket[];
  socketOf(userId: string): FakeSocket;
  /** A message (or other seq) the setup made for the act to point at. */
  target: number;
}

interface Scenario {
  name: string;
  /** The act is `init` itself, on an empty object. */
  empty?: true;
  setup?(r: Run): void;
  /** The change under test; called for the failing try and again for the retry. */
  act(r: Run): unknown;
  /** Goes through a socket frame: a failure reaches its sender as an `internal` error frame (read: nothing). */
  viaSocket?: "change" | "read";
}

const initInput = (id: string): InitInput => ({
  id,
  kind: "group",
  title: "atomic",
  createdAt: Date.now(),
  createdBy: O,
  members: [
    { userId: O, role: "owner" },
    { userId: A, role: "admin" },
    { userId: M, role: "member" },
  ],
});

const imageFacts = (r: Run): Map<string, FileFacts> =>
  new Map([
    [
      "file_1",
      { id: "file_1", conversationId: r.id, name: "a.png", size: 10, status: "ready", detectedType: "image/png" },
    ],
  ]);

function ok<T extends { ok: true }>(result: T | Refusal): T {
  if (!result.ok) throw new Error(`refused: ${result.code} ${result.message}`);
  return result;
}

const change = (r: Run, userId: string, frame: ChangeFrame, files?: Map<string, FileFacts>) =>
  ok(r.obj.room.change(userId, frame, files ? { ...NO_FACTS, files } : undefined));
/** A text naming `mentioned` (no blocks among them), as the object's lookups would hand it over. */
const mentioning = (r: Run, userId: string, clientId: string, mentioned: string[], target?: number) => {
  const text = `${mentioned.map((id) => mentionToken(id, id)).join(" ")} hi`;
  const frame: ChangeFrame =
    target === undefined ? { type: "send", clientId, kind: "text", text } : { type: "edit", clientId, target, text };
  const facts = { ...NO_FACTS, mentionBlocks: { checked: new Set(mentioned), blocked: new Set<string>() } };
  return ok(r.obj.room.change(userId, frame, facts));
};
const forwardSource = { conversationId: "c_source", seq: 7 };
const forwardFrame: ChangeFrame = { type: "forward", clientId: "c", from: forwardSource };
const forwardFacts = (r: Run): Facts => ({
  ...NO_FACTS,
  forwards: new Map([
    [
      forwardKey(forwardSource),
      {
        ok: true,
        kind: "image",
        text: "caption",
        file: { id: "file_9", name: "b.png", size: 3, contentType: "image/png" },
        origin: { senderId: X, name: `Extra of ${r.id}`, createdAt: 1 },
      },
    ],
  ]),
});
const sendText = (r: Run, userId: string, clientId: string) =>
  change(r, userId, { type: "send", clientId, kind: "text", text: `hello ${clientId}` }).seq;

const SCENARIOS: Scenario[] = [
  { name: "init", empty: true, act: (r) => r.obj.init(initInput(r.id)) },
  { name: "send text", act: (r) => change(r, M, { type: "send", clientId: "c", kind: "text", text: "hi there" }) },
  {
    name: "send file",
    act: (r) => change(r, M, { type: "send", clientId: "c", kind: "image", fileId: "file_1" }, imageFacts(r)),
  },
  {
    name: "reply",
    setup: (r) => {
      r.target = sendText(r, A, "s");
    },
    act: (r) => change(r, M, { type: "send", clientId: "c", kind: "text", text: "re", replyTo: r.target }),
  },
  {
    name: "edit",
    setup: (r) => {
      r.target = sendText(r, M, "s");
    },
    act: (r) => change(r, M, { type: "edit", clientId: "c", target: r.target, text: "edited words" }),
  },
  {
    name: "delete, erasing the message and its edits",
    setup: (r) => {
      r.target = sendText(r, M, "s");
      change(r, M, { type: "edit", clientId: "e1", target: r.target, text: "first edit" });
      change(r, M, { type: "edit", clientId: "e2", target: r.target, text: "second edit" });
    },
    act: (r) => change(r, M, { type: "delete", clientId: "c", target: r.target }),
  },
  {
    name: "delete of a file message by an admin (file reclaim queued)",
    setup: (r) => {
      r.target = change(r, M, { type: "send", clientId: "s", kind: "image", fileId: "file_1" }, imageFacts(r)).seq;
    },
    act: (r) => change(r, A, { type: "delete", clientId: "c", target: r.target }),
  },
  {
    name: "react on",
    setup: (r) => {
      r.target = sendText(r, M, "s");
    },
    act: (r) => change(r, A, { type: "react", clientId: "c", target: r.target, emoji: "👍", on: true }),
  },
  {
    name: "react off",
    setup: (r) => {
      r.target = sendText(r, M, "s");
      change(r, A, { type: "react", clientId: "r1", target: r.target, emoji: "👍", on: true });
    },
    act: (r) => change(r, A, { type: "react", clientId: "c", target: r.target, emoji: "👍", on: false }),
  },
  { name: "send with mentions", act: (r) => mentioning(r, M, "c", [O, A]) },
  {
    name: "edit re-parsing mentions",
    setup: (r) => {
      r.target = mentioning(r, M, "s", [O]).seq;
    },
    act: (r) => mentioning(r, M, "c", [A], r.target),
  },
  {
    name: "delete of a message with mentions",
    setup: (r) => {
      r.target = mentioning(r, M, "s", [O, A]).seq;
    },
    act: (r) => change(r, M, { type: "delete", clientId: "c", target: r.target }),
  },
  {
    name: "read marker past a mention (its rows dropped)",
    viaSocket: "read",
    setup: (r) => {
      r.target = mentioning(r, O, "s", [M, A]).seq;
    },
    act: (r) => {
      const frame = JSON.stringify({ type: "read", seq: r.target });
      void r.obj.webSocketMessage(r.socketOf(M) as unknown as WebSocket, frame);
    },
  },
  {
    name: "send through a socket frame",
    viaSocket: "change",
    act: (r) => {
      const frame = JSON.stringify({ type: "send", clientId: "c", kind: "text", text: "by socket" });
      void r.obj.webSocketMessage(r.socketOf(M) as unknown as WebSocket, frame);
      r.obj.room.flush();
    },
  },
  {
    name: "read marker",
    viaSocket: "read",
    setup: (r) => {
      r.target = sendText(r, O, "s");
    },
    act: (r) => {
      const frame = JSON.stringify({ type: "read", seq: r.target });
      void r.obj.webSocketMessage(r.socketOf(M) as unknown as WebSocket, frame);
    },
  },
  {
    name: "forward (the source's answer gathered before)",
    act: (r) => ok(r.obj.room.change(M, forwardFrame, forwardFacts(r))),
  },
  {
    name: "pin",
    setup: (r) => {
      r.target = sendText(r, M, "s");
    },
    act: (r) => change(r, A, { type: "pin", clientId: "c", target: r.target, on: true }),
  },
  {
    name: "unpin",
    setup: (r) => {
      r.target = sendText(r, M, "s");
      change(r, A, { type: "pin", clientId: "p1", target: r.target, on: true });
    },
    act: (r) => change(r, O, { type: "pin", clientId: "c", target: r.target, on: false }),
  },
  {
    name: "delete of a pinned message (unpinned with it)",
    setup: (r) => {
      r.target = sendText(r, M, "s");
      change(r, A, { type: "pin", clientId: "p1", target: r.target, on: true });
    },
    act: (r) => change(r, M, { type: "delete", clientId: "c", target: r.target }),
  },
  {
    name: "member add",
    act: (r) => ok(r.obj.changeMembers(O, { action: "added", userIds: [X], notFriends: [], blocked: [] })),
  },
  {
    name: "member remove",
    setup: (r) => ok(r.obj.changeMembers(O, { action: "added", userIds: [X], notFriends: [], blocked: [] })),
    act: (r) => ok(r.obj.changeMembers(A, { action: "removed", userId: X })),
  },
  {
    name: "member leaves",
    setup: (r) => ok(r.obj.changeMembers(O, { action: "added", userIds: [X], notFriends: [], blocked: [] })),
    act: (r) => ok(r.obj.changeMembers(X, { action: "removed", userId: X })),
  },
  {
    name: "owner leaves (ownership passes on: two events)",
    act: (r) => ok(r.obj.changeMembers(O, { action: "removed", userId: O })),
  },
  { name: "role", act: (r) => ok(r.obj.changeMembers(O, { action: "role", userId: M, role: "admin" })) },
  { name: "rename", act: (r) => ok(r.obj.changeMembers(A, { action: "renamed", title: "renamed" })) },
];

/** The in-memory state a failed change must leave alone. */
const memoryOf = (obj: ConversationObject) => {
  const { log } = obj.room;
  return { head: log.head, meta: log.meta, members: [...log.members.entries()] };
};

/**
 * One try with a fault at write `n`. Returns false when the change made fewer
 * than `n` writes (it then simply succeeded and there is no later step).
 */
async function tryWithFaultAt(s: Scenario, n: number): Promise<boolean> {
  const id = newId("c");
  return runInDurableObject(stubOf(id), async (_runtimeInstance, state) => {
    const faults = new Faults();
    const sockets = [O, A, M].map((u) => new FakeSocket(u));
    const obj = faultyObject(state, faults, sockets);
    const socketOf = (u: string) => sockets.find((k) => k.userId === u) ?? new FakeSocket(u);
    const r: Run = { id, obj, sockets, socketOf, target: 0 };
    const sql = state.storage.sql;
    if (!s.empty) obj.init(initInput(id));
    s.setup?.(r);
    const setupHead = obj.room.log.head;
    await waitFor(() => sockets.every((k) => k.highestSeq() >= setupHead), 5000, "the setup's fan-out");
    for (const k of sockets) k.frames = [];

    const tables = dumpTables(sql);
    const memory = memoryOf(obj);
    faults.arm(n);
    let thrown: unknown = null;
    try {
      s.act(r);
    } catch (err) {
      thrown = err;
    }
    faults.disarm();
    const where = `${s.name}, write ${n}`;
    if (faults.fired === null) {
      expect(thrown, where).toBeNull();
      expect(n, `${s.name} writes nothing`).toBeGreaterThan(1);
      return false;
    }

    // Nothing of the failed change is stored or remembered.
    if (s.viaSocket) expect(thrown, where).toBeNull();
    else expect(thrown, where).toBeInstanceOf(InjectedFault);
    expect(dumpTables(sql), where).toEqual(tables);
    expect(memoryOf(obj), where).toEqual(memory);
    const shape = logShape(sql);
    expect(shape, where).toEqual({ count: memory.head, min: memory.head > 0 ? 1 : 0, max: memory.head });

    // The same change, same clientId, now goes through: a new event, not a "repeat".
    const retried = s.act(r);
    if (retried && typeof retried === "object" && "repeated" in retried) expect(retried.repeated, where).toBe(false);
    const head = obj.room.log.head;
    expect(logShape(sql), where).toEqual({ count: head, min: 1, max: head });
    if (s.viaSocket === "read") expect(obj.room.log.store.getRead(M), where).toBe(r.target);
    else expect(head, where).toBeGreaterThan(memory.head);

    // Every socket gets the retry's events once, and nothing from the failed try.
    const members = new Set(obj.room.log.members.keys());
    const listening = sockets.filter((k) => members.has(k.userId));
    if (s.viaSocket === "read") {
      await waitFor(() => listening.every((k) => k.frames.length > 0), 5000, "receipts");
    } else {
      await waitFor(() => listening.every((k) => k.highestSeq() >= head), 5000, `${where}: the retry's fan-out`);
    }
    const expected = Array.from({ length: head - memory.head }, (_, i) => memory.head + 1 + i);
    for (const k of listening) {
      expect(
        k.events().map((e) => e.seq),
        `${where}: events on ${k.userId}`,
      ).toEqual(expected);
      const others = k.frames.filter((f) => f.type !== "events").map((f) => [f.type, f.code ?? null]);
      const own: [string, unknown][] =
        s.viaSocket === "change" && k.userId === M
          ? [
              ["error", "internal"],
              ["ack", null],
            ]
          : s.viaSocket === "read"
            ? [["receipt", null]]
            : [];
      expect(others, `${where}: other frames on ${k.userId}`).toEqual(own);
    }
    // A socket is closed only by the change that went through (the owner who left).
    for (const k of sockets)
      expect(k.closes, `${where}: closes of ${k.userId}`).toEqual(members.has(k.userId) ? [] : [4003]);
    return true;
  });
}

describe("every change is all or nothing (a write fails at each step in turn)", () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_name, s) => {
    let n = 1;
    while (await tryWithFaultAt(s, n)) n += 1;
    // At least the event row and one write it implies were tried.
    expect(n, s.name).toBeGreaterThan(2);
  });
});
