// The room's fan-out: committed events and ephemeral frames out to the live
// sockets, batched per flush (room.ts has the invariant this keeps).
import { Limits } from "../protocol";
import { eventsFrame } from "./replays";
import type { FlushClock, RoomOptions, RoomSocket, SocketHub } from "./room-host";
import { IDLE_GAP_MS } from "./room-host";
import type { Audience } from "./signals";

/** A typing or receipt frame; not logged. */
interface Ephemeral {
  text: string;
  to: Audience;
}

const reaches = (to: Audience, userId: string) => userId !== to.skip && (to.only === undefined || userId === to.only);

export interface BroadcastHost {
  hub: SocketHub;
  opts: Pick<RoomOptions, "now" | "schedule" | "scheduleSoon" | "flushClock">;
  /** The sockets whose replay is running: they get events from it, not from here (replays.ts). */
  replays: { readonly size: number; has(socket: RoomSocket): boolean };
  /** The log's head after the flush's changes were applied. */
  head(): number;
  /** Applies the socket changes queued since the last flush (first thing in every flush). */
  applyIncoming(): void;
}

export class Broadcast {
  /** Every live, not replaying socket has been sent every event up to here. */
  head: number;
  private pending: string[] = [];
  /** Ephemeral frames (typing, receipts) that must not overtake pending events. */
  private afterFlush: Ephemeral[] = [];
  private flushScheduled = false;
  private applying = false;
  private readonly flushClock: FlushClock;

  constructor(private readonly host: BroadcastHost) {
    this.flushClock = host.opts.flushClock ?? { last: Number.NEGATIVE_INFINITY };
    this.head = host.head();
  }

  /** A committed event joins the next flush. */
  enqueue(body: string): void {
    this.pending.push(body);
    if (!this.applying) this.schedule();
  }

  /** Sent at once, or after the pending events when a flush is due (it must not overtake them). */
  ephemeral(text: string, to: Audience): void {
    if (this.flushScheduled) {
      this.afterFlush.push({ text, to });
      return;
    }
    for (const s of this.host.hub.sockets()) if (s.live && reaches(to, s.userId)) s.send(text);
  }

  schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const { opts } = this.host;
    // Busy: a microtask runs before the next incoming frame is delivered, so
    // every frame would flush alone. A 0 ms timer runs after the frames
    // already queued for this object, which then share one flush.
    const idle = opts.now() - this.flushClock.last >= IDLE_GAP_MS;
    if (idle && opts.scheduleSoon) opts.scheduleSoon(this.flushBound);
    else opts.schedule(this.flushBound);
  }

  /** One callback for every scheduled flush, not a new closure per message. */
  private readonly flushBound = () => this.flush();

  /**
   * Applies the queued socket changes (acks in arrival order), then sends the
   * new events as one JSON string per 500, built once, to every live socket.
   */
  flush(): void {
    this.flushScheduled = false;
    this.flushClock.last = this.host.opts.now();
    this.applying = true;
    try {
      this.host.applyIncoming();
    } finally {
      this.applying = false;
    }
    const bodies = this.pending;
    this.pending = [];
    const texts: string[] = [];
    for (let i = 0; i < bodies.length; i += Limits.replayBatch) {
      texts.push(eventsFrame(bodies.slice(i, i + Limits.replayBatch)));
    }
    this.head = this.host.head();
    const extras = this.afterFlush;
    this.afterFlush = [];
    // Index loops: for-of here allocated an iterator per socket per message,
    // garbage that V8 had to collect while frames waited (docs/benchmarks.md, round 6).
    const sockets = this.host.hub.sockets();
    const replays = this.host.replays;
    const replaying = replays.size > 0;
    for (let j = 0; j < sockets.length; j++) {
      const s = sockets[j] as RoomSocket;
      if (!s.live) continue;
      // A replaying socket gets these events from its replay, in order (replays.ts).
      if (!(replaying && replays.has(s))) for (let i = 0; i < texts.length; i++) s.send(texts[i] as string);
      for (let i = 0; i < extras.length; i++) {
        const e = extras[i] as Ephemeral;
        if (reaches(e.to, s.userId)) s.send(e.text);
      }
    }
  }
}
