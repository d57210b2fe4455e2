// Issue 13 points 4 and 6 on real sockets: sweeps due at each socket's
// deadline, closes at token expiry for sockets that only ping, the inbox
// frame cap in bytes, the per-socket frame budget, strict binary frames.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import type { InboxObject } from "../inbox/object";
import { CloseCode, Limits } from "../protocol";
import { utf8Length } from "../shared/utf8";
import { join, makeGroup, receivedSeqs, stubOf, wsPath } from "./conversation-fixtures";
import { befriend, expectSocket, openSocket, signUp, type TestSocket, waitFor } from "./helpers";
import { framesOf, INBOX_PATH, inboxOf, keepAlive, openInbox, say } from "./inbox-fixtures";
import { shortLived } from "./token-fixtures";

const timeout = Number(env.HEARTBEAT_TIMEOUT_MS);

/** The accept time of the object's only open socket, and the alarm it has set. */
async function sweepState(state: DurableObjectState): Promise<{ acceptedAt: number; alarm: number | null }> {
  const open = state.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN);
  expect(open).toHaveLength(1);
  const att: unknown = open[0]?.deserializeAttachment();
  const acceptedAt = typeof att === "object" && att !== null && "acceptedAt" in att ? att.acceptedAt : null;
  if (typeof acceptedAt !== "number") throw new Error("no acceptedAt in the attachment");
  return { acceptedAt, alarm: await state.storage.getAlarm() };
}

/** Counts the UTF-8 bytes the server sends to a socket. */
function countBytes(s: TestSocket): () => number {
  let bytes = 0;
  s.ws.addEventListener("message", (e) => {
    bytes += typeof e.data === "string" ? utf8Length(e.data) : e.data.byteLength;
  });
  return () => bytes;
}

describe("heartbeat sweep at the earliest deadline", () => {
  it("conversation: the alarm is due when the silent socket's timeout ends, not half a timeout later", async () => {
    const [a, b] = [await signUp("sw"), await signUp("sw")];
    const group = await makeGroup(a, [b]);
    // No frame at all: the socket's deadline is its accept time plus the timeout.
    const s = expectSocket(await openSocket(wsPath(group.id), a.accessToken));
    const check = () =>
      runInDurableObject(stubOf(group.id), async (_obj: ConversationObject, state) => {
        const { acceptedAt, alarm } = await sweepState(state);
        expect(alarm).toBe(acceptedAt + timeout);
      });
    await check();
    // A sweep before the deadline closes nothing and is due again at the same deadline.
    await runDurableObjectAlarm(stubOf(group.id));
    await check();
    expect(await s.closed).toEqual({ code: 1000, reason: "heartbeat timeout" });
  });

  it("inbox: the alarm is due at the silent socket's deadline; past it the user is offline", async () => {
    const [a, b] = [await signUp("sw"), await signUp("sw")];
    await befriend(a, b);
    const watcher = await openInbox(b);
    const stop = keepAlive(watcher);
    const s = await openInbox(a);
    const check = () =>
      runInDurableObject(inboxOf(a.user.id), async (_obj: InboxObject, state) => {
        const { acceptedAt, alarm } = await sweepState(state);
        expect(alarm).toBe(acceptedAt + timeout);
      });
    await check();
    await runDurableObjectAlarm(inboxOf(a.user.id));
    await check();
    expect(await s.closed).toEqual({ code: 1000, reason: "heartbeat timeout" });
    await waitFor(() => framesOf(watcher, "presence").some((p) => p.userId === a.user.id && p.status === "offline"));
    stop();
    watcher.close();
  });
});

describe("token expiry on open sockets", () => {
  it("an inbox socket that only pings is closed with 4001 at its token's expiry; friends see it offline", async () => {
    const [a, b] = [await signUp("ie"), await signUp("ie")];
    await befriend(a, b);
    const watcher = await openInbox(b);
    const stopWatcher = keepAlive(watcher);
    const short = await shortLived(a, 2);
    const s = await openInbox(short);
    keepAlive(s);
    await waitFor(() => framesOf(watcher, "presence").some((p) => p.userId === a.user.id && p.status === "online"));
    expect(await s.closed).toEqual({ code: CloseCode.unauthorized, reason: "token expired" });
    expect(Date.now()).toBeGreaterThanOrEqual(short.exp * 1000);
    await waitFor(() => framesOf(watcher, "presence").some((p) => p.userId === a.user.id && p.status === "offline"));
    stopWatcher();
    watcher.close();
  });
});

