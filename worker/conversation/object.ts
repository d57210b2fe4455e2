import { DurableObject } from "cloudflare:workers";
import { touchConversation } from "../db/conversations";
import { getFileFacts } from "../db/files";
import { writeMemberIndex } from "../db/member-index";
import { getUsersByIds } from "../db/users";
import { firstDeadline, type SocketTimes, sweepSockets } from "../do/sockets";
import { inboxStub } from "../do/stubs";
import { InternalHeader } from "../do/upgrade";
import { reclaimFiles } from "../files/reclaim";
import { ApiError, errorResponse, refusalError } from "../http/errors";
import {
  type ChangeFrame,
  CloseCode,
  ErrorCode,
  Limits,
  PING_TEXT,
  PONG_TEXT,
  SUBPROTOCOL,
  type User,
} from "../protocol";
import type { ConversationNote } from "../shared/note";
import type { SessionScope } from "../shared/scope";
import { type Access, accessOf, type Roster, rosterOf } from "./authority";
import { DmBlocks } from "./dm-blocks";
import { FileGate } from "./file-gate";
import type { Accepted, InitInput } from "./log";
import { MemberIndexOutbox } from "./member-index";
import type { MemberChange, MemberChangeResult } from "./membership";
import { NO_FILES } from "./message-file";
import { InboxNotifier } from "./notifier";
import {
  type EventsPage,
  eventsPage,
  inboxNotes,
  type MessagesPage,
  type MessagesQuery,
  messagesPage,
  type Summary,
  summary,
} from "./queries";
import { type RateLimit, TokenBuckets } from "./rate-limit";
import { type Refusal, refuse } from "./results";
import { type FlushClock, Room, type RoomSocket } from "./room";
import { SqliteLogStore } from "./sqlite-store";

interface Attachment {
  userId: string;
  sessionId: string;
  exp: number;
  live: boolean;
  /** Stands in for the last ping until the first one arrives (heartbeat sweep). */
  acceptedAt: number;
}

function readAttachment(value: unknown): Attachment | null {
  if (typeof value !== "object" || value === null) return null;
  const a = value as Partial<Record<keyof Attachment, unknown>>;
  if (typeof a.userId !== "string" || typeof a.sessionId !== "string" || typeof a.exp !== "number") return null;
  // A socket accepted before `acceptedAt` existed gets a full timeout from now, not an instant close.
  const acceptedAt = typeof a.acceptedAt === "number" ? a.acceptedAt : Date.now();
  return { userId: a.userId, sessionId: a.sessionId, exp: a.exp, live: a.live === true, acceptedAt };
}

/** A hibernatable WebSocket with its identity in the serialized attachment. */
class AttachedSocket implements RoomSocket {
  protocolErrors = 0;
  /** In memory: after hibernation only pings (kept by the runtime) and `acceptedAt` count. */
  lastFrameAt = 0;
  constructor(
    private readonly ws: WebSocket,
    private att: Attachment,
  ) {}
  get acceptedAt() {
    return this.att.acceptedAt;
  }
  get userId() {
    return this.att.userId;
  }
  get sessionId() {
    return this.att.sessionId;
  }
  get exp() {
    return this.att.exp;
  }
  get live() {
    return this.att.live;
  }
  markLive(): void {
    this.att = { ...this.att, live: true };
    this.ws.serializeAttachment(this.att);
  }
  // A socket that is closing throws on send/close; it is about to leave anyway.
  send(text: string): void {
    try {
      this.ws.send(text);
    } catch {}
  }
  close(code: number, reason: string): void {
    try {
      this.ws.close(code, reason);
    } catch {}
  }
}

/** D1 `updated_at` is bookkeeping for lists: written at most once per this interval, never per message. */
const TOUCH_DELAY_MS = 5000;
/**
 * Inbox notification rounds: a few at once, then at most 2 per second under
 * sustained traffic. Each round is one RPC per member (and, for members with
 * no inbox socket, a push lookup); back to back they cost more CPU than the
 * messages themselves (docs/benchmarks.md). Ordinary chat never waits.
 */
