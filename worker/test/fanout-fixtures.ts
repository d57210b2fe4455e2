// Fixtures for the inbox fan-out tests: big groups of synthetic members, a
// conversation whose queue sends the test holds, the queue consumer run
// through `createMessageBatch`/`getQueueResult` the way the platform runs
// it (batches, acks, retries, dead letters), and inboxes with faults.
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { ConversationObject } from "../conversation/object";
import { inboxNotes } from "../conversation/queries";
import type { RoomSocket } from "../conversation/room-host";
import { conversationStub, inboxStub } from "../do/stubs";
import { newId } from "../ids";
import type { InboxObject } from "../inbox/object";
import worker from "../index";
import type { FanoutMessage } from "../shared/fanout";
import type { ConversationNote } from "../shared/note";

export const FANOUT_QUEUE = "imsystem-fanout";
export const FANOUT_DLQ = "imsystem-fanout-dlq";
/** wrangler.toml: `max_batch_size` and `max_retries` of the fan-out consumer. */
export const BATCH_SIZE = 4;
export const MAX_RETRIES = 10;

export interface BigGroup {
  id: string;
  stub: ReturnType<typeof conversationStub>;
  members: string[];
  /** Its fan-out queue, held from before the group's first event: nothing reaches the real consumer. */
  held: HeldQueue;
}

/**
 * A group of `n` synthetic members (no D1 rows: the object and the inboxes need none), member 0 the
 * owner. `ids` reuses members (and their inbox objects, whose creation is most of a first call's cost).
 */
export async function bigGroup(n: number, tag = "fan", ids?: string[]): Promise<BigGroup> {
  const id = newId("c");
  const members = ids ?? Array.from({ length: n }, (_, i) => `usr_${tag}_${id}_${i}`);
  const stub = conversationStub(env, id);
  const held = await holdQueue(stub);
  await stub.init({
    id,
    kind: "group",
    title: "big",
    createdBy: members[0] ?? "",
    createdAt: Date.now(),
    members: members.map((userId, i) => ({ userId, role: i === 0 ? ("owner" as const) : ("member" as const) })),
  });
  return { id, stub, members, held };
}

/** Sends one message in the group and returns the queue messages of the flushes it caused. */
export async function flushOf(g: BigGroup, text: string, sender = g.members[0] ?? ""): Promise<FanoutMessage[]> {
  await notifierIdle(g);
  g.held.sent.length = 0;
  await sayIn(g, sender, text);
  await notifierIdle(g);
  return g.held.sent.flat();
}

export async function sayIn(g: BigGroup, userId: string, text: string): Promise<number> {
  const r = await g.stub.post(userId, { type: "send", clientId: newId("k"), kind: "text", text });
  if (!("seq" in r)) throw new Error(`send refused: ${JSON.stringify(r)}`);
  return r.seq;
}

/** A read frame as from a socket of `userId` (the room's read path: marker, inbox mark, receipt). */
export function readIn(g: BigGroup, userId: string, seq: number): Promise<void> {
  return runInDurableObject(g.stub, (o: ConversationObject) => {
    const socket: RoomSocket = {
      userId,
      sessionId: "s_test",
      exp: Math.floor(Date.now() / 1000) + 3600,
      live: true,
      protocolErrors: 0,
      markLive: () => {},
      send: () => {},
      close: () => {},
    };
    o.room.handle(socket, JSON.stringify({ type: "read", seq }));
  });
}

/** What each member's inbox must end with: the conversation's own notes now. */
export function currentNotes(g: BigGroup): Promise<Map<string, ConversationNote>> {
  return runInDurableObject(g.stub, (o: ConversationObject) => inboxNotes(o.room.log, g.members, new Map()));
}

/** What the member's inbox holds, read without the refresh its RPCs do first. */
export function storedNote(userId: string, conversationId: string) {
  return runInDurableObject(inboxStub(env, userId), (o: InboxObject) => o.store.note(conversationId));
}

/** JSON with every object's keys sorted: equal values, equal text, whatever order the keys were set in. */
const canonical = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );

/** Members whose stored inbox note differs from the conversation's (version or summary); empty when converged. */
export async function divergent(g: BigGroup): Promise<string[]> {
  const want = await currentNotes(g);
  const wrong: string[] = [];
  for (const userId of g.members) {
    const note = want.get(userId);
    const have = await storedNote(userId, g.id);
    const expected = note && "summary" in note ? note.summary : null;
    if (!note || have?.version !== note.version || canonical(have.summary) !== canonical(expected)) {
      wrong.push(userId);
    }
  }
  return wrong;
}

/**
 * The conversation's fan-out queue, held by the test: every `sendBatch`
 * lands in `sent` (or is refused / held while `gate` says so).
 */
export interface HeldQueue {
  sent: FanoutMessage[][];
  gate: (batch: FanoutMessage[]) => Promise<void>;
}

