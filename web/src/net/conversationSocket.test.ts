import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ConversationEvent, Limits } from "../../../worker/protocol";
import { BACKOFF_CAP_MS, backoffDelay } from "./backoff";
import { ConversationSocket, type ConversationSocketListener, type SocketFactory } from "./conversationSocket";
import { FakeSocket } from "./fakeSocket.test-helper";
import { PACER_BURST, PACER_RATE_PER_SECOND } from "./framePacer";

/** Sends a text message and returns its clientId, as the composer does. */
function sendText(conn: ConversationSocket, text: string): string {
  const clientId = crypto.randomUUID();
  conn.send({ type: "send", clientId, kind: "text", text });
  return clientId;
}

const msg = (seq: number, text = `m${seq}`, clientId?: string): ConversationEvent => ({
  seq,
  conversationId: "c1",
  type: "message",
  senderId: "u2",
  kind: "text",
  text,
  createdAt: 1_700_000_000_000 + seq,
  ...(clientId ? { clientId } : {}),
});

interface Harness {
  conn: ConversationSocket;
  sockets: FakeSocket[];
  applied: number[];
  states: string[];
  acks: string[];
  latest(): FakeSocket;
  refreshes: { count: number };
}

function setup(
  opts: { lastSeq?: number; refresh?: () => Promise<boolean>; listener?: ConversationSocketListener } = {},
) {
  const sockets: FakeSocket[] = [];
  const applied: number[] = [];
  const states: string[] = [];
  const acks: string[] = [];
  const refreshes = { count: 0 };
  const createSocket: SocketFactory = (url, protocols, handlers) => {
    const s = new FakeSocket(url, protocols, handlers);
    sockets.push(s);
    return s;
  };
  const conn = new ConversationSocket({
    url: "ws://test/api/conversations/c1/ws",
    lastSeq: opts.lastSeq ?? 0,
    getAccessToken: async () => "tok",
    refreshAccessToken: async () => {
      refreshes.count += 1;
      return opts.refresh ? opts.refresh() : true;
    },
    createSocket,
    random: () => 1,
    listener: {
      onEvents: (events) => applied.push(...events.map((e) => e.seq)),
      onState: (s) => states.push(s),
      onAck: (clientId) => acks.push(clientId),
      ...opts.listener,
    },
  });
  const latest = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error("no socket yet");
    return s;
  };
  return { conn, sockets, applied, states, acks, latest, refreshes } satisfies Harness;
}