const NOTIFY_ROUNDS: RateLimit = { perSecond: 2, burst: 5 };
/** The conversation objects of one isolate share its thread, so they share the load signal (room.ts). */
const ISOLATE_FLUSH_CLOCK: FlushClock = { last: Number.NEGATIVE_INFINITY };
/** A failed file reclaim is retried after this long. */
const FILE_RECLAIM_RETRY_MS = 60_000;
/** A D1 index write not answered by then is retried by the alarm (member-index.ts). */
const INDEX_WRITE_TIMEOUT_MS = 10_000;

export type RpcResult<T> = T | Refusal;

/**
 * Platform glue: sockets, attachments, SQLite and alarms. The conversation
 * logic is `Room` (live side) and `ConversationLog` (ordering, folding).
 * Nothing here survives hibernation except SQLite and attachments; the rate
 * buckets and typing throttles are in memory and simply restart.
 */
export class ConversationObject extends DurableObject<Env> {
  readonly room: Room;
  readonly notifier: InboxNotifier;
  /** The outbox to D1's member index; its `writer` is what fault tests replace. */
  readonly memberIndex: MemberIndexOutbox;
  private readonly dmBlocks: DmBlocks;
  private readonly wrapped = new WeakMap<WebSocket, AttachedSocket>();
  private touchScheduled = false;
  private alarmAt: number | null = null;
  private readonly notifyRounds = new TokenBuckets(NOTIFY_ROUNDS);
  private markedThisTurn = false;
  /** A DM's two users, for `peer` in summaries; profiles change rarely and a restart refreshes them. */
  private peers: Map<string, User> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // First: it applies the object's SQLite migrations, which the notifier's tables need.
    const store = new SqliteLogStore(ctx.storage);
    this.memberIndex = new MemberIndexOutbox(
      {
        sql: ctx.storage.sql,
        transaction: (fn) => ctx.storage.transactionSync(fn),
        conversation: () => this.room.log.meta,
        retryLater: (ms) => this.ensureAlarm(Date.now() + ms),
      },
      { write: (w) => writeMemberIndex(this.env.DB, w), timeoutMs: INDEX_WRITE_TIMEOUT_MS },
    );
    this.dmBlocks = new DmBlocks(ctx.storage.sql);
    this.notifier = new InboxNotifier({
      sql: ctx.storage.sql,
      transaction: (fn) => ctx.storage.transactionSync(fn),
      members: () => this.room.log.members.keys(),
      prepare: async () => {
        if (!this.notifyRounds.take("rounds", Date.now())) {
          // Changes made meanwhile join this round (the notifier reads them after `prepare`).
          await new Promise((resolve) => setTimeout(resolve, 1000 / NOTIFY_ROUNDS.perSecond));
          this.notifyRounds.take("rounds", Date.now());
        }
        await this.loadPeers();
      },
      notes: (userIds) => inboxNotes(this.room.log, userIds, this.peers ?? new Map()),
      deliver: async (userId, note) =>
        (await inboxStub(this.env, userId).conversationChanged(userId, note)).parkedAt ?? null,
      retryLater: (ms) => this.ensureAlarm(Date.now() + ms),
      pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    this.room = new Room(
      store,
      { sockets: () => this.sockets() },
      {
        now: () => Date.now(),
        schedule: (fn) => setTimeout(fn, 0),
        delay: (fn, ms) => setTimeout(fn, ms),
        scheduleSoon: (fn) => queueMicrotask(fn),
        flushClock: ISOLATE_FLUSH_CLOCK,
        rateLimit: {
          perSecond: Number(env.SEND_RATE_PER_SECOND) || Limits.sendsPerSecond,
          burst: Number(env.SEND_BURST) || Limits.sendBurst,
        },
        frameBudget: {
          perSecond: Number(env.FRAME_RATE_PER_SECOND) || Limits.framesPerSecond,
          burst: Number(env.FRAME_BURST) || Limits.frameBurst,
        },
        // Both run inside the change's transaction: the inbox marks commit with it or not at
        // all, and the rest (timers, waking the notifier) waits until it has committed.
        onAppend: () => {
          // One durable mark per turn covers every event appended in it (a batch shares one commit).
          if (this.markedThisTurn) return;
          this.notifier.markAll();
          this.room.log.afterCommit(() => {
            this.scheduleTouch();
            this.notifier.wake();
            if (this.markedThisTurn) return;
            this.markedThisTurn = true;
            queueMicrotask(() => {
              this.markedThisTurn = false;
            });
          });
        },
        onRead: (userId) => {
          this.notifier.markUsers([userId]);
          this.room.log.afterCommit(() => {
            this.notifier.wake();
            // Durable backup: if the object is evicted before the coalescing timer fires, the alarm delivers.
            this.ensureAlarm(Date.now() + TOUCH_DELAY_MS);
          });
        },
        silenced: () => this.dmBlocks.any,
      },
    );
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
  }

  private wrap(ws: WebSocket): AttachedSocket | null {
    let s = this.wrapped.get(ws);
    if (!s) {
      const att = readAttachment(ws.deserializeAttachment());
      if (!att) return null;
      s = new AttachedSocket(ws, att);
      this.wrapped.set(ws, s);
    }
    return s;
  }

  /**
   * The fan-out's socket list, built once and kept until a socket is
   * accepted or leaves: a generator over `getWebSockets()` per flush was a
   * third of this object's own allocation per message, and under light load
   * that garbage sets how often V8 stops the isolate (docs/benchmarks.md,
   * round 6). A socket that is closing stays listed until its close event,
   * as it does in `getWebSockets()`; a send to it is a no-op.
   */
  private socketList: AttachedSocket[] | null = null;

  private sockets(): readonly RoomSocket[] {
    if (this.socketList) return this.socketList;
    const list: AttachedSocket[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const s = this.wrap(ws);
      if (s) list.push(s);
    }
    this.socketList = list;
    return list;
  }

  /** The upgrade, forwarded by the Worker after it authenticated the caller. */
  override async fetch(req: Request): Promise<Response> {
    const userId = req.headers.get(InternalHeader.userId);
    const sessionId = req.headers.get(InternalHeader.sessionId);
    const exp = Number(req.headers.get(InternalHeader.exp));
    if (!userId || !sessionId || !Number.isFinite(exp) || req.headers.get("Upgrade") !== "websocket") {
      return errorResponse(new ApiError(400, ErrorCode.invalidRequest, "expected a forwarded WebSocket upgrade"));
    }
    const denied = this.room.log.check(userId);
    if (denied) return errorResponse(refusalError(denied));

    const existing = this.ctx.getWebSockets(`u:${userId}`).length;
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [`u:${userId}`, `s:${sessionId}`]);
    this.socketList = null;
    const now = Date.now();
    server.serializeAttachment({ userId, sessionId, exp, live: false, acceptedAt: now } satisfies Attachment);
    // Accept-then-close, so the client learns why (4008) instead of a bare HTTP refusal.
    if (existing >= Limits.socketsPerUserPerConversation) server.close(CloseCode.policy, "too many sockets");
    else await this.armSweep(firstDeadline({ lastSeenAt: now, expiresAt: exp * 1000 }, this.heartbeatTimeoutMs));
    const headers = req.headers.get(InternalHeader.subprotocol) ? { "Sec-WebSocket-Protocol": SUBPROTOCOL } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> | undefined {
    const s = this.wrap(ws);
    if (!s) {
      ws.close(CloseCode.protocolViolation, "unknown socket");
      return undefined;
    }
    // Any frame shows the client is alive (the ping text itself never reaches here).
    s.lastFrameAt = Date.now();
    // Size and frame budget first: a refused frame costs no D1 read.
    if (!this.room.admitFrame(s, message)) return undefined;
    // A file send reads D1 first; the gate keeps frame order (see file-gate.ts).
    return this.fileGate.run(message, (f) => this.room.handle(s, message, f));
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.socketList = null;
    this.forget(ws);
    try {
      // 1005/1006 mean "no code" and cannot be sent back.
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {}
  }

  override webSocketError(ws: WebSocket): void {
    this.socketList = null;
    this.forget(ws);
    try {
      ws.close(1011, "socket error");
    } catch {}
  }

  private forget(ws: WebSocket): void {
    const s = this.wrapped.get(ws);
    if (s) this.room.socketGone(s);
  }

  private async loadPeers(): Promise<void> {
    if (this.peers || this.room.log.meta?.kind !== "dm") return;
    this.peers = await getUsersByIds(this.env.DB, this.room.log.members.keys());
  }

  private get heartbeatTimeoutMs(): number {
    return Number(this.env.HEARTBEAT_TIMEOUT_MS) || Limits.heartbeatTimeoutMs;
  }

  /**
   * Makes sure a sweep runs by `at` (a socket's first deadline). Reads the
   * stored alarm first: after hibernation `alarmAt` is forgotten, and a
   * later alarm must not replace an earlier one (a notifier retry or touch).
   */
  private async armSweep(at: number): Promise<void> {
    if (this.alarmAt === null) this.alarmAt = await this.ctx.storage.getAlarm();
    this.ensureAlarm(at);
  }

  /**
   * Closes sockets silent (no ping, no frame) for the timeout (1000) or past
   * their token's expiry (4001), even one that only pings; returns when the
   * next one is due (do/sockets.ts).
   */
  private sweepSockets(now: number): number | null {
    const open = this.ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN);
    return sweepSockets(
      open,
      (ws): SocketTimes | null => {
        const s = this.wrap(ws);
        if (!s) return null;
        const lastPing = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
        return { lastSeenAt: Math.max(lastPing, s.lastFrameAt, s.acceptedAt), expiresAt: s.exp * 1000 };
      },
      (ws, code, reason) => {
        this.forget(ws);
        this.wrap(ws)?.close(code, reason);
      },
      now,
      this.heartbeatTimeoutMs,
    ).next;
  }

  /** One alarm serves the D1 touch, the inbox notifier's retries and eviction backup, and the socket sweep. */
  private ensureAlarm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  private scheduleTouch(): void {
    if (this.touchScheduled) return;
    this.touchScheduled = true;
    // Also the backup for this event's inbox notes (see `alarm`).
    this.ensureAlarm(Date.now() + TOUCH_DELAY_MS);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    const nextSweep = this.sweepSockets(now);
    if (nextSweep !== null) this.ensureAlarm(nextSweep);
    this.touchScheduled = false;
    if (this.notifier.hasWork()) await this.notifier.flush();
    await this.flushMemberIndex();
    if (!(await this.reclaimFiles())) this.ensureAlarm(Date.now() + FILE_RECLAIM_RETRY_MS);
    const { meta, head, store } = this.room.log;
    const updatedAt = store.getEvent(head)?.createdAt;
    if (!meta || updatedAt === undefined) return;
    await touchConversation(this.env.DB, meta.id, updatedAt);
  }

  // ---------- RPC (Worker -> object); each method checks the caller's membership ----------

  /** Creates the log once; its members reach D1's index through the outbox (see `syncIndex`). */
  init(input: InitInput): { ok: true; head: number; created: boolean } {
    const { log } = this.room;
    return log.transact(() => {
      const r = log.init(input);
      if (r.created) this.memberIndex.mark(input.members.map((m) => m.userId));
      log.afterCommit(() => void this.flushMemberIndex());
      return r;
    });
  }

  /**
   * Waits until D1's index holds every membership change committed so far,
   * or its write failed (then the alarm retries and this answers false).
   * Routes call it after a change so "my conversations" reads its own writes;
   * access never depends on it.
   */
  async syncIndex(): Promise<boolean> {
    return this.memberIndex.hasWork() ? this.memberIndex.flush() : true;
  }

  /** The caller's role, or the refusal every content route answers with: the one member check. */
  access(userId: string): RpcResult<Access> {
    return accessOf(this.room.log, userId, this.dmBlocks.any);
  }

  /** The conversation and its members as this object holds them (GET /api/conversations/:id). */
  roster(userId: string): RpcResult<Roster> {
    return rosterOf(this.room.log, this.ctx.storage.sql, userId);
  }

  /**
   * A block between the DM's two members, stored here before PUT/DELETE
   * /api/blocks answers: from this commit on, `silenced` holds for both.
   */
  setBlock(blockerId: string, blockedId: string, on: boolean): RpcResult<{ ok: true; blocked: boolean }> {
    const { log } = this.room;
    const denied = log.check(blockerId);
    if (denied) return denied;
    if (log.meta?.kind !== "dm" || !log.members.has(blockedId)) {
      return refuse(ErrorCode.invalidRequest, "not this DM's other member");
    }
    log.transact(() => {
      this.dmBlocks.set(blockerId, blockedId, on);
      log.afterCommit(() => this.dmBlocks.refresh());
    });
    return { ok: true, blocked: this.dmBlocks.any };
  }

  events(userId: string, after: number, limit: number): RpcResult<EventsPage> {
    return eventsPage(this.room.log, userId, after, limit);
  }

  messages(userId: string, query: MessagesQuery): RpcResult<MessagesPage> {
    return messagesPage(this.room.log, userId, query);
  }

  /** Same path as a socket change frame (a file send reads D1 first); fans out to live sockets. */
  async post(userId: string, frame: ChangeFrame): Promise<RpcResult<Accepted>> {
    const fileId = frame.type === "send" ? frame.fileId : undefined;
    const files = fileId === undefined ? NO_FILES : new Map([[fileId, await getFileFacts(this.env.DB, fileId)]]);
    return this.room.change(userId, frame, files);
  }

  changeMembers(actorId: string, change: MemberChange): RpcResult<MemberChangeResult> {
    const { log } = this.room;
    // One transaction: the change (which joins it), the inbox marks and the index marks it implies.
    return log.transact(() => {
      const result = this.room.changeMembers(actorId, change);
      if (!result.ok) return result;
      this.memberIndex.mark(indexMarks(change, result));
      // The event marked every current member; those who left must hear it too.
      if (result.removed.length > 0) this.notifier.markUsers(result.removed);
      this.notifier.parked.clear((fn) => log.afterCommit(fn));
      log.afterCommit(() => {
        this.notifier.wake();
        void this.flushMemberIndex();
      });
      return result;
    });
  }

  /**
   * An inbox that answered "parked" wants to be told again (its user is
   * back): later rounds include the user, and this answers the note the
   * skipped rounds did not send (null when the conversation does not exist).
   */
  async unpark(userId: string, epoch: number): Promise<ConversationNote | null> {
    this.notifier.parked.unpark(userId, epoch);
    await this.loadPeers();
    return inboxNotes(this.room.log, [userId], this.peers ?? new Map()).get(userId) ?? null;
  }

  summary(userId: string): RpcResult<Summary> {
    return summary(this.room.log, userId);
  }

  closeSessions(userId: string, scope: SessionScope): { ok: true; closed: number } {
    return { ok: true, closed: this.room.closeSessions(userId, scope) };
  }

  /** Delivers pending index marks, if any; a failure is retried by the alarm (member-index.ts). */
  private async flushMemberIndex(): Promise<void> {
    if (this.memberIndex.hasWork()) await this.memberIndex.flush();
  }

  // ---------- file messages (issue 5) ----------

  private readonly fileGate = new FileGate((fileId) => getFileFacts(this.env.DB, fileId));

  /** Bytes of files whose last message was deleted; false when some must be retried. */
  reclaimFiles(): Promise<boolean> {
    const id = this.room.log.meta?.id;
    return id === undefined ? Promise.resolve(true) : reclaimFiles(this.env, this.room.log.store, id);
  }
}

/** The members whose index rows a change rewrites (a rename rewrites only the title). */
function indexMarks(change: MemberChange, result: MemberChangeResult): string[] {
  switch (change.action) {
    case "added":
      return change.userIds;
    case "removed":
      return result.newOwner === undefined ? [change.userId] : [change.userId, result.newOwner];
    case "role":
      return [change.userId];
    case "renamed":
      return [];
  }
}
