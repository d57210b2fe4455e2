// Issue 7 item 8 (socket half): random and malformed frames at the
// conversation object. The socket answers `error` frames or closes with a
// contract close code, never a crash; afterwards the log is intact, an
// observer saw every event exactly once, and a well-formed send still works.
// Strings and numbers come from the hostile dictionary too (fuzz-dictionary.ts);
// fuzz-frames-hostile.test.ts checks the invariants after every single frame.
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { type Conversation, type ConversationEvent, Limits } from "../protocol";
import { join, makeGroup, receivedEvents, receivedSeqs, stubOf, wsPath } from "./conversation-fixtures";
import { hostileNumber, hostileString, toJson } from "./fuzz-dictionary";
import { assertProperty, ERROR_CODES, expectIntactLog, keepAlive } from "./fuzz-invariants";
import { expectSocket, openSocket, signUp, type TestSocket, type TestUser, waitFor } from "./helpers";

const SERVER_FRAME_TYPES = new Set(["welcome", "events", "ack", "typing", "receipt", "error", "pong"]);
/** Close codes the server may use for a client's bad frames; 1011/1006 would mean a crash. */
const FUZZ_CLOSE_CODES = new Set([1007, 1009, 4400]);

const junk = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom("\u0000", "\uD800", "\u202E\u0301", "<img src=x onerror=alert(1)>", "'; DROP TABLE events; --"),
  hostileString,
);
const badNumber = fc.oneof(
  fc.constantFrom(-1, 0, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 999_999),
  hostileNumber,
);
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), junk, badNumber, fc.integer(), fc.constantFrom(null, true));
const frameType = fc.constantFrom("hello", "send", "edit", "delete", "react", "typing", "read", "sync", "ping", "nope");

/** A frame as it goes on the wire: text or binary. */
type Wire = string | Uint8Array;

const wrongTypes = fc
  .record(
    {
      type: frameType,
      clientId: fc.oneof(anyValue, fc.string({ minLength: 1, maxLength: 70 })),
      kind: fc.oneof(anyValue, fc.constantFrom("text", "file", "image", "system")),
      text: fc.oneof(anyValue, junk),
      target: fc.oneof(anyValue, fc.integer({ min: 1, max: 20 })),
      emoji: anyValue,
      on: anyValue,
      lastSeq: anyValue,
      seq: anyValue,
      after: anyValue,
      replyTo: anyValue,
      fileId: anyValue,
    },
    { requiredKeys: ["type"] },
  )
  .map((r) => toJson(r));

/** Valid shapes carrying out-of-range or junk content. */
const almostValid = fc.oneof(
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 8 }), junk)
    .map(([id, text]) => toJson({ type: "send", clientId: `fz-${id}`, kind: "text", text })),
  fc
    .integer({ min: Limits.textMax + 1, max: 6_000 })
    .map((n) => JSON.stringify({ type: "send", clientId: `long-${n}`, kind: "text", text: "x".repeat(n) })),
  fc
    .tuple(fc.constantFrom("edit", "delete", "react"), badNumber, junk)
    .map(([type, target, text]) =>
      toJson({ type, clientId: `t-${toJson(target)}`, target, text, emoji: text, on: true }),
    ),
  fc
    .tuple(fc.constantFrom("read", "sync", "hello"), badNumber)
    .map(([type, n]) => toJson({ type, seq: n, after: n, lastSeq: n })),
);

const oversized = fc
  .integer({ min: Limits.frameMaxBytes + 1, max: Limits.frameMaxBytes + 20_000 })
  .map((n) => JSON.stringify({ type: "send", clientId: "huge", kind: "text", text: "y".repeat(n) }));

const frameArb: fc.Arbitrary<Wire> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 60 }), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.stringify(j)), weight: 2 },
  { arbitrary: wrongTypes, weight: 4 },
  { arbitrary: almostValid, weight: 3 },
  { arbitrary: oversized, weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 1 },
  { arbitrary: almostValid.map((s) => new TextEncoder().encode(s)), weight: 1 },
);

function sendRaw(s: TestSocket, data: Wire): void {
  try {
    s.ws.send(data);
  } catch {
    // The server already closed the socket; later frames have nowhere to go.
  }
}

interface Outcome {
  closed: { code: number; reason: string } | null;
}

/** Waits until the marker is acked or the socket closed; a marker refusal is a failure. */
async function settle(s: TestSocket, marker: string): Promise<Outcome> {
  let closed: Outcome["closed"] = null;
  void s.closed.then((c) => {
    closed = c;
  });
  await waitFor(
    () => closed !== null || s.frames.some((f) => f.clientId === marker && (f.type === "ack" || f.type === "error")),
    10_000,
    `marker ${marker} or close`,
  );
  const markerError = s.frames.find((f) => f.clientId === marker && f.type === "error");
  expect(markerError, "a well-formed send after junk is accepted").toBeUndefined();
  return { closed };
}

