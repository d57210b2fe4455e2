// The bookkeeping of one big-group measurement, no I/O: when each message
// left, when its sender's ack came (and the seq it got), when each member on
// the conversation socket received it, and every conversation summary each
// inbox socket received. A message has reached an inbox at the first summary
// frame whose lastSeq is at least the message's seq: a summary that already
// carries a later message (the notifier coalesces) updates the inbox for
// both, which is what a member sees in their conversation list.
import { summarize } from "./stats.mjs";

/** `k` of `items`, spread evenly over the list (always the first), so a sample covers every part of the join order. */
export function spread(items, k) {
  const n = items.length;
  if (k >= n) return items.slice();
  return Array.from({ length: k }, (_, i) => items[Math.floor((i * n) / k)]);
}

const round = (v) => (v === null ? null : Math.round(v * 100) / 100);

export class GroupProbe {
  /** @param {{name: string, tag: string, messages: number, live: number, online: number}} opts */
  constructor({ name, tag, messages, live, online }) {
    this.name = name;
    this.tag = tag;
    this.messages = messages;
    this.sendAt = new Float64Array(messages).fill(Number.NaN);
    this.ackAt = new Float64Array(messages).fill(Number.NaN);
    /** @type {(number | null)[]} */
    this.seq = new Array(messages).fill(null);
    this.liveAt = Array.from({ length: live }, () => new Float64Array(messages).fill(Number.NaN));
    /** Per inbox socket, its [lastSeq, receive time] summaries of this conversation, in arrival order. */
    this.inboxFrames = Array.from({ length: online }, () => []);
    this.errors = {};
    this.errorSamples = [];
    this.duplicates = 0;
    this.progress = 0;
  }

  clientId(g) {
    return `${this.tag}-${this.name}-${g}`;
  }

  messageIndex(clientId) {
    const prefix = `${this.tag}-${this.name}-`;
    if (typeof clientId !== "string" || !clientId.startsWith(prefix)) return -1;
    const g = Number(clientId.slice(prefix.length));
    return Number.isInteger(g) && g >= 0 && g < this.messages ? g : -1;
  }

  onSend(g, now) {
    this.sendAt[g] = now;
  }

  onAck(g, seq, now) {
    if (!Number.isNaN(this.ackAt[g])) return;
    this.ackAt[g] = now;
    this.seq[g] = Number.isInteger(seq) ? seq : null;
    this.progress++;
  }

  onLive(client, g, now) {
    const row = this.liveAt[client];
    if (!Number.isNaN(row[g])) {
      this.duplicates++;
      return;
    }
    row[g] = now;
    this.progress++;
  }

  onInbox(socket, lastSeq, now) {
    this.inboxFrames[socket].push([lastSeq, now]);
    this.progress++;
  }

  onError(code, message) {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
    if (this.errorSamples.length < 5) this.errorSamples.push(`${code}: ${message}`);
    this.progress++;
  }

  /** When inbox `socket` first held message seq `seq` (NaN: not yet). */
  inboxAt(socket, seq) {
    for (const [lastSeq, at] of this.inboxFrames[socket]) if (lastSeq >= seq) return at;
    return Number.NaN;
  }

  acked(g) {
    return !Number.isNaN(this.ackAt[g]) && this.seq[g] !== null;
  }

  /** Messages [0, count) acked, on every live socket, and in every inbox. */
  settled(count = this.messages) {
    for (let g = 0; g < count; g++) {
      if (!this.acked(g)) return false;
      if (this.liveAt.some((row) => Number.isNaN(row[g]))) return false;
    }
    const top = Math.max(...this.seq.slice(0, count));
    return this.inboxFrames.every((_, i) => !Number.isNaN(this.inboxAt(i, top)));
  }

  /** Per message, the time until its last inbox had it (NaN if one never did). */
  lastInboxMs(g) {
    if (!this.acked(g)) return Number.NaN;
    let last = 0;
    for (let i = 0; i < this.inboxFrames.length; i++) {
      const at = this.inboxAt(i, this.seq[g]);
      if (Number.isNaN(at)) return Number.NaN;
      last = Math.max(last, at - this.sendAt[g]);
    }
    return last;
  }

  summary() {
    const sent = [];
    for (let g = 0; g < this.messages; g++) if (!Number.isNaN(this.sendAt[g])) sent.push(g);
    const collect = (values) => {
      const arr = Float64Array.from(values.filter((v) => !Number.isNaN(v)));
      return { stats: summarize(arr, arr.length), missing: values.length - arr.length };
    };
    const ack = collect(sent.map((g) => this.ackAt[g] - this.sendAt[g]));
    const live = collect(this.liveAt.flatMap((row) => sent.map((g) => row[g] - this.sendAt[g])));
    const inbox = collect(
      this.inboxFrames.flatMap((_, i) =>
        sent.map((g) => (this.acked(g) ? this.inboxAt(i, this.seq[g]) - this.sendAt[g] : Number.NaN)),
      ),
    );
    const lastInbox = collect(sent.map((g) => this.lastInboxMs(g)));
    return {
      messages: sent.length,
      live: this.liveAt.length,
      online: this.inboxFrames.length,
      ackMs: ack.stats,
      liveMs: live.stats,
      inboxMs: inbox.stats,
      lastInboxMs: lastInbox.stats,
      missing: { acks: ack.missing, live: live.missing, inbox: inbox.missing },
      // Which kind of "missing": a few inboxes that never caught up, or every inbox short of the last messages.
      perMessageInboxes: sent.map((g) =>
        this.acked(g) ? this.inboxFrames.filter((_, i) => !Number.isNaN(this.inboxAt(i, this.seq[g]))).length : 0,
      ),
      inboxesWithoutAny: this.inboxFrames.filter((frames) => frames.length === 0).length,
      perMessageLastInboxMs: sent.map((g) => {
        const v = this.lastInboxMs(g);
        return Number.isNaN(v) ? null : round(v);
      }),
      duplicates: this.duplicates,
      errors: this.errors,
      errorSamples: this.errorSamples,
    };
  }
}
