// The conversation side of the inbox fan-out (conversation/notifier.ts): dirty
// marks become queue messages, cleared only once the queue took them; a
// change that races a send goes out again; the object never waits for it.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { type FanoutMessage, MEMBERS_PER_MESSAGE, QueueLimits } from "../shared/fanout";
import { type BigGroup, bigGroup, flushOf, notifierIdle, readIn, sayIn } from "./fanout-fixtures";

const hasWork = (g: BigGroup) => runInDurableObject(g.stub, (o: ConversationObject) => o.notifier.hasWork());
const bytes = (m: FanoutMessage) => new TextEncoder().encode(JSON.stringify(m)).byteLength;
const rowsOf = (batch: FanoutMessage[]) => batch.flatMap((m) => m.rows);

/** A promise the test settles by hand. */
function deferred() {
  let resolve = () => {};
  let reject = (_: Error) => {};
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("inbox notifier on the queue", () => {
  it("sends a 2,600-member group's notes as 250-member messages within the platform's sendBatch limits", async () => {
    const g = await bigGroup(2600, "chunk");
    const messages = await flushOf(g, "to everyone");
    expect(messages.length).toBe(Math.ceil(2600 / MEMBERS_PER_MESSAGE));
    for (const m of messages) {
      expect(m.rows.length).toBeLessThanOrEqual(MEMBERS_PER_MESSAGE);
      expect(bytes(m)).toBeLessThanOrEqual(QueueLimits.messageBytes);
      expect(m.shared).toMatchObject({
        id: g.id,
        lastSeq: 2,
        memberCount: 2600,
        lastMessage: { preview: "to everyone" },
      });
    }
    expect(g.held.sent.length).toBeGreaterThan(1);
    for (const batch of g.held.sent) {
      expect(batch.length).toBeLessThanOrEqual(QueueLimits.sendBatchMessages);
      const total = batch.reduce((n, m) => n + bytes(m) + QueueLimits.metadataBytes, 0);
      expect(total).toBeLessThanOrEqual(QueueLimits.sendBatchBytes);
    }
    const users = messages.flatMap((m) => m.rows.map((r) => r.userId));
    expect(users.length).toBe(2600);
    expect(new Set(users)).toEqual(new Set(g.members));
    expect(await hasWork(g)).toBe(false);
  }, 60_000);

  it("keeps every mark while the queue refuses, and sends them all once it accepts (no lost mark)", async () => {
    const g = await bigGroup(3, "refuse");
    await notifierIdle(g);
    g.held.sent.length = 0;
    g.held.gate = async () => {
      throw new Error("queue unavailable");
    };
    await sayIn(g, g.members[0] as string, "kept");
    await readIn(g, g.members[1] as string, 2);
    const flushed = await runInDurableObject(g.stub, (o: ConversationObject) => o.notifier.flush());
    expect(flushed).toBe(false);
    expect(await hasWork(g)).toBe(true);
    expect(g.held.sent).toEqual([]);

    g.held.gate = async () => {};
    expect(await runInDurableObject(g.stub, (o: ConversationObject) => o.notifier.flush())).toBe(true);
    expect(await hasWork(g)).toBe(false);
    const rows = rowsOf(g.held.sent.flat());
    expect(rows.map((r) => r.userId).sort()).toEqual([...g.members].sort());
    expect(rows.find((r) => r.userId === g.members[1])).toMatchObject({ member: { readSeq: 2, unread: 0 } });
  });

  it("sends again what changed while a send was in flight, in one next flush (coalesced)", async () => {
    const g = await bigGroup(3, "race");
    await notifierIdle(g);
    g.held.sent.length = 0;
    const first = deferred();
    let sends = 0;
    g.held.gate = () => (++sends === 1 ? first.promise : Promise.resolve());
    await sayIn(g, g.members[0] as string, "one");
    // The first flush is now waiting on the queue; everything below happens meanwhile.
    for (const text of ["two", "three", "four"]) await sayIn(g, g.members[0] as string, text);
    await readIn(g, g.members[2] as string, 3);
    expect(await hasWork(g)).toBe(true);
    first.resolve();
    await notifierIdle(g);
    expect(sends).toBe(2);
    const [early, late] = g.held.sent.map(rowsOf);
    expect(early?.every((r) => r.version === 2)).toBe(true);
    expect(late?.find((r) => r.userId === g.members[2])).toMatchObject({
      version: 5 + 3,
      member: { readSeq: 3, unread: 2 },
    });
    expect(g.held.sent[1]?.[0]?.shared).toMatchObject({ lastSeq: 5, lastMessage: { preview: "four" } });
  });

  it("never holds the sender's ack or the next message for the fan-out", async () => {
    const g = await bigGroup(300, "ack");
    await notifierIdle(g);
    // The queue never answers: the flush stays in flight for the rest of this test.
    g.held.gate = () => new Promise(() => {});
    expect(await sayIn(g, g.members[0] as string, "first")).toBe(2);
    expect(await sayIn(g, g.members[1] as string, "second")).toBe(3);
    expect(await hasWork(g)).toBe(true);
  });

  it("skips parked members in event flushes and still tells a parked member its own read", async () => {
    const g = await bigGroup(3, "park");
    const idle = g.members[2] as string;
    await runInDurableObject(g.stub, (o: ConversationObject) => o.parked([{ userId: idle, epoch: 1 }]));
    const sent = await flushOf(g, "skip the idle one");
    expect(rowsOf(sent).map((r) => r.userId)).not.toContain(idle);

    g.held.sent.length = 0;
    await readIn(g, idle, 2);
    await notifierIdle(g);
    expect(rowsOf(g.held.sent.flat()).map((r) => r.userId)).toEqual([idle]);
  });
});
