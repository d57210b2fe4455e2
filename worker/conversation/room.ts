import * as v from "valibot";
import {
  type ChangeFrame,
  CloseCode,
  type ConversationServerFrame,
  ErrorCode,
  Limits,
  PING_TEXT,
  PROTOCOL_VERSION,
} from "../protocol";
import { inScope, type SessionScope } from "../shared/scope";
import { frameBytes, utf8Length } from "../shared/utf8";
import { Coalescer } from "./coalesce";
import { FrameBudget } from "./frame-budget";
import { type ClientFrame, ClientFrameSchema, clientIdOf } from "./frames";
import { frameText, overBudget, parseJson } from "./intake";
import { type Accepted, ConversationLog } from "./log";
import { changeMembers, type MemberChange, type MemberChangeResult } from "./membership";
import { type FileFacts, NO_FILES } from "./message-file";
import { type RateLimit, TokenBuckets } from "./rate-limit";
import { eventsFrame, Replays } from "./replays";
import { type Refusal, refuse } from "./results";
import type { LogStore } from "./store";

/** One accepted WebSocket as the room sees it; the object backs it with an attachment. */
export interface RoomSocket {
  readonly userId: string;
  readonly sessionId: string;
  /** Access-token expiry, seconds since the epoch. */
  readonly exp: number;
  /** Past `hello`: receives live events. Persisted so it survives hibernation. */
  readonly live: boolean;
  /** In memory only: forgiving the count after a hibernation is harmless. */
  protocolErrors: number;
  markLive(): void;
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** A typing or receipt frame; not logged, not sent back to `skipUser`. */
interface Ephemeral {
  text: string;
  skipUser?: string;
}

export interface SocketHub {
  sockets(): readonly RoomSocket[];
}

export interface RoomOptions {
  now(): number;
  /** Runs `fn` after the frames already queued for this object (setTimeout 0 in workerd). */
  schedule(fn: () => void): void;
  /** Runs `fn` in `ms` (setTimeout): paced replays, trailing receipts. */
  delay(fn: () => void, ms: number): void;
  /**
   * Runs `fn` at the end of this turn, before any other frame (a microtask).
   * Used instead of `schedule` when the room is idle (see `IDLE_GAP_MS`);
   * without it every flush waits for `schedule`.
   */
  scheduleSoon?(fn: () => void): void;
  /**
   * When a room last flushed, shared by the rooms of one isolate (they share
   * its thread): a room whose neighbours are busy batches too. Default: its own.
   */
  flushClock?: FlushClock;
  rateLimit: RateLimit;
  /** Per socket, every frame but the ping text (default: Limits.framesPerSecond, Limits.frameBurst). */
  frameBudget?: RateLimit;
  /**
   * After each append, inside the change's transaction: writes here commit
   * with the event or not at all (the object's inbox marks); anything else
   * waits for `log.afterCommit` (the object's D1 bookkeeping and timers).
   */
  onAppend?(): void;
  /** After a read marker moved, inside its transaction, like `onAppend` (the object tells the user's inbox). */
  onRead?(userId: string): void;
}

const PROTOCOL_ERRORS_MAX = 10;

/** The time of the latest flush of any room that shares this clock. */
export interface FlushClock {
  last: number;
}
/**
 * A change arriving at least this long after the previous flush (of any room
 * on this thread, see `flushClock`) is flushed at the end of its own turn; one
 * arriving sooner waits for the frames queued behind it, which then share its
 * commit and its events frame. Measured in
 * workerd (docs/benchmarks.md, round 4): a 0 ms timer costs about 1.3 ms of
 * latency, which an isolated message need not pay, while under load the
 * batching is what keeps the cost per message low.
 */
export const IDLE_GAP_MS = 2;

const frame = (f: ConversationServerFrame) => JSON.stringify(f);

/**
 * The conversation's live side: frames in, fan-out out. Knows nothing of
 * Cloudflare; the Durable Object feeds it sockets and frames.
 *
 * Invariant: every event with seq <= broadcastHead has been sent to every
 * socket that was live and not replaying at the time; events above it sit in
 * `pending` and go out with the next flush to every such socket. `hello`
 * turns the socket live and replays (lastSeq, broadcastHead] to it; while
 * the replay runs (paced, see replays.ts) flushes skip the socket, and the
 * replay ends in the same synchronous step in which it reaches
 * broadcastHead, so each event reaches it exactly once.
 */
export class Room {
  readonly log: ConversationLog;
  readonly buckets: TokenBuckets;
  readonly budget: FrameBudget;
  private readonly replays: Replays;
  private readonly coalescer: Coalescer;
  private broadcastHead: number;
  private pending: string[] = [];
  /** Ephemeral frames (typing, receipts) that must not overtake pending events. */
  private afterFlush: Ephemeral[] = [];
  private flushScheduled = false;
  private readonly flushClock: FlushClock;
  /** Socket changes received since the last flush, applied together at its start. */
  private incoming: { socket: RoomSocket; frame: ChangeFrame; files: ReadonlyMap<string, FileFacts | null> }[] = [];
  private applying = false;

