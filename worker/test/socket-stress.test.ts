import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import type { ConversationEvent, MessageEvent } from "../protocol";
import { InOrderClient, join, makeGroup, stubOf } from "./conversation-fixtures";
import { apiOk, signUp, type TestSocket, type TestUser, waitFor } from "./helpers";

const PER_SENDER = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

/** An in-order client on one conversation that can drop and resume its socket. */
class Receiver extends InOrderClient {
  reconnects = 0;
  socket!: TestSocket;

  constructor(
    readonly conversationId: string,
    readonly user: TestUser,
  ) {
    super();
  }

  protected frames(): TestSocket["frames"] {
    return this.socket.frames;
  }

  async connect(): Promise<void> {
    this.startSession();
    this.socket = await join(this.conversationId, this.user, this.highest);
  }

  async reconnect(): Promise<void> {
    this.pump();
    this.socket.close();
    this.reconnects += 1;
    await this.connect();
  }
}

/** Pipelines its messages; on reconnect resends every unacked one with the same clientId. */
class Sender extends Receiver {
  readonly acked = new Map<string, number>();
  private unacked: string[] = [];
  private ackCursor = 0;
  resent = 0;

  constructor(
    conversationId: string,
    user: TestUser,
    readonly tag: string,
  ) {
    super(conversationId, user);
  }

  override async connect(): Promise<void> {
    await super.connect();
    this.ackCursor = 0;
    this.resent += this.unacked.length;
    for (const id of this.unacked) this.transmit(id);
  }

  private transmit(clientId: string): void {
    this.socket.send({ type: "send", clientId, kind: "text", text: clientId });
  }

  collectAcks(): void {
    const frames = this.socket.frames;
    for (; this.ackCursor < frames.length; this.ackCursor++) {
      const f = frames[this.ackCursor];
      if (f?.type !== "ack") continue;
      const id = String(f.clientId);
      const seq = Number(f.seq);
      const before = this.acked.get(id);
      if (before !== undefined && before !== seq) this.violations.push(`${id} acked as ${before} and ${seq}`);
      this.acked.set(id, seq);
      this.unacked = this.unacked.filter((u) => u !== id);
    }
  }

  async run(): Promise<void> {
    for (let i = 0; i < PER_SENDER; i++) {
      const id = `${this.tag}-${String(i).padStart(3, "0")}`;
      this.unacked.push(id);
      this.transmit(id);
      if (i % 10 === 9) {
        this.collectAcks();
        // Reconnect right after a burst, while acks are still in flight, so
        // the resend includes messages the log already holds.
        if (i < PER_SENDER - 1 && (i === 49 || Math.random() < 0.2)) await this.reconnect();
        else await sleep(jitter(1, 8));
      }
    }
    await waitFor(
      () => {
        this.collectAcks();
        return this.acked.size === PER_SENDER;
      },
      30_000,
      `${this.tag} acks`,
    );
  }
}

const texts = (events: ConversationEvent[], tag: string) =>
  events
    .filter((e): e is MessageEvent => e.type === "message" && (e.text ?? "").startsWith(`${tag}-`))
    .map((e) => e.text);

describe("ordering and delivery under reconnects", () => {
  it("3 pipelining senders x 200 while receivers reconnect at random: every receiver gets exactly 1..601", async () => {
    const users = await Promise.all([signUp("s"), signUp("s"), signUp("s"), signUp("r"), signUp("r")]);
    const [s1, s2, s3, r1, r2] = users as [TestUser, TestUser, TestUser, TestUser, TestUser];
    const group = await makeGroup(s1, [s2, s3, r1, r2], "stress");
    // The contract's 10/s would make this test take 20 s; the limiter has its own tests.
    await runInDurableObject(stubOf(group.id), (obj: ConversationObject) => {
      obj.room.buckets.limit = { perSecond: 1e6, burst: 1e6 };
      // Pipelined senders are over the per-socket frame budget on purpose; it has its own tests.
      obj.room.budget.frames = { perSecond: 1e6, burst: 1e6 };
    });

    const senders = [new Sender(group.id, s1, "a"), new Sender(group.id, s2, "b"), new Sender(group.id, s3, "c")];
    const receivers = [new Receiver(group.id, r1), new Receiver(group.id, r2)];
    await Promise.all([...senders, ...receivers].map((c) => c.connect()));

    let sending = true;
    const churn = receivers.map(async (r) => {
      while (sending) {
        await sleep(jitter(5, 40));
        r.pump();
        await r.reconnect();
      }
    });
    await Promise.all(senders.map((s) => s.run()));
    sending = false;
    await Promise.all(churn);

    const all = [...receivers, ...senders];
    await waitFor(
      () => {
        for (const c of all) c.pump();
        return all.every((c) => c.highest === 601);
      },
      30_000,
      "everyone at seq 601",
    );
    await sleep(50);
    for (const c of all) c.pump();

    // The scenario really happened: receivers missed events, senders resent.
    for (const r of receivers) expect(r.reconnects).toBeGreaterThanOrEqual(2);
    expect(senders.reduce((n, s) => n + s.resent, 0)).toBeGreaterThan(0);
    const expected = Array.from({ length: 601 }, (_, i) => i + 1);
    for (const c of all) {
      expect(c.violations).toEqual([]);
      expect(c.applied.map((e) => e.seq)).toEqual(expected);
      for (const s of senders) {
        expect(texts(c.applied, s.tag)).toEqual(
          Array.from({ length: PER_SENDER }, (_, i) => `${s.tag}-${String(i).padStart(3, "0")}`),
        );
      }
    }
    // Every ack names the seq the log holds for that clientId.
    for (const s of senders) {
      const own = (receivers[0]?.applied ?? []).filter((e) => e.type === "message" && e.senderId === s.user.user.id);
      expect(own).toHaveLength(PER_SENDER);
      for (const e of own) expect(s.acked.get(e.clientId ?? "")).toBe(e.seq);
    }
    const page1 = await apiOk<{ events: ConversationEvent[]; head: number }>(
      `/api/conversations/${group.id}/events?after=0&limit=500`,
      { token: r1.accessToken },
    );
    const page2 = await apiOk<{ events: ConversationEvent[]; head: number }>(
      `/api/conversations/${group.id}/events?after=500&limit=500`,
      { token: r1.accessToken },
    );
    expect(page1.head).toBe(601);
    expect([...page1.events, ...page2.events]).toEqual(receivers[0]?.applied);
    for (const c of all) c.socket.close();
  }, 120_000);
});
