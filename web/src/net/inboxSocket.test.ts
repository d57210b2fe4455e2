import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConversationSummary } from "../../../worker/protocol";
import type { InboxFrame } from "../inbox/inboxState";
import { BACKOFF_CAP_MS } from "./backoff";
import { FakeSocket } from "./fakeSocket.test-helper";
import { InboxSocket } from "./inboxSocket";

const summary: ConversationSummary = {
  id: "c1",
  kind: "dm",
  title: null,
  memberCount: 2,
  role: "member",
  lastSeq: 3,
  readSeq: 1,
  unread: 2,
  updatedAt: 5,
};

function setup(refresh: () => Promise<boolean> = async () => true) {
  const sockets: FakeSocket[] = [];
  const frames: InboxFrame[] = [];
  const states: string[] = [];
  const inbox = new InboxSocket({
    url: "ws://test/api/inbox/ws",
    getAccessToken: async () => "tok",
    refreshAccessToken: refresh,
    onFrame: (f) => frames.push(f),
    onState: (s) => states.push(s),
    createSocket: (url, protocols, handlers) => {
      const s = new FakeSocket(url, protocols, handlers);
      sockets.push(s);
      return s;
    },
    random: () => 1,
  });
  const latest = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error("no socket");
    return s;
  };
  return { inbox, sockets, frames, states, latest };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("InboxSocket", () => {
  it("authenticates with the subprotocols, goes live on welcome and hands over parsed frames only", async () => {
    const h = setup();
    h.inbox.start();
    await flush();
    const s = h.latest();
    expect(s.url).toBe("ws://test/api/inbox/ws");
    expect(s.protocols).toEqual(["imsys.v1", "bearer.tok"]);
    s.handlers.onOpen();
    expect(s.sent).toEqual([]);
    s.receive({ type: "welcome", conversations: [summary], friends: [] });
    expect(h.inbox.state).toBe("live");
    s.receive({ type: "presence", userId: "u2", status: "online", lastSeenAt: null });
    s.receive({ type: "presence", userId: "u2", status: "away" });
    s.handlers.onMessage("{nope");
    s.receive({ type: "pong" });
    s.receive({ type: "conversation", conversation: { ...summary, unread: "3" } });
    expect(h.frames.map((f) => f.type)).toEqual(["welcome", "presence"]);
    s.receive({ type: "conversation_removed", conversationId: "c_gone" });
    expect(h.frames.at(-1)).toEqual({ type: "conversation_removed", conversationId: "c_gone" });
  });

  it("pings with the exact text every 25 s and reconnects a silent socket with backoff", async () => {
    const h = setup();
    h.inbox.start();
    await flush();
    const s = h.latest();
    s.handlers.onOpen();
    s.receive({ type: "welcome", conversations: [], friends: [] });
    await vi.advanceTimersByTimeAsync(25_000);
    expect(s.sent).toEqual(['{"type":"ping"}']);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(s.closedWith).not.toBeNull();
    expect(h.inbox.state).toBe("offline");
    await vi.advanceTimersByTimeAsync(BACKOFF_CAP_MS);
    expect(h.sockets).toHaveLength(2);
  });

  it("retries a refused handshake with growing delays, and at once when nudged", async () => {
    const h = setup();
    h.inbox.start();
    await flush();
    const waits: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const before = h.sockets.length;
      h.latest().handlers.onClose(1006, "");
      let waited = 0;
      while (h.sockets.length === before) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000]);
    h.latest().handlers.onClose(1006, "");
    const before = h.sockets.length;
    h.inbox.reconnectNow();
    await flush();
    expect(h.sockets.length).toBe(before + 1);
  });

  it("refreshes on 4001 and stops when the session is over", async () => {
    const h = setup(async () => false);
    h.inbox.start();
    await flush();
    h.latest().handlers.onOpen();
    h.latest().handlers.onClose(4001, "");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.inbox.state).toBe("unauthorized");
    expect(h.sockets).toHaveLength(1);
  });

  it("stop() closes the socket and ignores its late frames", async () => {
    const h = setup();
    h.inbox.start();
    await flush();
    const s = h.latest();
    s.handlers.onOpen();
    h.inbox.stop();
    expect(s.closedWith).toBe(1000);
    s.receive({ type: "welcome", conversations: [], friends: [] });
    expect(h.frames).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.sockets).toHaveLength(1);
  });
});
