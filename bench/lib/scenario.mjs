// Bookkeeping shared by both scenarios: sends message g (0..total-1) from
// its sender, and counts every delivery, ack, refusal, loss and duplicate.
// Message text is `bench <scenario> <g> <send time ms>` (+ padding), so a
// receiver knows which message it got and when it left, on this process's clock.
import { summarize } from "./stats.mjs";

const RETRY_LIMIT = 50;

export class Run {
  /**
   * @param {{name: string, clients: import("./clients.mjs").Client[], total: number,
   *   senderOf: (g: number) => number, echoIsAck: boolean, pad: number, retryMs: number,
   *   tag: string, onAccepted?: (sender: number) => void}} opts
   */
  constructor(opts) {
    Object.assign(this, opts);
    const n = opts.clients.length;
    this.padding = opts.pad > 0 ? ` ${"x".repeat(opts.pad)}` : "";
    this.sendTime = new Float64Array(opts.total);
    this.attempts = new Uint16Array(opts.total);
    this.acked = new Uint8Array(opts.total);
    this.refused = new Uint8Array(opts.total);
    this.seen = Array.from({ length: n }, () => new Uint8Array(opts.total));
    this.latency = new Float64Array(opts.total * n);
    /** Per message, its earliest delivery: the server's own path, before the fan-out's spread. */
    this.firstDelivery = new Float64Array(opts.total).fill(Number.POSITIVE_INFINITY);
    this.delivered = 0;
    this.duplicates = 0;
    this.foreign = 0;
    this.duplicateAcks = 0;
    this.ackedCount = 0;
    this.refusedCount = 0;
    this.rateLimited = 0;
    this.errors = {};
    this.errorSamples = [];
    this.firstSend = null;
    this.lastSend = null;
    this.lastDelivery = null;
    this.lastAck = null;
    this.progress = 0;
    this.timers = new Set();
    this.activeMs = null;
  }

  clientId(g) {
    return `${this.tag}-${this.name}-${g}`;
  }

  /** Sends message g now; a retry sends the same text (same send time) and clientId. */
  send(g) {
    const now = performance.now();
    if (this.attempts[g] === 0) this.sendTime[g] = now;
    this.attempts[g]++;
    this.firstSend ??= now;
    this.lastSend = now;
    const text = `bench ${this.name} ${g} ${this.sendTime[g].toFixed(3)}${this.padding}`;
    this.clients[this.senderOf(g)].send(
      JSON.stringify({ type: "send", clientId: this.clientId(g), kind: "text", text }),
    );
  }

  messageIndex(clientId) {
    if (typeof clientId !== "string") return -1;
    const prefix = `${this.tag}-${this.name}-`;
    if (!clientId.startsWith(prefix)) return -1;
    const g = Number(clientId.slice(prefix.length));
    return Number.isInteger(g) && g >= 0 && g < this.total ? g : -1;
  }

  onMessage(client, text, clientId, now) {
    const parts = text.split(" ");
    const g = Number(parts[2]);
    if (parts[0] !== "bench" || parts[1] !== this.name || !Number.isInteger(g) || g < 0 || g >= this.total) {
      this.foreign++;
      return;
    }
    const seen = this.seen[client.idx];
    if (seen[g]) {
      this.duplicates++;
      return;
    }
    seen[g] = 1;
    const latency = now - Number(parts[3]);
    this.latency[this.delivered++] = latency;
    if (latency < this.firstDelivery[g]) this.firstDelivery[g] = latency;
    this.lastDelivery = now;
    this.progress++;
    // The baseline has no ack: the sender's own copy coming back is its acceptance.
    if (this.echoIsAck && client.idx === this.senderOf(g) && this.messageIndex(clientId) === g) this.accept(g, now);
  }

  onAck(client, clientId, now) {
    const g = this.messageIndex(clientId);
    if (g < 0 || client.idx !== this.senderOf(g)) {
      this.foreign++;
      return;
    }
    this.accept(g, now);
  }

  accept(g, now) {
    if (this.acked[g]) {
      this.duplicateAcks++;
      return;
    }
    this.acked[g] = 1;
    this.ackedCount++;
    this.lastAck = now;
    this.progress++;
    this.onAccepted?.(this.senderOf(g));
  }