  constructor(
    store: LogStore,
    private readonly hub: SocketHub,
    private readonly opts: RoomOptions,
  ) {
    this.log = new ConversationLog(store, () => opts.now(), {
      stored: () => opts.onAppend?.(),
      committed: (_seq, body) => this.enqueue(body),
    });
    this.buckets = new TokenBuckets(opts.rateLimit);
    this.budget = new FrameBudget(opts.frameBudget ?? { perSecond: Limits.framesPerSecond, burst: Limits.frameBurst }, {
      perSecond: Limits.replayBytesPerSecond,
      burst: Limits.replayBytesBurst,
    });
    this.replays = new Replays(
      {
        now: () => opts.now(),
        delay: (fn, ms) => opts.delay(fn, ms),
        broadcastHead: () => this.broadcastHead,
        eventsAfter: (after, upTo, limit) => this.log.store.eventsAfter(after, upTo, limit),
      },
      this.budget,
    );
    this.coalescer = new Coalescer(
      opts,
      (userId, seq) => this.ephemeral(frame({ type: "receipt", userId, seq })),
      (userId) => this.ephemeral(frame({ type: "typing", userId }), userId),
    );
    this.flushClock = opts.flushClock ?? { last: Number.NEGATIVE_INFINITY };
    this.broadcastHead = this.log.head;
  }

  /**
   * The shared path of socket frames and REST posts for send/edit/delete/react.
   * `files`: what the object read from D1 for a file send (see file-gate.ts).
   */
  change(userId: string, f: ChangeFrame, files: ReadonlyMap<string, FileFacts | null> = NO_FILES): Accepted | Refusal {
    const denied = this.log.check(userId);
    if (denied) return denied;
    const repeat = this.log.repeatOf(userId, f.clientId);
    if (repeat) return repeat;
    if (!this.buckets.take(userId, this.opts.now())) {
      return refuse(ErrorCode.rateLimited, "over 10 changes per second");
    }
    return this.log.apply(userId, f, files);
  }

  /** A frame from a socket: `admitFrame`, then `handle`. */
  onFrame(socket: RoomSocket, data: string | ArrayBuffer): void {
    if (this.admitFrame(socket, data)) this.handle(socket, data);
  }

  /**
   * The checks on a frame's arrival, before anything is read or looked up
   * for it (the object runs them before the file gate's D1 read): its size
   * (1009), then the socket's frame budget. False: the frame is dropped.
   */
  admitFrame(socket: RoomSocket, data: string | ArrayBuffer): boolean {
    if (frameBytes(data, Limits.frameMaxBytes) > Limits.frameMaxBytes) {
      this.end(socket, CloseCode.frameTooBig, "frame over 64 KiB");
      return false;
    }
    // The runtime answers the exact ping text itself; should one reach us, it is free as there.
    if (data === PING_TEXT) return true;
    const verdict = this.budget.admit(socket, this.opts.now());
    if (verdict === "ok") return true;
    if (verdict === "close") {
      this.end(socket, CloseCode.policy, "frame budget exceeded");
      return false;
    }
    // Strikes bound these answers (frame-budget.ts).
    socket.send(overBudget(data, this.budget.frames.perSecond));
    return false;
  }