describe("inbox frame cap", () => {
  it("counts UTF-8 bytes: 30,000 CJK characters (90 KB) close with 1009, 60,000 ASCII ones do not", async () => {
    const u = await signUp("ib");
    const ascii = await openInbox(u);
    ascii.send("a".repeat(60_000));
    await waitFor(() => framesOf(ascii, "error").length === 1);
    const cjk = await openInbox(u);
    cjk.send("漢".repeat(30_000));
    expect((await cjk.closed).code).toBe(CloseCode.frameTooBig);
    ascii.close();
  });
});

describe("conversation frame budget", () => {
  it("200 sync frames of a CJK log: the socket is closed with 4008 and the bytes sent stay within the budget", async () => {
    const [a, b] = [await signUp("fb"), await signUp("fb")];
    const group = await makeGroup(a, [b]);
    const cjk = "漢".repeat(Limits.textMax);
    for (let i = 0; i < 30; i++) await say(group.id, a, `c${i}`, cjk);
    const s = await join(group.id, b, 31);
    const bytes = countBytes(s);
    const start = Date.now();
    for (let i = 0; i < 200; i++) s.send({ type: "sync", after: 0 });
    expect((await s.closed).code).toBe(CloseCode.policy);
    const elapsedSeconds = (Date.now() - start) / 1000;
    // The byte budget: a burst, the paced rate for as long as the socket lived, one frame of overshoot.
    const bound =
      Limits.replayBytesBurst +
      Limits.replayFrameBytes +
      2 * utf8Length(cjk) +
      elapsedSeconds * Limits.replayBytesPerSecond;
    expect(bytes()).toBeLessThanOrEqual(bound);
    // Unbounded, the 59 syncs within the frame budget were 59 replays of the whole log.
    expect(bytes()).toBeLessThan((59 * 30 * utf8Length(cjk)) / 5);
    expect(framesOf(s, "error").every((f) => f.code === "rate_limited")).toBe(true);
  });

  it("a read flood reaches another member as a few receipts, the last carrying the latest seq", async () => {
    const [a, b] = [await signUp("rf"), await signUp("rf")];
    const group = await makeGroup(a, [b]);
    await runInDurableObject(stubOf(group.id), (obj: ConversationObject) => {
      obj.room.buckets.limit = { perSecond: 1e6, burst: 1e6 };
    });
    for (let i = 0; i < 59; i++) await say(group.id, a, `m${i}`, `m${i}`);
    const reader = await join(group.id, b, 60);
    const watcher = await join(group.id, a, 60);
    const frames = 59;
    for (let seq = 2; seq <= 60; seq++) reader.send({ type: "read", seq });
    await waitFor(() => framesOf(watcher, "receipt").some((f) => f.seq === 60), 10_000, "the latest receipt");
    const receipts = framesOf(watcher, "receipt").filter((f) => f.userId === b.user.id);
    expect(receipts.length).toBeLessThanOrEqual(frames / 10);
    expect(framesOf(reader, "error")).toEqual([]);
    reader.close();
    watcher.close();
  });

  it("a binary frame whose bytes are not UTF-8 closes the socket with 1007; a valid one is a frame", async () => {
    const [a, b] = [await signUp("bu"), await signUp("bu")];
    const group = await makeGroup(a, [b]);
    const s = await join(group.id, a);
    s.ws.send(new TextEncoder().encode(JSON.stringify({ type: "send", clientId: "bin", kind: "text", text: "ok" })));
    await waitFor(() => receivedSeqs(s).includes(2));
    s.ws.send(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]));
    expect((await s.closed).code).toBe(CloseCode.invalidData);
  });

  it("the inbox socket stays bounded too: anything but the ping text is an error, ten of them close it", async () => {
    const u = await signUp("ix");
    const s = expectSocket(await openSocket(INBOX_PATH, u.accessToken));
    for (let i = 0; i < 200; i++) {
      try {
        s.send({ type: "sync", after: 0 });
      } catch {
        break;
      }
    }
    expect((await s.closed).code).toBe(CloseCode.protocolViolation);
    expect(framesOf(s, "error").length).toBeLessThan(10);
  });
});
