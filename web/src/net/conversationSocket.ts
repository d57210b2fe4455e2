// The client end of one conversation's socket (PROTOCOL.md "Conversation
// socket"). Free of Preact and of DOM globals except the default socket
// factory, so tests drive it in plain Node with a fake socket.
//
// Guarantees to the listener: `onEvents` sees every event exactly once and in
// seq order (duplicates dropped, gaps filled with `sync`); every change handed
// to `send` is retransmitted with its clientId after each reconnect until the
// server acks it (the server dedupes, so this is exactly-once delivery).
import {
  BEARER_PREFIX,
  type ChangeFrame,
  CloseCode,
  type ConversationClientFrame,
  type ConversationEvent,
  type ConversationServerFrame,
  type ErrorCode,
  PING_TEXT,
  SUBPROTOCOL,
} from "../../../worker/protocol";
import { backoffDelay } from "./backoff";
import { parseServerFrame } from "./frames";
import { Sequencer } from "./sequencer";
import { browserSocket, type SocketFactory, type SocketLike } from "./socketFactory";

export type { SocketFactory, SocketHandlers, SocketLike } from "./socketFactory";

export type ConnectionState = "connecting" | "live" | "offline" | "forbidden" | "unauthorized" | "closed";

export interface ConversationSocketListener {
  onState?(state: ConnectionState): void;
  onWelcome?(frame: Extract<ConversationServerFrame, { type: "welcome" }>): void;
  /** New events, in seq order, each exactly once. */
  onEvents?(events: ConversationEvent[]): void;
  onAck?(clientId: string, seq: number, createdAt: number): void;
  /** The server refused this change for good; it left the outbox. */
  onRejected?(clientId: string, code: ErrorCode, message: string): void;
  onError?(code: ErrorCode, message: string): void;
  onTyping?(userId: string): void;
  onReceipt?(userId: string, seq: number): void;
}

export interface ConversationSocketOptions {
  /** Full ws(s) URL of `/api/conversations/:id/ws`. */
  url: string;
  /** Highest seq the caller has already applied (e.g. from REST history). */
  lastSeq: number;
  /** A token good for the handshake, or null when there is no session. */
  getAccessToken(): Promise<string | null>;
  /** Resolves false when the session is over; throws when offline. */
  refreshAccessToken(): Promise<boolean>;
  listener: ConversationSocketListener;
  createSocket?: SocketFactory;
  random?: () => number;
  heartbeatMs?: number;
}

export const HEARTBEAT_MS = 25_000;
/** Pings in a row with nothing heard back before the socket counts as dead. */
const MAX_SILENT_PINGS = 2;
const RATE_LIMIT_RETRY_MS = 1_000;

export class ConversationSocket {
  #opts: ConversationSocketOptions;
  #state: ConnectionState = "closed";
  #socket: SocketLike | null = null;
  #open = false;
  #stopped = true;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #silentPings = 0;
  #sequencer: Sequencer;
  #outbox = new Map<string, ChangeFrame>();
  #retryTimers = new Set<ReturnType<typeof setTimeout>>();

  constructor(opts: ConversationSocketOptions) {
    this.#opts = opts;
    this.#sequencer = new Sequencer(opts.lastSeq);
  }