  /** `files`: facts the object read from D1 for a file send (see file-gate.ts), used when the change is applied. */
  handle(
    socket: RoomSocket,
    data: string | ArrayBuffer,
    files: ReadonlyMap<string, FileFacts | null> = NO_FILES,
  ): void {
    const fatal = this.admit(socket);
    if (fatal) {
      this.end(socket, fatal.code, fatal.reason);
      return;
    }
    const text = frameText(data);
    if (text === null) {
      this.end(socket, CloseCode.invalidData, "frame is not UTF-8");
      return;
    }
    const raw = parseJson(text);
    const parsed = v.safeParse(ClientFrameSchema, raw);
    if (!socket.live && (!parsed.success || parsed.output.type !== "hello")) {
      this.end(socket, CloseCode.protocolViolation, "first frame must be hello");
    } else if (!parsed.success) {
      const issue = parsed.issues[0];
      const where = issue ? (v.getDotPath(issue) ?? "frame") : "frame";
      this.protocolError(socket, `invalid ${where}: ${issue?.message ?? "not JSON"}`, clientIdOf(raw));
    } else {
      this.dispatch(socket, parsed.output, files);
    }
  }

  /** Checks that end the socket, in contract order after size and budget: token, membership. */
  private admit(socket: RoomSocket): { code: number; reason: string } | null {
    if (socket.exp * 1000 <= this.opts.now()) return { code: CloseCode.unauthorized, reason: "token expired" };
    if (!this.log.members.has(socket.userId)) return { code: CloseCode.forbidden, reason: "not a member" };
    return null;
  }

  private dispatch(socket: RoomSocket, f: ClientFrame, files: ReadonlyMap<string, FileFacts | null>): void {
    switch (f.type) {
      case "hello":
        if (socket.live) this.protocolError(socket, "hello was already received");
        else this.hello(socket, f.lastSeq);
        break;
      case "sync":
        this.replays.start(socket, Math.min(f.after, this.broadcastHead));
        break;
      case "typing":
        this.coalescer.typing(socket.userId);
        break;
      case "read":
        this.read(socket.userId, f.seq);
        break;
      case "ping":
        socket.send(frame({ type: "pong" }));
        break;
      default:
        // Applied in the next flush with every change that arrived meanwhile:
        // workerd commits the object's SQLite once per turn, so a batch of
        // changes applied in one turn shares one commit (and one output-gate wait).
        this.incoming.push({ socket, frame: f, files });
        this.scheduleFlush();
    }
  }

  /** Applies one queued socket change and answers its sender (held by the output gate until committed). */
  private applyChange(socket: RoomSocket, f: ChangeFrame, files: ReadonlyMap<string, FileFacts | null>): void {
    let result: Accepted | Refusal;
    try {
      result = this.change(socket.userId, f, files);
    } catch (err) {
      // One failing change must not take the rest of the batch (and its acks) with it.
      console.error("change failed", err instanceof Error ? err.name : "non-error");
      result = refuse(ErrorCode.internal, "the change could not be applied; retry");
    }
    socket.send(
      frame(
        result.ok
          ? { type: "ack", clientId: f.clientId, seq: result.seq, createdAt: result.createdAt }
          : { type: "error", code: result.code, message: result.message, clientId: f.clientId },
      ),
    );
  }

  /**
   * A `lastSeq` past head (a client ahead of a restored log) is treated as
   * head: nothing is replayed and `welcome.head` tells the client the truth.
   */
  private hello(socket: RoomSocket, lastSeq: number): void {
    const online = new Set<string>();
    for (const s of this.hub.sockets()) online.add(s.userId);
    online.add(socket.userId);
    const reads = this.log.store.readMarkers();
    const welcome = frame({
      type: "welcome",
      head: this.log.head,
      readSeq: reads.get(socket.userId) ?? 0,
      members: [...this.log.members].map(([userId, role]) => ({
        userId,
        role,
        online: online.has(userId),
        readSeq: reads.get(userId) ?? 0,
      })),
      protocol: PROTOCOL_VERSION,
    });
    socket.send(welcome);
    // A large group's welcome is large: it counts against the bytes this user may ask for.
    this.budget.spendReplay(socket.userId, utf8Length(welcome), this.opts.now());
    socket.markLive();
    // Anything above broadcastHead is pending and comes with the flush, once the replay is done.
    this.replays.start(socket, Math.min(lastSeq, this.log.head));
  }

  /** The socket closed (or is being closed): its replay stops. */
  socketGone(socket: RoomSocket): void {
    this.replays.forget(socket);
  }

  private end(socket: RoomSocket, code: number, reason: string): void {
    this.socketGone(socket);
    socket.close(code, reason);
  }

