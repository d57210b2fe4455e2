// The fan-out queue's consumer (worker/fanout/), driven the way the platform
// drives it: `createMessageBatch` in, `getQueueResult` out, real inboxes
// behind an INBOX namespace that can fail.
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { inboxStub } from "../do/stubs";
import worker from "../index";
import { type FanoutMessage, unpackNotes } from "../shared/fanout";
import type { ConversationNote } from "../shared/note";
import {
  bigGroup,
  currentNotes,
  deliverDeadLetters,
  envWith,
  FANOUT_QUEUE,
  faultyInboxes,
  flushOf,
  inboxesWith,
  readIn,
  storedNote,
} from "./fanout-fixtures";

/** Runs the Worker's queue handler on these bodies; returns which were acked and which retried. */
async function consume(bodies: FanoutMessage[], handlerEnv: Env = env) {
  const batch = createMessageBatch<unknown>(
    FANOUT_QUEUE,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: Date.now(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, handlerEnv);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks.sort(), retried: result.retryMessages.map((r) => r.msgId).sort() };
}

const exact = (note: ConversationNote | undefined) =>
  note && "summary" in note ? { version: note.version, summary: note.summary } : null;

afterEach(() => vi.restoreAllMocks());

describe("fan-out consumer", () => {
  it("acks every message whose inbox calls succeeded; each inbox holds its member's exact note", async () => {
    const g = await bigGroup(300);
    const messages = await flushOf(g, "hello");
    expect(messages.length).toBe(2);
    expect(await consume(messages)).toEqual({ acked: ["m0", "m1"], retried: [] });
    const want = await currentNotes(g);
    for (const userId of [g.members[0], g.members[1], g.members[299]] as string[]) {
      expect(await storedNote(userId, g.id)).toEqual(exact(want.get(userId)));
    }
    expect((await storedNote(g.members[299] as string, g.id))?.summary).toMatchObject({
      unread: 1,
      lastMessage: { preview: "hello" },
    });
  });

  it("retries only the message with a failed inbox call; the same message again applies only where it had not", async () => {
    const g = await bigGroup(300);
    const messages = await flushOf(g, "one");
    const down = g.members[280] as string;
    const failing = faultyInboxes((userId) => (userId === down ? "fail" : "ok"));
    expect(await consume(messages, envWith({ INBOX: failing }))).toEqual({ acked: ["m0"], retried: ["m1"] });
    expect(await storedNote(down, g.id)).toBeNull();
    expect(await storedNote(g.members[281] as string, g.id)).not.toBeNull();

    // Redelivered, the inbox back: every other inbox already had that version and ignores it.
    const applied: string[] = [];
    const counting = inboxesWith(async (userId, note) => {
      const r = await inboxStub(env, userId).conversationChanged(userId, note);
      if (r.applied) applied.push(userId);
      return { ok: true, applied: r.applied };
    });
    expect(await consume([messages[1] as FanoutMessage], envWith({ INBOX: counting }))).toEqual({
      acked: ["m0"],
      retried: [],
    });
    expect(applied).toEqual([down]);
    expect(await storedNote(down, g.id)).toEqual(exact((await currentNotes(g)).get(down)));
  });

  it("keeps the newer note when an older one arrives after it (out of order)", async () => {
    const g = await bigGroup(3);
    const reader = g.members[2] as string;
    const first = await flushOf(g, "first");
    await readIn(g, reader, 2);
    const second = await flushOf(g, "second");
    await consume(second);
    await consume(first);
    const have = await storedNote(reader, g.id);
    expect(have).toEqual(exact((await currentNotes(g)).get(reader)));
    expect(have?.summary).toMatchObject({ lastSeq: 3, readSeq: 2, unread: 1, lastMessage: { preview: "second" } });
  });

  it("calls each inbox once when two flushes of one conversation share a batch (the newer note)", async () => {
    const g = await bigGroup(3);
    const first = await flushOf(g, "first");
    const second = await flushOf(g, "second");
    const versions: number[] = [];
    const recording = inboxesWith(async (_userId, note) => {
      versions.push(note.version);
      return { ok: true, applied: true };
    });
    expect(await consume([...first, ...second], envWith({ INBOX: recording }))).toEqual({
      acked: ["m0", "m1"],
      retried: [],
    });
    expect(versions).toEqual([3, 3, 3]);
  });

  it("waits INBOX_CALL_DELAY_MS in the inbox, not in the consumer, so delayed calls overlap", async () => {
    // workerd fires a caller's timers one at a time behind its in-flight calls: a sleep before each call
    // in the consumer ran the bench's 1,000 "parallel" delayed calls almost one after another.
    const g = await bigGroup(3);
    const [message] = await flushOf(g, "slow");
    const [userId, note] = unpackNotes(message as FanoutMessage)[0] as [string, ConversationNote];
    const inbox = inboxStub(env, userId);
    await runInDurableObject(inbox, (instance) => {
      (instance as unknown as { env: Env }).env = { ...env, INBOX_CALL_DELAY_MS: "40" };
    });
    const start = Date.now();
    expect(await inbox.conversationChanged(userId, note)).toMatchObject({ ok: true });
    expect(Date.now() - start).toBeGreaterThanOrEqual(40);
  });

  it("acks and drops a body it does not know instead of retrying it", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const odd = { v: 2, conversationId: "c_x", rows: [] } as unknown as FanoutMessage;
    expect(await consume([odd])).toEqual({ acked: ["m0"], retried: [] });
    expect(error).toHaveBeenCalledWith("fan-out message in an unknown shape, dropped");
  });
});

describe("fan-out dead letters", () => {
  it("mark the members again in their conversation, are acked, and log counts only", async () => {
    const g = await bigGroup(300);
    const messages = await flushOf(g, "lost");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect((await deliverDeadLetters(messages)).sort()).toEqual(["d0", "d1"]);
    expect(warn).toHaveBeenCalledWith("fan-out dead letters", {
      messages: 2,
      conversations: 1,
      members: 300,
      unknown: 0,
    });
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).not.toContain(g.id);
    expect(logged).not.toContain("lost");

    // The marks are durable; the next flush (the alarm's, a minute later; here at once) sends them again.
    g.held.sent.length = 0;
    expect(await runInDurableObject(g.stub, (o: ConversationObject) => o.notifier.hasWork())).toBe(true);
    await runInDurableObject(g.stub, (o: ConversationObject) => o.notifier.flush());
    const again = g.held.sent.flat().flatMap((m) => m.rows.map((r) => r.userId));
    expect(again.sort()).toEqual([...g.members].sort());
  });
});