  onError(client, item) {
    const g = this.messageIndex(item.clientId);
    if (item.code === "rate_limited" && g >= 0 && this.attempts[g] < RETRY_LIMIT) {
      this.rateLimited++;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(g);
      }, this.retryMs);
      this.timers.add(timer);
      return;
    }
    this.errors[item.code] = (this.errors[item.code] ?? 0) + 1;
    if (this.errorSamples.length < 5) this.errorSamples.push(`client ${client.idx}: ${item.code} ${item.message}`);
    if (g >= 0 && !this.refused[g] && !this.acked[g]) {
      this.refused[g] = 1;
      this.refusedCount++;
      this.progress++;
      this.onAccepted?.(this.senderOf(g));
    }
  }

  get expectedDeliveries() {
    return (this.total - this.refusedCount) * this.clients.length;
  }

  get complete() {
    return this.delivered >= this.expectedDeliveries && this.ackedCount + this.refusedCount >= this.total;
  }

  /** Resolves when everything arrived, or when nothing moved for `stallMs`. */
  waitUntilDone(stallMs) {
    return this.waitUntil(() => this.complete, stallMs);
  }

  /** Resolves true once `done()` holds, false when nothing moved for `stallMs` before that. */
  waitUntil(done, stallMs) {
    return new Promise((resolve) => {
      let lastProgress = this.progress;
      let lastChange = performance.now();
      const check = () => {
        const now = performance.now();
        if (this.progress !== lastProgress) {
          lastProgress = this.progress;
          lastChange = now;
        }
        if (done()) return resolve(true);
        // A closed socket never comes back: what it missed is lost, stop waiting.
        if (this.clients.some((c) => c.closed !== null)) return resolve(false);
        if (now - lastChange > stallMs) return resolve(false);
        setTimeout(check, 10);
      };
      check();
    });
  }

  /** Messages [0, count) all answered and delivered everywhere (refused ones count as settled). */
  settledUpTo(count) {
    const n = this.clients.length;
    return this.ackedCount + this.refusedCount >= count && this.delivered + this.refusedCount * n >= count * n;
  }

  stop() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  acceptedPerSec() {
    const ms = this.activeMs ?? (this.firstSend !== null && this.lastAck !== null ? this.lastAck - this.firstSend : 0);
    return ms > 0 ? Math.round((this.ackedCount / ms) * 1000) : null;
  }

  summary() {
    const n = this.clients.length;
    // A scenario with pauses (burst rounds) sets activeMs to the time it was actually loaded.
    const wallMs =
      this.activeMs ??
      (this.firstSend !== null && this.lastDelivery !== null ? this.lastDelivery - this.firstSend : null);
    let missing = 0;
    for (const seen of this.seen) for (let g = 0; g < this.total; g++) if (!seen[g] && !this.refused[g]) missing++;
    const round = (v) => (v === null ? null : Math.round(v * 100) / 100);
    const firstDelivered = this.firstDelivery.filter(Number.isFinite);
    return {
      messages: this.total,
      receivers: n,
      sendAttempts: this.attempts.reduce((a, b) => a + b, 0),
      accepted: this.ackedCount,
      refused: this.refusedCount,
      rateLimitedRetries: this.rateLimited,
      errors: this.errors,
      errorSamples: this.errorSamples,
      expectedDeliveries: this.expectedDeliveries,
      delivered: this.delivered,
      lost: missing,
      duplicates: this.duplicates,
      duplicateAcks: this.duplicateAcks,
      foreign: this.foreign,
      complete: this.complete,
      wallMs: round(wallMs),
      sendSpanMs: round(this.firstSend !== null ? this.lastSend - this.firstSend : null),
      deliveredPerSec: wallMs ? Math.round((this.delivered / wallMs) * 1000) : null,
      acceptedPerSec: this.acceptedPerSec(),
      latencyMs: summarize(this.latency, this.delivered),
      firstDeliveryMs: summarize(firstDelivered, firstDelivered.length),
    };
  }
}