/** Lets the async token lookup in connect() settle. */
const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("ConversationSocket", () => {
  it("offers imsys.v1 with the bearer token and says hello with the highest applied seq", async () => {
    const h = setup({ lastSeq: 7 });
    h.conn.start();
    await flush();
    const s = h.latest();
    expect(s.url).toBe("ws://test/api/conversations/c1/ws");
    expect(s.protocols).toEqual(["imsys.v1", "bearer.tok"]);
    s.open();
    expect(s.frames()[0]).toEqual({ type: "hello", lastSeq: 7 });

    s.welcome(9);
    expect(h.conn.state).toBe("live");
    s.receive({ type: "events", events: [msg(8), msg(9)] });
    s.serverClose(1006);
    await vi.advanceTimersByTimeAsync(BACKOFF_CAP_MS);
    const again = h.latest();
    expect(again).not.toBe(s);
    again.open();
    expect(again.frames()[0]).toEqual({ type: "hello", lastSeq: 9 });
  });

  it("applies events once, in seq order, ignoring duplicates and old seqs", async () => {
    const h = setup({ lastSeq: 2 });
    h.conn.start();
    await flush();
    const s = h.latest();
    s.open();
    s.welcome(5);
    s.receive({ type: "events", events: [msg(1), msg(2), msg(3)] });
    s.receive({ type: "events", events: [msg(3), msg(4)] });
    s.receive({ type: "events", events: [msg(4), msg(5), msg(5)] });
    expect(h.applied).toEqual([3, 4, 5]);
    expect(h.conn.lastSeq).toBe(5);
  });

  it("asks for a sync on a gap, once, and applies the buffered events when it is filled", async () => {
    const h = setup({ lastSeq: 3 });
    h.conn.start();
    await flush();
    const s = h.latest();
    s.open();
    s.welcome(3);
    s.receive({ type: "events", events: [msg(6)] });
    s.receive({ type: "events", events: [msg(7)] });
    const syncs = s.frames().filter((f) => f.type === "sync");
    expect(syncs).toEqual([{ type: "sync", after: 3 }]);
    expect(h.applied).toEqual([]);

    s.receive({ type: "events", events: [msg(4), msg(5), msg(6)] });
    expect(h.applied).toEqual([4, 5, 6, 7]);
    expect(h.conn.lastSeq).toBe(7);
  });

  it("resends unacked messages with the same clientId after a reconnect, and forgets acked ones", async () => {
    const h = setup();
    h.conn.start();
    await flush();
    const s = h.latest();
    s.open();
    s.welcome(1);
    const a = sendText(h.conn, "first");
    const b = sendText(h.conn, "second");
    expect(s.frames().filter((f) => f.type === "send")).toEqual([
      { type: "send", clientId: a, kind: "text", text: "first" },
      { type: "send", clientId: b, kind: "text", text: "second" },
    ]);
    s.receive({ type: "ack", clientId: a, seq: 2, createdAt: 1 });
    expect(h.acks).toEqual([a]);
    expect(h.conn.pending).toEqual([b]);

    s.serverClose(1006);
    expect(h.conn.state).toBe("offline");
    const c = sendText(h.conn, "while offline");
    await vi.advanceTimersByTimeAsync(BACKOFF_CAP_MS);
    const again = h.latest();
    again.open();
    expect(again.frames()).toEqual([
      { type: "hello", lastSeq: 0 },
      { type: "send", clientId: b, kind: "text", text: "second" },
      { type: "send", clientId: c, kind: "text", text: "while offline" },
    ]);
    // The server answers a repeat with the original seq: acked exactly once.
    again.receive({ type: "ack", clientId: b, seq: 3, createdAt: 1 });
    again.receive({ type: "ack", clientId: b, seq: 3, createdAt: 1 });
    expect(h.acks).toEqual([a, b]);
    expect(h.conn.pending).toEqual([c]);
  });

  it("keeps a rate-limited message and retries it; drops one the server refuses", async () => {
    const rejected: string[] = [];
    const h = setup({ listener: { onRejected: (id, code) => rejected.push(`${id}:${code}`) } });
    h.conn.start();
    await flush();
    const s = h.latest();
    s.open();
    s.welcome(1);
    const a = sendText(h.conn, "x");
    const b = sendText(h.conn, "y");
    s.receive({ type: "error", code: "rate_limited", message: "slow down", clientId: a });
    s.receive({ type: "error", code: "too_large", message: "too long", clientId: b });
    expect(rejected).toEqual([`${b}:too_large`]);
    expect(h.conn.pending).toEqual([a]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.frames().filter((f) => f.clientId === a)).toHaveLength(2);
  });

  it("backs off with growing delays up to the cap, and resets after a welcome", async () => {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      expect(backoffDelay(attempt, () => 1)).toBe(Math.min(15_000, 500 * 2 ** attempt));
      expect(backoffDelay(attempt, () => 0)).toBe(Math.min(15_000, 500 * 2 ** attempt) / 2);
    }
    expect(backoffDelay(50, Math.random)).toBeLessThanOrEqual(BACKOFF_CAP_MS);

    const h = setup();
    h.conn.start();
    await flush();
    // Measure how long each reconnect waits (random = 1: the upper bound).
    const waits: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const before = h.sockets.length;
      h.latest().serverClose(1006);
      let waited = 0;
      while (h.sockets.length === before) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);

    h.latest().open();
    h.latest().welcome(0);
    h.latest().serverClose(1006);
    await vi.advanceTimersByTimeAsync(499);
    const count = h.sockets.length;
    await vi.advanceTimersByTimeAsync(1);
    expect(h.sockets.length).toBe(count + 1);
  });

  it("reconnects at once when nudged while waiting", async () => {
    const h = setup();
    h.conn.start();
    await flush();
    for (let i = 0; i < 5; i += 1) {
      h.latest().serverClose(1006);
      await vi.advanceTimersByTimeAsync(BACKOFF_CAP_MS);
    }
    const before = h.sockets.length;
    h.latest().serverClose(1006);
    h.conn.reconnectNow();
    await flush();
    expect(h.sockets.length).toBe(before + 1);
  });

  it("refreshes the token before reconnecting on 4001, and stops on 4003", async () => {
    const h = setup();
    h.conn.start();
    await flush();
    h.latest().open();
    h.latest().serverClose(4001);
    await flush();
    expect(h.refreshes.count).toBe(1);
    await vi.advanceTimersByTimeAsync(BACKOFF_CAP_MS);
    expect(h.sockets).toHaveLength(2);

    h.latest().open();
    h.latest().serverClose(4003);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.conn.state).toBe("forbidden");
    expect(h.sockets).toHaveLength(2);
  });

  it("ends as unauthorized when the refresh is refused", async () => {
    const h = setup({ refresh: async () => false });
    h.conn.start();
    await flush();
    h.latest().open();
    h.latest().serverClose(4001);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.conn.state).toBe("unauthorized");
    expect(h.sockets).toHaveLength(1);
  });

  it("pings with the exact text every 25 s and drops a socket that stays silent", async () => {
    const h = setup();
    h.conn.start();
    await flush();
    const s = h.latest();
    s.open();
    s.welcome(0);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(s.sent.at(-1)).toBe('{"type":"ping"}');
    s.receive({ type: "pong" });
    await vi.advanceTimersByTimeAsync(25_000 * 2);
    expect(s.closedWith).toBeNull();
    await vi.advanceTimersByTimeAsync(25_000);
    expect(s.closedWith).not.toBeNull();
    expect(h.conn.state).toBe("offline");
    await vi.advanceTimersByTimeAsync(BACKOFF_CAP_MS);
    expect(h.sockets).toHaveLength(2);
  });

  it("ignores frames that do not parse and late events from a replaced socket", async () => {
    const h = setup();
    h.conn.start();
    await flush();
    const s = h.latest();
    s.open();
    s.handlers.onMessage("not json");
    s.receive({ type: "events", events: [{ seq: "1" }] });
    s.serverClose(1006);
    s.receive({ type: "events", events: [msg(1)] });
    expect(h.applied).toEqual([]);
  });

  it("stays under the server's frame budget: a 100-message outbox is resent paced, in order, and read markers coalesce", async () => {
    const h = setup();
    h.conn.start();
    await flush();
    for (let i = 0; i < 100; i++) sendText(h.conn, `offline ${i}`);
    const s = h.latest();
    s.open();
    // hello plus what the burst allows; the server's budget is 20/s, burst 60.
    const first = s.frames();
    expect(first[0]).toEqual({ type: "hello", lastSeq: 0 });
    expect(first.length).toBe(PACER_BURST);
    expect(PACER_BURST).toBeLessThan(Limits.frameBurst);
    expect(PACER_RATE_PER_SECOND).toBeLessThan(Limits.framesPerSecond);

    // Scrolling while paced: only the newest read marker waits in the queue.
    for (let seq = 1; seq <= 30; seq++) h.conn.markRead(seq);
    await vi.advanceTimersByTimeAsync(10_000);
    const all = s.frames();
    const texts = all.filter((f) => f.type === "send").map((f) => f.text);
    expect(texts).toEqual(Array.from({ length: 100 }, (_, i) => `offline ${i}`));
    expect(all.filter((f) => f.type === "read")).toEqual([{ type: "read", seq: 30 }]);
  });
});
