import * as v from "valibot";
import { type ChangeFrame, CloseCode, type ConversationServerFrame, ErrorCode, Limits, PING_TEXT } from "../protocol";
import { inScope, type SessionScope } from "../shared/scope";
import { frameBytes, utf8Length } from "../shared/utf8";
import { Broadcast } from "./broadcast";
import { FrameBudget } from "./frame-budget";
import { type ClientFrame, ClientFrameSchema, clientIdOf } from "./frames";
import { frameText, overBudget, parseJson } from "./intake";
import { type Accepted, ConversationLog } from "./log";
import { changeMembers, type MemberChange, type MemberChangeResult } from "./membership";
import { type Facts, NO_FACTS } from "./prefetch";
import { TokenBuckets } from "./rate-limit";
import { Replays } from "./replays";
import { type Refusal, refuse } from "./results";
import type { RoomOptions, RoomSocket, SocketHub } from "./room-host";
import { Signals } from "./signals";
import type { LogStore } from "./store";
import { welcomeFrame } from "./welcome";

const PROTOCOL_ERRORS_MAX = 10;

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
  private readonly signals: Signals;
  private readonly broadcast: Broadcast;
  /** Socket changes received since the last flush, applied together at its start. */
  private incoming: { socket: RoomSocket; frame: ChangeFrame; facts: Facts }[] = [];

  constructor(
    store: LogStore,
    private readonly hub: SocketHub,
    private readonly opts: RoomOptions,
  ) {
    this.log = new ConversationLog(store, () => opts.now(), {
      stored: () => opts.onAppend?.(),
      committed: (_seq, body) => this.broadcast.enqueue(body),
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
        broadcastHead: () => this.broadcast.head,
        eventsAfter: (after, upTo, limit) => this.log.store.eventsAfter(after, upTo, limit),
      },
      this.budget,
    );
    this.signals = new Signals({
      clock: opts,
      memberCount: () => this.log.members.size,
      store,
      send: (text, to) => this.broadcast.ephemeral(text, to),
    });
    this.broadcast = new Broadcast({
      hub,
      opts,
      replays: this.replays,
      head: () => this.log.head,
      applyIncoming: () => this.applyIncoming(),
    });
  }

  /**
   * The shared path of socket frames and REST posts for send/edit/delete/react.
   * `facts`: what the object looked up for the change before this synchronous step (prefetch.ts).
   */
  change(userId: string, f: ChangeFrame, facts: Facts = NO_FACTS): Accepted | Refusal {
    const denied = this.log.check(userId);
    if (denied) return denied;
    const repeat = this.log.repeatOf(userId, f.clientId);
    if (repeat) return repeat;
    if (f.type !== "delete" && this.opts.silenced?.(userId)) return refuse(ErrorCode.forbidden, "blocked");
    if (!this.buckets.take(userId, this.opts.now())) {
      return refuse(ErrorCode.rateLimited, "over 10 changes per second");
    }
    return this.log.apply(userId, f, facts);
  }

  /** A frame from a socket: `admitFrame`, then `handle`. */
  onFrame(socket: RoomSocket, data: string | ArrayBuffer): void {
    if (this.admitFrame(socket, data)) this.handle(socket, data);
  }

  /**
   * The checks on a frame's arrival, before anything is read or looked up
   * for it (the object runs them before its prefetch step's lookups): its size
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

  /** `facts`: what the object looked up for the frame (prefetch.ts), used when its change is applied. */
  handle(socket: RoomSocket, data: string | ArrayBuffer, facts: Facts = NO_FACTS): void {
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
      this.dispatch(socket, parsed.output, facts);
    }
  }

  /** Checks that end the socket, in contract order after size and budget: token, membership. */
  private admit(socket: RoomSocket): { code: number; reason: string } | null {
    if (socket.exp * 1000 <= this.opts.now()) return { code: CloseCode.unauthorized, reason: "token expired" };
    if (!this.log.members.has(socket.userId)) return { code: CloseCode.forbidden, reason: "not a member" };
    return null;
  }

  private dispatch(socket: RoomSocket, f: ClientFrame, facts: Facts): void {
    switch (f.type) {
      case "hello":
        if (socket.live) this.protocolError(socket, "hello was already received");
        else this.hello(socket, f.lastSeq);
        break;
      case "sync":
        this.replays.start(socket, Math.min(f.after, this.broadcast.head));
        break;
      case "typing":
        if (this.opts.silenced?.(socket.userId))
          socket.send(frame({ type: "error", code: ErrorCode.forbidden, message: "blocked" }));
        else this.signals.typing(socket.userId);
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
        this.incoming.push({ socket, frame: f, facts });
        this.broadcast.schedule();
    }
  }

  /** Applies one queued socket change and answers its sender (held by the output gate until committed). */
  private applyChange(socket: RoomSocket, f: ChangeFrame, facts: Facts): void {
    let result: Accepted | Refusal;
    try {
      result = this.change(socket.userId, f, facts);
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
    // Blocked: the other side shows as offline (the contract's "each sees the other as offline"),
    // and its read marker is not shown either: a read made during the block is a receipt.
    const silenced = this.opts.silenced?.(socket.userId) === true;
    if (!silenced) for (const s of this.hub.sockets()) online.add(s.userId);
    online.add(socket.userId);
    const welcome = frame(welcomeFrame(this.log, { caller: socket.userId, online, hideOthers: silenced }));
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
    // The marker is the reader's own (their unread count); the receipt would reach the other side.
    if (!this.opts.silenced?.(userId)) this.signals.read(userId, target);
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

  /** Applies the queued socket changes and sends what they and others appended (broadcast.ts). */
  flush(): void {
    this.broadcast.flush();
  }

  private applyIncoming(): void {
    const changes = this.incoming;
    this.incoming = [];
    for (const c of changes) this.applyChange(c.socket, c.frame, c.facts);
  }
}