  get state(): ConnectionState {
    return this.#state;
  }
  /** Highest seq applied so far; the next `hello` asks for everything after it. */
  get lastSeq(): number {
    return this.#sequencer.highest;
  }
  /** clientIds sent but not yet acked, oldest first. */
  get pending(): string[] {
    return [...this.#outbox.keys()];
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#clearTimers();
    this.#drop(CloseCode.normal);
    this.#setState("closed");
  }

  /** Queues a change; it is sent now if connected, else on the next connect. */
  send(frame: ChangeFrame): void {
    this.#outbox.set(frame.clientId, frame);
    if (this.#open) this.#transmit(frame);
  }

  /** Sends a text message and returns its clientId. */
  sendText(text: string): string {
    const clientId = crypto.randomUUID();
    this.send({ type: "send", clientId, kind: "text", text });
    return clientId;
  }

  markRead(seq: number): void {
    if (this.#open) this.#transmit({ type: "read", seq });
  }

  typing(): void {
    if (this.#open) this.#transmit({ type: "typing" });
  }

  /** Skips the backoff wait (the network came back, the tab became visible). */
  reconnectNow(): void {
    if (this.#stopped || this.#reconnectTimer === null) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    void this.#connect();
  }

  async #connect(): Promise<void> {
    this.#setState("connecting");
    let token: string | null;
    try {
      token = await this.#opts.getAccessToken();
    } catch {
      // Offline while refreshing: try again later.
      if (!this.#stopped) this.#retryLater();
      return;
    }
    if (this.#stopped) return;
    if (token === null) {
      this.#end("unauthorized");
      return;
    }

    const create = this.#opts.createSocket ?? browserSocket;
    const protocols = [SUBPROTOCOL, `${BEARER_PREFIX}${token}`];
    let socket: SocketLike | null = null;
    // Handlers of a socket we already replaced or dropped must do nothing.
    const current = () => socket !== null && socket === this.#socket;
    socket = create(this.#opts.url, protocols, {
      onOpen: () => {
        if (current()) this.#onOpen();
      },
      onMessage: (data) => {
        if (current()) this.#onMessage(data);
      },
      onClose: (code) => {
        if (current()) this.#onClose(code);
      },
    });
    this.#socket = socket;
  }

  #onOpen(): void {
    this.#open = true;
    this.#silentPings = 0;
    this.#sequencer.reset();
    this.#transmit({ type: "hello", lastSeq: this.#sequencer.highest });
    for (const frame of this.#outbox.values()) this.#transmit(frame);
    this.#heartbeat = setInterval(() => this.#beat(), this.#opts.heartbeatMs ?? HEARTBEAT_MS);
  }

  #beat(): void {
    if (this.#silentPings >= MAX_SILENT_PINGS) {
      // A half-open TCP connection never closes by itself; treat it as gone.
      this.#drop(CloseCode.normal);
      this.#setState("offline");
      this.#retryLater();
      return;
    }
    this.#silentPings += 1;
    this.#socket?.send(PING_TEXT);
  }

  #onMessage(data: unknown): void {
    this.#silentPings = 0;
    const frame = parseServerFrame(data);
    if (frame === null) return;
    const l = this.#opts.listener;
    switch (frame.type) {
      case "welcome":
        this.#attempt = 0;
        this.#setState("live");
        l.onWelcome?.(frame);
        return;
      case "events":
        this.#onEvents(frame.events);
        return;
      case "ack":
        if (this.#outbox.delete(frame.clientId)) l.onAck?.(frame.clientId, frame.seq, frame.createdAt);
        return;
      case "error":
        this.#onError(frame.code, frame.message, frame.clientId);
        return;
      case "typing":
        l.onTyping?.(frame.userId);
        return;
      case "receipt":
        l.onReceipt?.(frame.userId, frame.seq);
        return;
      case "pong":
        return;
    }
  }

  #onEvents(events: ConversationEvent[]): void {
    const { fresh, syncAfter } = this.#sequencer.accept(events);
    if (syncAfter !== null) this.#transmit({ type: "sync", after: syncAfter });
    if (fresh.length > 0) this.#opts.listener.onEvents?.(fresh);
  }

  #onError(code: ErrorCode, message: string, clientId: string | undefined): void {
    const frame = clientId === undefined ? undefined : this.#outbox.get(clientId);
    if (clientId === undefined || frame === undefined) {
      this.#opts.listener.onError?.(code, message);
      return;
    }
    if (code === "rate_limited") {
      // Still wanted: keep it in the outbox and try again shortly.
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        if (this.#open && this.#outbox.has(clientId)) this.#transmit(frame);
      }, RATE_LIMIT_RETRY_MS);
      this.#retryTimers.add(timer);
      return;
    }
    this.#outbox.delete(clientId);
    this.#opts.listener.onRejected?.(clientId, code, message);
  }

  #onClose(code: number): void {
    this.#detach();
    if (this.#stopped) return;
    if (code === CloseCode.forbidden) {
      this.#end("forbidden");
      return;
    }
    this.#setState("offline");
    if (code === CloseCode.unauthorized) {
      void this.#refreshThenRetry();
      return;
    }
    this.#retryLater();
  }

  async #refreshThenRetry(): Promise<void> {
    let alive: boolean;
    try {
      alive = await this.#opts.refreshAccessToken();
    } catch {
      alive = true; // offline: the session may still be good
    }
    if (this.#stopped) return;
    if (alive) this.#retryLater();
    else this.#end("unauthorized");
  }

  #retryLater(): void {
    if (this.#reconnectTimer !== null) return;
    const delay = backoffDelay(this.#attempt, this.#opts.random);
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (!this.#stopped) void this.#connect();
    }, delay);
  }

  #end(state: "forbidden" | "unauthorized"): void {
    this.#stopped = true;
    this.#clearTimers();
    this.#drop(CloseCode.normal);
    this.#setState(state);
  }

  #transmit(frame: ConversationClientFrame): void {
    this.#socket?.send(JSON.stringify(frame));
  }

  /** Closes the current socket (if any) and forgets it, so its late events are ignored. */
  #drop(code: number): void {
    const socket = this.#socket;
    this.#detach();
    try {
      socket?.close(code);
    } catch {
      // already closing
    }
  }

  #detach(): void {
    this.#socket = null;
    this.#open = false;
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  #clearTimers(): void {
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#opts.listener.onState?.(state);
  }
}
