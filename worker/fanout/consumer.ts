// The fan-out queue's consumer: each message carries one chunk of a
// conversation's members and their notes (shared/fanout.ts); this calls
// their inboxes with bounded concurrency and acks or retries each message
// on its own. Delivery is at least once and in any order: the inbox keeps
// only a newer `version` (shared/note.ts), so repeats and stale notes are no-ops.
import { eachBounded } from "../do/fanout";
import { conversationStub, inboxStub } from "../do/stubs";
import { isFanoutMessage, unpackNotes } from "../shared/fanout";
import type { ConversationNote } from "../shared/note";

/**
 * Inbox calls in flight per invocation. Each call is a wait on another
 * object (tens of ms across regions), not CPU here: with 1,000 calls per
 * invocation (wrangler.toml `max_batch_size` 4 × 250 members) and 20 ms per
 * call that is ~200 ms per invocation; the platform runs up to 250
 * invocations at once (docs/scaling.md).
 */
export const INBOX_CALLS_IN_FLIGHT = 100;

/**
 * Waits before the 2nd and 3rd try of a failed inbox call within one
 * invocation. A transient failure (an object restarting, a dropped
 * connection) then costs a short wait, not a retry of the whole message:
 * a message's 250 calls succeed together only if each does, and with 2%
 * of calls failing independently that would be 0.6% of attempts.
 */
const RETRY_GAPS_MS = [50, 250];

/** Seconds before a message with a failed inbox call comes back: 1, 2, 4 ... 60 by attempt. */
export const retryDelaySeconds = (attempts: number) => Math.min(60, 2 ** Math.max(0, attempts - 1));

export interface ParkAnswer {
  userId: string;
  epoch: number;
}

/** What the consumer reaches: the platform in production, fakes with faults in tests. */
export interface FanoutTargets {
  /** Applies the note in the member's inbox; resolves to the inbox's park epoch when nobody reads it, else null. */
  deliver(userId: string, note: ConversationNote): Promise<number | null>;
  /** Tells the conversation which inboxes answered "parked" (conversation/parking.ts). */
  reportParked(conversationId: string, answers: ParkAnswer[]): Promise<void>;
}

export function fanoutTargets(env: Env): FanoutTargets {
  return {
    deliver: async (userId, note) => (await inboxStub(env, userId).conversationChanged(userId, note)).parkedAt ?? null,
    reportParked: async (conversationId, answers) => {
      await conversationStub(env, conversationId).parked(answers);
    },
  };
}

interface Call {
  message: Message<unknown>;
  conversationId: string;
  userId: string;
  note: ConversationNote;
}

export async function consumeFanout(batch: MessageBatch<unknown>, targets: FanoutTargets): Promise<void> {
  // One call per member and conversation: two flushes of one conversation in this batch send only the newer
  // note (the older message is settled with the newer one's call, whose retry would carry newer content).
  const calls = new Map<string, Call>();
  const open = new Map<Message<unknown>, { left: number; failed: boolean }>();
  for (const message of batch.messages) {
    if (!isFanoutMessage(message.body)) {
      // Not from this release's producer: retrying cannot help.
      console.error("fan-out message in an unknown shape, dropped");
      message.ack();
      continue;
    }
    const { conversationId } = message.body;
    for (const [userId, note] of unpackNotes(message.body)) {
      const key = `${conversationId}\n${userId}`;
      const known = calls.get(key);
      if (!known || known.note.version < note.version) calls.set(key, { message, conversationId, userId, note });
    }
    open.set(message, { left: 0, failed: false });
  }
  for (const call of calls.values()) {
    const state = open.get(call.message);
    if (state) state.left += 1;
  }
  // A message settles as soon as its own calls are done, so a consumer killed later redoes only the rest.
  const settle = (message: Message<unknown>) => {
    const state = open.get(message);
    if (!state || state.left > 0) return;
    open.delete(message);
    if (state.failed) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    else message.ack();
  };
  for (const message of [...open.keys()]) settle(message);

  const parked = new Map<string, ParkAnswer[]>();
  await eachBounded([...calls.values()], INBOX_CALLS_IN_FLIGHT, async (call) => {
    const state = open.get(call.message);
    try {
      const epoch = await deliverWithTries(targets, call);
      if (epoch !== null) {
        const list = parked.get(call.conversationId) ?? [];
        list.push({ userId: call.userId, epoch });
        parked.set(call.conversationId, list);
      }
    } catch {
      if (state) state.failed = true;
    } finally {
      if (state) state.left -= 1;
      settle(call.message);
    }
  });

  // Best effort: a lost report only means those inboxes are called again next time, and answer "parked" again.
  const reports = await Promise.allSettled(
    [...parked].map(([conversationId, answers]) => targets.reportParked(conversationId, answers)),
  );
  const lost = reports.filter((r) => r.status === "rejected").length;
  if (lost > 0) console.error("fan-out park reports failed", { conversations: lost });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function deliverWithTries(targets: FanoutTargets, call: Call): Promise<number | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await targets.deliver(call.userId, call.note);
    } catch (err) {
      const gap = RETRY_GAPS_MS[attempt];
      if (gap === undefined) throw err;
      await sleep(gap);
    }
  }
}
