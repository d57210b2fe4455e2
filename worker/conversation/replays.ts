import { Limits } from "../protocol";
import { utf8Length } from "../shared/utf8";
import type { FrameBudget } from "./frame-budget";
import type { StoredEvent } from "./store";

export interface ReplayTarget {
  /** Whose byte budget the replay draws on (frame-budget.ts). */
  readonly userId: string;
  send(text: string): void;
}

export interface ReplayHost {
  now(): number;
  delay(fn: () => void, ms: number): void;
  /** Every live socket has been sent every event up to here; a replay catches up to it. */
  broadcastHead(): number;
  eventsAfter(after: number, upTo: number, limit: number): StoredEvent[];
}

interface Replay {
  /** Every seq after this is covered: sent already, or still to come. */
  start: number;
  /** The last seq sent. */
  cursor: number;
}

export const eventsFrame = (bodies: string[]) => `{"type":"events","events":[${bodies.join(",")}]}`;

/**
 * Replays (`hello`, `sync`) paced by the user's byte budget: what the
 * budget allows goes out at once, in the same turn (a usual reconnect), the
 * rest one frame per timer, so one socket cannot monopolise the object.
 *
 * Invariant (with Room.flush): a socket in `running` gets no live events;
 * its replay sends every seq in (cursor, broadcastHead] in order and leaves
 * `running` in the same synchronous step in which cursor reaches
 * broadcastHead, so the next flush sends it exactly the events after that.
 * A `sync` while a replay runs is merged into it. The replay covers every
 * seq after its start (what it sent is on the wire, in order, ahead of
 * what it will send), so a `sync` with `after` >= start changes nothing; one
 * further back moves the start and cursor back to it. Nothing asked for is
 * skipped, and a flood of syncs costs one replay, not one each.
 */
export class Replays {
  private readonly running = new Map<ReplayTarget, Replay>();
  /** Bytes per event in the last page, so a page of large events reads fewer rows. */
  private eventBytes = 200;

  constructor(
    private readonly host: ReplayHost,
    private readonly budget: FrameBudget,
  ) {}

  get size(): number {
    return this.running.size;
  }

  has(socket: ReplayTarget): boolean {
    return this.running.has(socket);
  }

  /** Replays (after, broadcastHead] to the socket, or merges into its running replay. */
  start(socket: ReplayTarget, after: number): void {
    const running = this.running.get(socket);
    if (running) {
      if (after < running.start) running.start = running.cursor = after;
      return;
    }
    const entry = { start: after, cursor: after };
    this.running.set(socket, entry);
    this.step(socket, entry);
  }

  /** The socket is gone: its replay stops at the next step. */
  forget(socket: ReplayTarget): void {
    this.running.delete(socket);
  }

  /** `r`: the replay this step belongs to (a forgotten then restarted socket has a new one). */
  private step(socket: ReplayTarget, r: Replay): void {
    if (this.running.get(socket) !== r) return;
    for (;;) {
      const head = this.host.broadcastHead();
      if (r.cursor >= head) {
        this.running.delete(socket);
        return;
      }
      const now = this.host.now();
      const wait = this.budget.replayWait(socket.userId, now);
      if (wait > 0) {
        this.host.delay(() => this.step(socket, r), wait);
        return;
      }
      const rows = Math.floor(Limits.replayFrameBytes / this.eventBytes);
      const page = this.host.eventsAfter(r.cursor, head, Math.max(1, Math.min(Limits.replayBatch, rows)));
      if (page.length === 0) {
        // The log has nothing up to head: only a log that lost rows; do not spin.
        this.running.delete(socket);
        return;
      }
      const bodies: string[] = [];
      let bytes = 0;
      for (const e of page) {
        if (bytes >= Limits.replayFrameBytes) break;
        bodies.push(e.body);
        bytes += utf8Length(e.body) + 1;
        r.cursor = e.seq;
      }
      this.eventBytes = Math.max(1, Math.ceil(bytes / bodies.length));
      socket.send(eventsFrame(bodies));
      this.budget.spendReplay(socket.userId, bytes, now);
    }
  }
}