export async function holdQueue(stub: ReturnType<typeof conversationStub>): Promise<HeldQueue> {
  const held: HeldQueue = { sent: [], gate: async () => {} };
  await runInDurableObject(stub, (o: ConversationObject) => {
    o.fanoutQueue.send = async (batch) => {
      await held.gate(batch);
      held.sent.push(batch);
    };
  });
  return held;
}

/** Waits for the conversation's notifier to have no marks left (every note handed to the queue). */
export async function notifierIdle(g: Pick<BigGroup, "stub">, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (await runInDurableObject(g.stub, (o: ConversationObject) => o.notifier.hasWork())) {
    if (Date.now() - start > timeoutMs) throw new Error("notifier still has marks");
    await new Promise((r) => setTimeout(r, 20));
  }
}

type InboxCall = (userId: string, note: ConversationNote) => Promise<{ ok: true; applied: boolean; parkedAt?: number }>;

/** An INBOX namespace whose every inbox answers with `call`. */
export const inboxesWith = (call: InboxCall) => ({
  idFromName: (name: string) => name,
  get: () => ({ conversationChanged: call }),
});

/** `env` with another INBOX namespace and vars, as the queue handler's environment. */
export const envWith = (overrides: Record<string, unknown>) => ({ ...env, ...overrides }) as unknown as Env;

/**
 * An INBOX namespace over the real inboxes, with `fault` deciding per call:
 * "ok" passes through (its "parked" answer dropped: these tests are about
 * the queue path, parking has inbox-parking.test.ts), "fail" throws as a
 * dead or unreachable inbox would, "hang" never answers (a consumer killed
 * mid-batch).
 */
export function faultyInboxes(fault: (userId: string, note: ConversationNote) => "ok" | "fail" | "hang") {
  return inboxesWith(async (userId, note) => {
    const f = fault(userId, note);
    if (f === "fail") throw new Error("inbox unreachable");
    if (f === "hang") return new Promise(() => {});
    const r = await inboxStub(env, userId).conversationChanged(userId, note);
    return { ok: true, applied: r.applied };
  });
}

export interface QueuedMessage {
  id: string;
  body: FanoutMessage;
  attempts: number;
}

/**
 * The platform's side of one queue, run by hand: sends enter `pending`,
 * `deliver` hands up to BATCH_SIZE of them to the Worker's `queue` handler
 * and applies its acks and retries; a message retried past MAX_RETRIES goes
 * to `dead`. `killAfter` stops waiting for the handler after that many
 * inbox calls (as the platform would after a crash): messages it had not
 * settled yet come back.
 */
export class QueueModel {
  pending: QueuedMessage[] = [];
  dead: FanoutMessage[] = [];
  /** Messages whose rows do not all come from the state of the log their shared part shows. */
  mixed: string[] = [];
  private next = 0;

  send(batch: FanoutMessage[]): void {
    for (const body of batch) {
      const { shared } = body;
      for (const r of body.rows) {
        if ("member" in r && r.version !== (shared?.lastSeq ?? Number.NaN) + r.member.readSeq) {
          this.mixed.push(`${r.userId} v${r.version} in a message at seq ${shared?.lastSeq}`);
        }
      }
      this.pending.push({ id: `m${this.next++}`, body, attempts: 1 });
    }
  }

  async deliver(
    handlerEnv: Env,
    opts: { pick?: (n: number) => number; killed?: Promise<void> } = {},
  ): Promise<{ acked: number; retried: number }> {
    const taken: QueuedMessage[] = [];
    while (taken.length < BATCH_SIZE && this.pending.length > 0) {
      const i = opts.pick ? opts.pick(this.pending.length) : 0;
      taken.push(...this.pending.splice(i, 1));
    }
    const batch = createMessageBatch<unknown>(
      FANOUT_QUEUE,
      taken.map((m) => ({ id: m.id, timestamp: Date.now(), attempts: m.attempts, body: m.body })),
    );
    const ctx = createExecutionContext();
    const run = worker.queue(batch, handlerEnv);
    await (opts.killed ? Promise.race([run, opts.killed]) : run);
    const result = await getQueueResult(batch, ctx);
    const acked = new Set(result.explicitAcks);
    let retried = 0;
    for (const m of taken) {
      if (acked.has(m.id) && !result.retryMessages.some((r) => r.msgId === m.id)) continue;
      retried += 1;
      if (m.attempts > MAX_RETRIES) this.dead.push(m.body);
      else this.pending.push({ ...m, attempts: m.attempts + 1 });
    }
    return { acked: taken.length - retried, retried };
  }
}

/** Hands dead letters to the Worker's dead-letter consumer; returns its acks. */
export async function deliverDeadLetters(bodies: FanoutMessage[]): Promise<string[]> {
  const batch = createMessageBatch<unknown>(
    FANOUT_DLQ,
    bodies.map((body, i) => ({ id: `d${i}`, timestamp: Date.now(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return (await getQueueResult(batch, ctx)).explicitAcks;
}
