// Issue 16 point 5: nothing is lost on the way to the inboxes. A group's
// changes go through the fan-out queue (run by hand, as the platform runs
// it: batches of 4, acks, retries, dead letters) while inbox calls fail, a
// consumer is killed mid-batch and messages come back in any order; in the
// end every member's inbox holds exactly the conversation's summary.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import type { ConversationNote } from "../shared/note";
import { rng } from "./conversation-fixtures";
import {
  bigGroup,
  deliverDeadLetters,
  divergent,
  envWith,
  faultyInboxes,
  notifierIdle,
  QueueModel,
  readIn,
  sayIn,
  storedNote,
} from "./fanout-fixtures";

type Fault = (userId: string, note: ConversationNote) => "ok" | "fail" | "hang";

describe("fan-out convergence", () => {
  it("every inbox ends exact after failed calls, a killed consumer, redeliveries in any order and a dead letter", async () => {
    const g = await bigGroup(300, "conv");
    const queue = new QueueModel();
    g.held.gate = async (batch) => queue.send(batch);
    const rand = rng(20261206);
    const pick = (n: number) => Math.floor(rand() * n);
    const member = () => g.members[pick(g.members.length)] as string;

    /** One consumer invocation with `fault`; `killAfter` calls, then it hangs as a killed consumer would. */
    const deliver = async (fault: Fault, killAfter = Number.POSITIVE_INFINITY) => {
      let calls = 0;
      let kill = () => {};
      const killed = new Promise<void>((resolve) => {
        kill = resolve;
      });
      const inboxes = faultyInboxes((userId, note) => {
        if (++calls > killAfter) {
          kill();
          return "hang";
        }
        return fault(userId, note);
      });
      return queue.deliver(envWith({ INBOX: inboxes }), { pick, killed });
    };
    const flaky: Fault = () => (rand() < 0.1 ? "fail" : "ok");

    let head = 1;
    for (let step = 0; step < 8; step++) {
      head = await sayIn(g, member(), `step ${step}`);
      for (let k = 0; k < 4; k++) await readIn(g, member(), 1 + pick(head));
      await notifierIdle(g);
      await deliver(flaky, step % 3 === 1 ? 120 : Number.POSITIVE_INFINITY);
    }

    // One inbox stays down through every retry: its message ends in the dead-letter queue.
    const down = g.members[299] as string;
    while (queue.pending.length > 0) await deliver((userId, note) => (userId === down ? "fail" : flaky(userId, note)));
    expect(queue.dead.length).toBeGreaterThan(0);
    // Its inbox holds a note from before it went down, no longer the conversation's.
    expect(await divergent(g)).toContain(down);

    // The dead-letter consumer marks those members again; the conversation's next flush (its alarm's) resends.
    await deliverDeadLetters(queue.dead.splice(0));
    await runInDurableObject(g.stub, (o: ConversationObject) => o.notifier.flush());
    while (queue.pending.length > 0) await deliver(flaky);
    expect(queue.dead).toEqual([]);

    expect(await divergent(g)).toEqual([]);
    expect(queue.mixed).toEqual([]);
    const last = await storedNote(g.members[0] as string, g.id);
    expect(last?.summary).toMatchObject({ lastSeq: head, lastMessage: { preview: "step 7" } });
  }, 120_000);
});