function expectContractFrames(s: TestSocket): void {
  for (const f of s.frames) {
    expect(SERVER_FRAME_TYPES.has(f.type), `frame type ${f.type}`).toBe(true);
    if (f.type === "error") {
      expect(ERROR_CODES.has(String(f.code)) && f.code !== "internal", `error code ${String(f.code)}`).toBe(true);
      expect(typeof f.message).toBe("string");
    }
  }
}

let owner: TestUser;
let watcher: TestUser;
/** Who opens each run's socket, in turn: 200 runs from one user would pass SOCKET_USER_LIMIT (120 handshakes a minute). */
let senders: TestUser[];
let group: Conversation;

beforeAll(async () => {
  [owner, watcher] = [await signUp("fs"), await signUp("fs")];
  const others = [await signUp("fs"), await signUp("fs"), await signUp("fs")];
  senders = [owner, ...others];
  group = await makeGroup(owner, [watcher, ...others], "socket fuzz");
  // The limiter has its own tests; here it would turn the marker into rate_limited.
  await runInDurableObject(stubOf(group.id), (obj: ConversationObject) => {
    obj.room.buckets.limit = { perSecond: 1e6, burst: 1e6 };
  });
});

describe("fuzzing conversation socket frames", () => {
  it("junk frames get error frames or a contract close; the log and fan-out stay intact", async () => {
    const observer = await join(group.id, watcher);
    keepAlive(observer);
    let observerClosed: { code: number } | null = null;
    void observer.closed.then((c) => {
      observerClosed = c;
    });
    let run = 0;
    const closes = new Map<number, number>();
    let errorFrames = 0;
    await assertProperty(
      fc.asyncProperty(
        fc.option(frameArb, { freq: 2 }),
        fc.array(frameArb, { minLength: 1, maxLength: 8 }),
        async (first, frames) => {
          run += 1;
          const marker = `marker-${run}`;
          const sender = senders[run % senders.length] as TestUser;
          let s: TestSocket;
          if (first === null) {
            s = await join(group.id, sender);
          } else {
            // Junk as the very first frame: only a valid hello may make the socket live.
            s = expectSocket(await openSocket(wsPath(group.id), sender.accessToken));
            sendRaw(s, first);
            sendRaw(s, JSON.stringify({ type: "hello", lastSeq: 0 }));
          }
          for (const f of frames) sendRaw(s, f);
          sendRaw(s, JSON.stringify({ type: "send", clientId: marker, kind: "text", text: marker }));
          const { closed } = await settle(s, marker);
          if (closed) {
            expect(FUZZ_CLOSE_CODES.has(closed.code), `close code ${closed.code} ${closed.reason}`).toBe(true);
            closes.set(closed.code, (closes.get(closed.code) ?? 0) + 1);
          }
          expectContractFrames(s);
          errorFrames += s.frames.filter((f) => f.type === "error").length;
          s.close();
        },
      ),
      // Fixed seed: the coverage checks below must not depend on the draw.
      { numRuns: 200, seed: 20261127 },
    );
    expectContractFrames(observer);
    // The fuzz really reached each path: refusals, oversized frames, bad first frames.
    expect(errorFrames).toBeGreaterThan(0);
    expect(closes.get(1009) ?? 0).toBeGreaterThan(0);
    expect(closes.get(4400) ?? 0).toBeGreaterThan(0);

    // A fresh socket still works and its message lands in an intact log.
    const s = await join(group.id, owner);
    s.send({ type: "send", clientId: "after-fuzz", kind: "text", text: "still fine" });
    await waitFor(() => s.frames.some((f) => f.type === "ack" && f.clientId === "after-fuzz"), 5000, "ack");
    const log = await expectIntactLog(group.id, owner);
    expect(log.at(-1)).toMatchObject({ type: "message", clientId: "after-fuzz", text: "still fine" });
    // The observer, live throughout, received every event exactly once and in order.
    expect(observerClosed, "the observer stayed connected").toBeNull();
    await waitFor(() => receivedSeqs(observer).at(-1) === log.length, 5000, "observer at head");
    expect(receivedSeqs(observer)).toEqual(log.map((e) => e.seq));
    // Identity only: a `delete` erases the stored text, so the log now differs from what was broadcast.
    const identity = (e: ConversationEvent) => `${e.seq}/${e.type}/${e.senderId}/${e.clientId ?? ""}`;
    expect(receivedEvents(observer).map(identity)).toEqual(log.map(identity));
    s.close();
    observer.close();
  }, 60_000);
});
