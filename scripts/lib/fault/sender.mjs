// A sender that survives server crashes: pipelines its messages with
// clientIds, and after each reconnect resends every unacked one with the
// same clientId (the server must answer a repeat with the original seq).
import WebSocket from "ws";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Sender {
  /**
   * @param {{url: string, conversationId: string, token: string, userId: string, tag: string,
   *   total: number, intervalMs: number, window: number, deadline: number}} opts
   */
  constructor(opts) {
    this.o = opts;
    /** clientId -> seq from the first ack. */
    this.acked = new Map();
    this.violations = [];
    this.sentCount = 0;
    this.resent = 0;
    this.reconnects = 0;
    this.rateLimited = 0;
    /** Resends the log already held (acked with a seq <= the head at reconnect): idempotency at work. */
    this.repeatsAnswered = 0;
    this.welcomeHead = 0;
    this.resentIds = new Set();
    this.next = 0;
    this.lastSeq = 0;
    this.ws = null;
    this.live = false;
  }

  id(i) {
    return `${this.o.tag}-${String(i).padStart(4, "0")}`;
  }

  get done() {
    return this.acked.size === this.o.total;
  }

  unacked() {
    const out = [];
    for (let i = 0; i < this.next; i++) if (!this.acked.has(this.id(i))) out.push(this.id(i));
    return out;
  }

  transmit(clientId) {
    try {
      this.ws.send(JSON.stringify({ type: "send", clientId, kind: "text", text: `${this.o.tag} ${clientId}` }));
    } catch {
      // The server died under us; the reconnect resends everything unacked.
    }
  }

  onFrame(raw) {
    let f;
    try {
      f = JSON.parse(String(raw));
    } catch {
      this.violations.push(`unparsable frame ${String(raw).slice(0, 80)}`);
      return;
    }
    if (f.type === "welcome") {
      this.live = true;
      this.welcomeHead = f.head;
    } else if (f.type === "events") {
      for (const e of f.events) this.lastSeq = Math.max(this.lastSeq, e.seq);
    } else if (f.type === "ack") {
      const before = this.acked.get(f.clientId);
      if (before !== undefined && before !== f.seq)
        this.violations.push(`${f.clientId} acked as ${before} and ${f.seq}`);
      if (before === undefined) this.acked.set(f.clientId, f.seq);
      if (this.resentIds.delete(f.clientId) && f.seq <= this.welcomeHead) this.repeatsAnswered += 1;
    } else if (f.type === "error") {
      // Only the rate limiter may refuse a well-formed send; it is retried on the next pass.
      if (f.code === "rate_limited") this.rateLimited += 1;
      else this.violations.push(`error frame ${JSON.stringify(f)}`);
    }
  }

  /** Opens a socket and says hello; resolves true once welcomed, false if the server is down. */
  connect() {
    return new Promise((resolve) => {
      const url = `${this.o.url.replace(/^http/, "ws")}/api/conversations/${this.o.conversationId}/ws`;
      const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${this.o.token}` }, handshakeTimeout: 3000 });
      this.ws = ws;
      this.live = false;
      let settled = false;
      const settle = (ok) => {
        if (!settled) {
          settled = true;
          resolve(ok);
        }
      };
      ws.on("open", () => ws.send(JSON.stringify({ type: "hello", lastSeq: this.lastSeq })));
      ws.on("message", (data) => {
        this.onFrame(data);
        if (this.live) settle(true);
      });
      ws.on("error", () => settle(false));
      ws.on("close", () => {
        this.live = false;
        settle(false);
      });
      setTimeout(() => settle(false), 5000);
    });
  }

  async ensureConnected() {
    while (!(this.ws && this.live && this.ws.readyState === WebSocket.OPEN)) {
      if (Date.now() > this.o.deadline) throw new Error(`${this.o.tag}: deadline while reconnecting`);
      try {
        this.ws?.terminate();
      } catch {}
      if (await this.connect()) {
        if (this.sentCount > 0) this.reconnects += 1;
        const pending = this.unacked();
        this.resent += pending.length;
        this.resentIds = new Set(pending);
        for (const id of pending) this.transmit(id);
        return;
      }
      await sleep(250);
    }
  }

  async run() {
    let lastResend = Date.now();
    while (!this.done) {
      if (Date.now() > this.o.deadline) throw new Error(`${this.o.tag}: deadline with ${this.acked.size} acked`);
      await this.ensureConnected();
      const inFlight = this.next - this.acked.size;
      if (this.next < this.o.total && inFlight < this.o.window) {
        this.transmit(this.id(this.next));
        this.next += 1;
        this.sentCount += 1;
        await sleep(this.o.intervalMs);
        continue;
      }
      // All sent (or window full): resend the stragglers (rate-limited ones) now and then.
      if (Date.now() - lastResend > 2000) {
        lastResend = Date.now();
        const pending = this.unacked();
        this.resent += pending.length;
        for (const id of pending) this.transmit(id);
      }
      await sleep(20);
    }
    this.ws?.close(1000);
  }

  stop() {
    try {
      this.ws?.terminate();
    } catch {}
  }
}
