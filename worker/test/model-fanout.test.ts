// Issue 16 point 5, model-based: one big group's changes (sends, reads,
// removals) go through the fan-out queue, run by hand with consumer faults
// in between (failing inbox calls, a consumer killed mid-batch, batches
// taken in any order); after the queue drains, every member's inbox must
// hold what a tiny model of the conversation says: last seq, read marker,
// unread count, last message, or the removal.
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import {
  type BigGroup,
  bigGroup,
  deliverDeadLetters,
  envWith,
  faultyInboxes,
  notifierIdle,
  QueueModel,
  readIn,
  sayIn,
  storedNote,
} from "./fanout-fixtures";
import { assertProperty } from "./fuzz-invariants";

const MEMBERS = 600;
/** Who acts: a few members (the owner first); the rest only receive. Removable: the last few. */
const ACTORS = 8;
const REMOVABLE = [MEMBERS - 3, MEMBERS - 2, MEMBERS - 1];

interface Model {
  head: number;
  readSeq: number[];
  removed: Set<number>;
  messages: { seq: number; sender: number; text: string }[];
}
interface Real {
  g: BigGroup;
  queue: QueueModel;
  rand: () => number;
}
type Cmd = fc.AsyncCommand<Model, Real>;

class SendCmd implements Cmd {
  constructor(
    readonly i: number,
    readonly text: string,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const seq = await sayIn(r.g, r.g.members[this.i] as string, this.text);
    expect(seq).toBe(m.head + 1);
    m.head = seq;
    m.messages.push({ seq, sender: this.i, text: this.text });
  }
  toString = () => `send(${this.i}, ${JSON.stringify(this.text)})`;
}

class ReadCmd implements Cmd {
  constructor(
    readonly i: number,
    readonly fraction: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const seq = Math.round(this.fraction * m.head);
    await readIn(r.g, r.g.members[this.i] as string, seq);
    m.readSeq[this.i] = Math.max(m.readSeq[this.i] ?? 0, Math.min(seq, m.head));
  }
  toString = () => `read(${this.i}, ${this.fraction.toFixed(2)})`;
}

class RemoveCmd implements Cmd {
  constructor(readonly i: number) {}
  check = (m: Readonly<Model>) => !m.removed.has(this.i);
  async run(m: Model, r: Real) {
    const result = await r.g.stub.changeMembers(r.g.members[0] as string, {
      action: "removed",
      userId: r.g.members[this.i] as string,
    });
    expect(result.ok).toBe(true);
    m.head += 1;
    m.removed.add(this.i);
  }
  toString = () => `remove(${this.i})`;
}

/** One consumer invocation after the pending flushes, with a fault. */
class DeliverCmd implements Cmd {
  constructor(readonly fault: "none" | "flaky" | "kill") {}
  check = () => true;
  async run(_m: Model, r: Real) {
    await notifierIdle(r.g);
    if (r.queue.pending.length === 0) return;
    await deliverOnce(r, this.fault);
  }
  toString = () => `deliver(${this.fault})`;
}

async function deliverOnce(r: Real, fault: "none" | "flaky" | "kill"): Promise<void> {
  let calls = 0;
  let kill = () => {};
  const killed = new Promise<void>((resolve) => {
    kill = resolve;
  });
  const inboxes = faultyInboxes(() => {
    calls += 1;
    if (fault === "kill" && calls > 150) {
      kill();
      return "hang";
    }
    return fault === "flaky" && r.rand() < 0.1 ? "fail" : "ok";
  });
  await r.queue.deliver(envWith({ INBOX: inboxes }), { pick: (n) => Math.floor(r.rand() * n), killed });
}

/** Drains the queue (dead letters re-marked and flushed again) until nothing is pending. */
async function drain(r: Real): Promise<void> {
  for (let round = 0; round < 200; round++) {
    await notifierIdle(r.g);
    if (r.queue.dead.length > 0) {
      await deliverDeadLetters(r.queue.dead.splice(0));
      await runInDurableObject(r.g.stub, (o: ConversationObject) => o.notifier.flush());
    }
    if (r.queue.pending.length === 0 && r.queue.dead.length === 0) return;
    await deliverOnce(r, "flaky");
  }
  throw new Error("the queue never drained");
}

/** Every member's stored inbox note against the model. */
async function checkInboxes(m: Model, r: Real): Promise<void> {
  const last = m.messages.at(-1);
  const wrong: string[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const have = await storedNote(r.g.members[i] as string, r.g.id);
    const readSeq = m.readSeq[i] ?? 0;
    const ok = m.removed.has(i)
      ? have?.summary === null
      : have?.summary?.lastSeq === m.head &&
        have.summary.readSeq === readSeq &&
        have.summary.unread === m.messages.filter((x) => x.seq > readSeq && x.sender !== i).length &&
        have.summary.memberCount === MEMBERS - m.removed.size &&
        have.summary.lastMessage?.preview === last?.text;
    if (!ok) wrong.push(`${i}: ${JSON.stringify(have)}`);
  }
  expect(wrong.slice(0, 3)).toEqual([]);
}

const actor = fc.integer({ min: 0, max: ACTORS - 1 });
const commands = [
  fc.tuple(actor, fc.stringMatching(/^[a-z]{1,12}$/)).map(([i, t]) => new SendCmd(i, t)),
  fc
    .tuple(fc.integer({ min: 0, max: MEMBERS - 1 }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([i, f]) => new ReadCmd(i, f)),
  fc.constantFrom(...REMOVABLE).map((i) => new RemoveCmd(i)),
  fc.constantFrom("none", "flaky", "kill").map((f) => new DeliverCmd(f as "none" | "flaky" | "kill")),
];

describe("model-based: big-group fan-out through the queue", () => {
  it("every member's inbox ends as the model says, whatever the consumer faults and delivery order", async () => {
    // The same members in every run: their inbox objects are created once.
    const ids = Array.from({ length: MEMBERS }, (_, i) => `usr_model_fanout_${i}`);
    let seed = 0;
    await assertProperty(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
        const g = await bigGroup(MEMBERS, "model", ids);
        const queue = new QueueModel();
        g.held.gate = async (batch) => queue.send(batch);
        let state = 0x9e3779b9 ^ seed++;
        const rand = () => {
          state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
          return state / 2 ** 32;
        };
        const model: Model = { head: 1, readSeq: ids.map(() => 0), removed: new Set(), messages: [] };
        const real: Real = { g, queue, rand };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        await drain(real);
        expect(queue.mixed).toEqual([]);
        await checkInboxes(model, real);
      }),
      { numRuns: 6, seed: 20261206 },
    );
  }, 600_000);
});
