import { DurableObject } from "cloudflare:workers";
import { and, eq, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { conversations } from "../db/schema";
import { ApiError, errorResponse } from "../http/errors";
import { inboxStub } from "../inbox/stub";
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
import { getUsersByIds } from "../social/users";
import { InternalHeader } from "./internal";
import type { Accepted, InitInput } from "./log";
import type { MemberChange, MemberChangeResult } from "./membership";
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
import type { Refusal } from "./results";
import { Room, type RoomSocket } from "./room";
import { SqliteLogStore } from "./sqlite-store";

interface Attachment {
  userId: string;
  sessionId: string;
  exp: number;
  live: boolean;
}

function readAttachment(value: unknown): Attachment | null {
  if (typeof value !== "object" || value === null) return null;
  const a = value as Record<string, unknown>;
  if (typeof a.userId !== "string" || typeof a.sessionId !== "string" || typeof a.exp !== "number") return null;
  return { userId: a.userId, sessionId: a.sessionId, exp: a.exp, live: a.live === true };
}

/** A hibernatable WebSocket with its identity in the serialized attachment. */
class AttachedSocket implements RoomSocket {
  protocolErrors = 0;
  constructor(
    private readonly ws: WebSocket,
    private att: Attachment,
  ) {}
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
  private readonly wrapped = new WeakMap<WebSocket, AttachedSocket>();
  private touchScheduled = false;
  private alarmAt: number | null = null;
  /** A DM's two users, for `peer` in summaries; profiles change rarely and a restart refreshes them. */
  private peers: Map<string, User> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.notifier = new InboxNotifier({
      sql: ctx.storage.sql,
      members: () => this.room.log.members.keys(),
      prepare: () => this.loadPeers(),
      notes: (userIds) => inboxNotes(this.room.log, userIds, this.peers ?? new Map()),
      deliver: async (userId, note) => {
        await inboxStub(this.env, userId).conversationChanged(userId, note);
      },
      retryLater: (ms) => this.ensureAlarm(Date.now() + ms),
    });
    this.room = new Room(
      new SqliteLogStore(ctx.storage.sql),
      { sockets: () => this.sockets() },
      {
        now: () => Date.now(),
        schedule: (fn) => setTimeout(fn, 0),
        rateLimit: {
          perSecond: Number(env.SEND_RATE_PER_SECOND) || Limits.sendsPerSecond,
          burst: Number(env.SEND_BURST) || Limits.sendBurst,
        },
        onAppend: () => {
          this.scheduleTouch();
          this.notifier.markAll();
        },
        onRead: (userId) => {
          this.notifier.markUsers([userId]);
          // Durable backup: if the object is evicted before the coalescing timer fires, the alarm delivers.
          this.ensureAlarm(Date.now() + TOUCH_DELAY_MS);
        },
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

  private *sockets(): Iterable<RoomSocket> {
    for (const ws of this.ctx.getWebSockets()) {
      const s = this.wrap(ws);
      if (s) yield s;
    }
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
    if (denied)
      return errorResponse(new ApiError(denied.code === ErrorCode.notFound ? 404 : 403, denied.code, denied.message));

    const existing = this.ctx.getWebSockets(`u:${userId}`).length;
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [`u:${userId}`, `s:${sessionId}`]);
    server.serializeAttachment({ userId, sessionId, exp, live: false } satisfies Attachment);
    // Accept-then-close, so the client learns why (4008) instead of a bare HTTP refusal.
    if (existing >= Limits.socketsPerUserPerConversation) server.close(CloseCode.policy, "too many sockets");
    const headers = req.headers.get(InternalHeader.subprotocol) ? { "Sec-WebSocket-Protocol": SUBPROTOCOL } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const s = this.wrap(ws);
    if (s) this.room.onFrame(s, message);
    else ws.close(CloseCode.protocolViolation, "unknown socket");
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      // 1005/1006 mean "no code" and cannot be sent back.
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {}
  }

  override webSocketError(ws: WebSocket): void {
    try {
      ws.close(1011, "socket error");
    } catch {}
  }

  private async loadPeers(): Promise<void> {
    if (this.peers || this.room.log.meta?.kind !== "dm") return;
    this.peers = await getUsersByIds(this.env.DB, this.room.log.members.keys());
  }

  /** One alarm serves the D1 touch, the inbox notifier's retries and its eviction backup. */
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
    this.touchScheduled = false;
    if (this.notifier.hasWork()) await this.notifier.flush();
    const { meta, head, store } = this.room.log;
    const updatedAt = store.eventsAfter(head - 1, head, 1)[0]?.createdAt;
    if (!meta || updatedAt === undefined) return;
    await drizzle(this.env.DB)
      .update(conversations)
      .set({ updatedAt })
      .where(and(eq(conversations.id, meta.id), lt(conversations.updatedAt, updatedAt)));
  }

  // ---------- RPC (Worker -> object); each method checks the caller's membership ----------

  init(input: InitInput): { ok: true; head: number; created: boolean } {
    return this.room.log.init(input);
  }

  events(userId: string, after: number, limit: number): RpcResult<EventsPage> {
    return eventsPage(this.room.log, userId, after, limit);
  }

  messages(userId: string, query: MessagesQuery): RpcResult<MessagesPage> {
    return messagesPage(this.room.log, userId, query);
  }

  /** Same path as a socket change frame; fans out to live sockets. */
  post(userId: string, frame: ChangeFrame): RpcResult<Accepted> {
    return this.room.change(userId, frame);
  }

  changeMembers(actorId: string, change: MemberChange): RpcResult<MemberChangeResult> {
    const result = this.room.changeMembers(actorId, change);
    // The event marked every current member; those who left must hear it too.
    if (result.ok && result.removed.length > 0) this.notifier.markUsers(result.removed);
    return result;
  }

  summary(userId: string): RpcResult<Summary> {
    return summary(this.room.log, userId);
  }

  closeSessions(userId: string, opts: { only?: string; except?: string }): { ok: true; closed: number } {
    return { ok: true, closed: this.room.closeSessions(userId, opts) };
  }
}
