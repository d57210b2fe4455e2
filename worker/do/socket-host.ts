// Socket hosting both objects (conversation, inbox) share (the model:
// PartyServer's `Server`): reading the forwarded upgrade, accepting a
// hibernatable socket with its identity in the attachment, the 4008 cap,
// the subprotocol echo, the heartbeat/expiry sweep and the close-code echo.
// The objects keep what differs: who may connect, and what frames mean.
import { ApiError, errorResponse } from "../http/errors";
import { CloseCode, ErrorCode, Limits, PING_TEXT, PONG_TEXT, SUBPROTOCOL } from "../protocol";
import { firstDeadline, type SocketTimes, sweepSockets } from "./sockets";
import { InternalHeader } from "./upgrade";

/** Who a socket is, serialized with it so it survives hibernation. */
export interface SocketAttachment {
  userId: string;
  sessionId: string;
  /** Access-token expiry, seconds since the epoch: the socket is closed (4001) then. */
  exp: number;
  /** Past the handshake (conversation: `hello`; inbox: `welcome` sent): receives live frames. */
  live: boolean;
  /** Stands in for the last ping until the first one arrives (heartbeat sweep). */
  acceptedAt: number;
}

/** An attachment, checked field by field; null for anything this code did not write. */
export function readAttachment(value: unknown): SocketAttachment | null {
  if (typeof value !== "object" || value === null) return null;
  const a = value as Partial<Record<keyof SocketAttachment, unknown>>;
  if (typeof a.sessionId !== "string") return null;
  // Sockets accepted by older code: conversation ones lacked `acceptedAt` (a full timeout from now,
  // not an instant close), inbox ones `exp` and `userId` (the token lived at most the contract's
  // lifetime; the inbox is one user's and never reads it).
  const acceptedAt = typeof a.acceptedAt === "number" ? a.acceptedAt : Date.now();
  const exp = typeof a.exp === "number" ? a.exp : Math.floor(acceptedAt / 1000) + Limits.accessTokenTtlSeconds;
  const userId = typeof a.userId === "string" ? a.userId : "";
  return { userId, sessionId: a.sessionId, exp, live: a.live === true, acceptedAt };
}

/** The caller of a forwarded upgrade, as the Worker authenticated it (do/upgrade.ts). */
export interface Upgrade {
  userId: string;
  sessionId: string;
  exp: number;
  /** The client offered our subprotocol: the 101 must echo it. */
  subprotocol: boolean;
}

/** The forwarded upgrade's caller, or null when the request is not one. */
export function readUpgrade(req: Request): Upgrade | null {
  const userId = req.headers.get(InternalHeader.userId);
  const sessionId = req.headers.get(InternalHeader.sessionId);
  const exp = Number(req.headers.get(InternalHeader.exp));
  if (!userId || !sessionId || !Number.isFinite(exp) || req.headers.get("Upgrade") !== "websocket") return null;
  return { userId, sessionId, exp, subprotocol: req.headers.get(InternalHeader.subprotocol) !== null };
}

/** The answer to a request that is not a forwarded upgrade. */
export const notAnUpgrade = (): Response =>
  errorResponse(new ApiError(400, ErrorCode.invalidRequest, "expected a forwarded WebSocket upgrade"));

/** An accepted socket; `socket` is null when it was closed at once for the cap. */
export interface Accepted {
  socket: WebSocket | null;
  attachment: SocketAttachment;
  /** The 101 to return, with the subprotocol echoed when it was offered. */
  response: Response;
}

export class SocketHost {
  /** Attachments read once per socket per incarnation. */
  private readonly cache = new WeakMap<WebSocket, SocketAttachment>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly heartbeatTimeoutMs: () => number,
  ) {
    // Pings are answered by the runtime, without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
  }

  /**
   * Accepts the upgrade's socket with `tags`. Over `cap` (sockets already
   * open) it is closed with 4008 right after the accept, so the client
   * learns why instead of meeting a bare HTTP refusal.
   */
  accept(up: Upgrade, tags: string[], cap: { open: number; max: number; reason: string }): Accepted {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, tags);
    const attachment: SocketAttachment = {
      userId: up.userId,
      sessionId: up.sessionId,
      exp: up.exp,
      live: false,
      acceptedAt: Date.now(),
    };
    this.store(server, attachment);
    const headers = up.subprotocol ? { "Sec-WebSocket-Protocol": SUBPROTOCOL } : undefined;
    const response = new Response(null, { status: 101, webSocket: client, headers });
    if (cap.open >= cap.max) {
      server.close(CloseCode.policy, cap.reason);
      return { socket: null, attachment, response };
    }
    return { socket: server, attachment, response };
  }

  /** When the sweep must first look at a socket just accepted. */
  firstDeadline(att: SocketAttachment): number {
    return firstDeadline({ lastSeenAt: att.acceptedAt, expiresAt: att.exp * 1000 }, this.heartbeatTimeoutMs());
  }

  attachment(ws: WebSocket): SocketAttachment | null {
    const cached = this.cache.get(ws);
    if (cached) return cached;
    const att = readAttachment(ws.deserializeAttachment());
    if (att) this.cache.set(ws, att);
    return att;
  }

  /** The socket passed its handshake; persisted, so a wake from hibernation knows it. */
  markLive(ws: WebSocket): void {
    const att = this.attachment(ws);
    if (att && !att.live) this.store(ws, { ...att, live: true });
  }

  private store(ws: WebSocket, att: SocketAttachment): void {
    ws.serializeAttachment(att);
    this.cache.set(ws, att);
  }

  /** Open sockets (a closing one, or `except`, is not). */
  open(except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
  }

  /**
   * Closes sockets silent (no ping, no frame) for the timeout (1000) or past
   * their token's expiry (4001), even one that only pings; returns when the
   * next one is due (do/sockets.ts). `lastFrameAt`: the object's own record
   * of frames, which the runtime's ping timestamp does not see.
   */
  sweep(
    now: number,
    close: (ws: WebSocket, code: number, reason: string) => void,
    lastFrameAt: (ws: WebSocket) => number = () => 0,
  ): number | null {
    return sweepSockets(
      this.open(),
      (ws): SocketTimes | null => {
        const att = this.attachment(ws);
        if (!att) return null;
        const lastPing = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
        return { lastSeenAt: Math.max(lastPing, lastFrameAt(ws), att.acceptedAt), expiresAt: att.exp * 1000 };
      },
      close,
      now,
      this.heartbeatTimeoutMs(),
    ).next;
  }
}

/** Closes a socket that is closing anyway; it throws if already closed. */
export function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {}
}

/** The object's `webSocketClose`: completes the close handshake with the peer's code. */
export function echoClose(ws: WebSocket, code: number): void {
  // 1005/1006 mean "no code" and cannot be sent back.
  closeQuietly(ws, code === 1005 || code === 1006 ? 1000 : code, "closed");
}

/** The object's `webSocketError`. */
export const closeOnError = (ws: WebSocket): void => closeQuietly(ws, 1011, "socket error");