  private read(userId: string, seq: number): void {
    const target = Math.min(seq, this.log.head);
    if (target <= this.log.store.getRead(userId)) return;
    try {
      this.log.transact(() => {
        this.log.store.setRead(userId, target);
        this.opts.onRead?.(userId);
      });
    } catch (err) {
      // Nothing moved (the transaction rolled back) and no receipt goes out; the client's next read retries.
      console.error("read marker failed", err instanceof Error ? err.name : "non-error");
      return;
    }
    this.coalescer.receipt(userId, target);
  }

  private ephemeral(text: string, skipUser?: string): void {
    if (this.flushScheduled) {
      this.afterFlush.push({ text, skipUser });
      return;
    }
    for (const s of this.hub.sockets()) if (s.live && s.userId !== skipUser) s.send(text);
  }

  private protocolError(socket: RoomSocket, message: string, clientId?: string): void {
    socket.protocolErrors += 1;
    if (socket.protocolErrors >= PROTOCOL_ERRORS_MAX) {
      this.end(socket, CloseCode.protocolViolation, "too many invalid frames");
      return;
    }
    socket.send(frame({ type: "error", code: ErrorCode.invalidRequest, message, ...(clientId ? { clientId } : {}) }));
  }

  /** A membership change; users who lost access have their sockets closed (4003) at once. */
  changeMembers(actorId: string, change: MemberChange): MemberChangeResult | Refusal {
    const result = changeMembers(this.log, actorId, change);
    if (result.ok && result.removed.length > 0) {
      // The caller may hold the transaction open (the object adds its inbox marks): close once it commits.
      this.log.afterCommit(() => {
        for (const s of this.hub.sockets()) {
          if (result.removed.includes(s.userId)) this.end(s, CloseCode.forbidden, "no longer a member");
        }
      });
    }
    return result;
  }

  /** Closes the user's sockets of the matching sessions (logout: only; password change: except). */
  closeSessions(userId: string, scope: SessionScope): number {
    let closed = 0;
    for (const s of this.hub.sockets()) {
      if (s.userId !== userId || !inScope(s.sessionId, scope)) continue;
      this.end(s, CloseCode.unauthorized, "session revoked");
      closed += 1;
    }
    return closed;
  }

  /** A committed event joins the next flush. */
  private enqueue(body: string): void {
    this.pending.push(body);
    if (!this.applying) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Busy: a microtask runs before the next incoming frame is delivered, so
    // every frame would flush alone. A 0 ms timer runs after the frames
    // already queued for this object, which then share one flush.
    const idle = this.opts.now() - this.flushClock.last >= IDLE_GAP_MS;
    if (idle && this.opts.scheduleSoon) this.opts.scheduleSoon(this.flushBound);
    else this.opts.schedule(this.flushBound);
  }

  /** One callback for every scheduled flush, not a new closure per message. */
  private readonly flushBound = () => this.flush();

  /**
   * Applies the queued socket changes (acks in arrival order), then sends the
   * new events as one JSON string per 500, built once, to every live socket.
   */
  flush(): void {
    this.flushScheduled = false;
    this.flushClock.last = this.opts.now();
    const changes = this.incoming;
    this.incoming = [];
    this.applying = true;
    try {
      for (const c of changes) this.applyChange(c.socket, c.frame, c.files);
    } finally {
      this.applying = false;
    }
    const bodies = this.pending;
    this.pending = [];
    const texts: string[] = [];
    for (let i = 0; i < bodies.length; i += Limits.replayBatch) {
      texts.push(eventsFrame(bodies.slice(i, i + Limits.replayBatch)));
    }
    this.broadcastHead = this.log.head;
    const extras = this.afterFlush;
    this.afterFlush = [];
    // Index loops: for-of here allocated an iterator per socket per message,
    // garbage that V8 had to collect while frames waited (docs/benchmarks.md, round 6).
    const sockets = this.hub.sockets();
    const replaying = this.replays.size > 0;
    for (let j = 0; j < sockets.length; j++) {
      const s = sockets[j] as RoomSocket;
      if (!s.live) continue;
      // A replaying socket gets these events from its replay, in order (replays.ts).
      if (replaying && this.replays.has(s)) {
        for (let i = 0; i < extras.length; i++) {
          const e = extras[i] as Ephemeral;
          if (s.userId !== e.skipUser) s.send(e.text);
        }
        continue;
      }
      for (let i = 0; i < texts.length; i++) s.send(texts[i] as string);
      for (let i = 0; i < extras.length; i++) {
        const e = extras[i] as Ephemeral;
        if (s.userId !== e.skipUser) s.send(e.text);
      }
    }
  }
}
