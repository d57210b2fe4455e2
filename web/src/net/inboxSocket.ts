// The client end of the user's inbox socket (PROTOCOL.md "Inbox socket").
// Like ConversationSocket it is free of Preact and DOM globals (except the
// default socket factory) so tests drive it in plain Node with a fake socket.
// The client only ever sends the ping text; everything else flows to it.
import { BEARER_PREFIX, CloseCode, type InboxServerFrame, PING_TEXT, SUBPROTOCOL } from "../../../worker/protocol";
import { backoffDelay } from "./backoff";
import type { ConnectionState } from "./conversationSocket";
import { parseInboxFrame } from "./inboxFrames";
import { browserSocket, type SocketFactory, type SocketLike } from "./socketFactory";

export interface InboxSocketOptions {
  url: string;
  getAccessToken(): Promise<string | null>;
  /** Resolves false when the session is over; throws when offline. */
  refreshAccessToken(): Promise<boolean>;
  onFrame(frame: Exclude<InboxServerFrame, { type: "pong" }>): void;
  onState?(state: ConnectionState): void;
  createSocket?: SocketFactory;
  random?: () => number;
  heartbeatMs?: number;
}

export const INBOX_HEARTBEAT_MS = 25_000;
const MAX_SILENT_PINGS = 2;

export class InboxSocket {
  #opts: InboxSocketOptions;
  #state: ConnectionState = "closed";
  #socket: SocketLike | null = null;
  #stopped = true;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #silentPings = 0;

  constructor(opts: InboxSocketOptions) {
    this.#opts = opts;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#drop();
    this.#setState("closed");
  }

  /** Skips the backoff wait (network back, tab visible). */
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
      if (!this.#stopped) this.#retryLater();
      return;
    }
    if (this.#stopped) return;
    if (token === null) {
      this.#end("unauthorized");
      return;
    }
    let socket: SocketLike | null = null;
    const current = () => socket !== null && socket === this.#socket;
    socket = (this.#opts.createSocket ?? browserSocket)(this.#opts.url, [SUBPROTOCOL, `${BEARER_PREFIX}${token}`], {
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
    this.#silentPings = 0;
    this.#heartbeat = setInterval(() => this.#beat(), this.#opts.heartbeatMs ?? INBOX_HEARTBEAT_MS);
  }

  #beat(): void {
    if (this.#silentPings >= MAX_SILENT_PINGS) {
      // A half-open connection never closes by itself: count it as gone.
      this.#drop();
      this.#setState("offline");
      this.#retryLater();
      return;
    }
    this.#silentPings += 1;
    this.#socket?.send(PING_TEXT);
  }

  #onMessage(data: unknown): void {
    this.#silentPings = 0;
    const frame = parseInboxFrame(data);
    if (frame === null || frame.type === "pong") return;
    if (frame.type === "welcome") {
      this.#attempt = 0;
      this.#setState("live");
    }
    this.#opts.onFrame(frame);
  }

  #onClose(code: number): void {
    this.#detach();
    if (this.#stopped) return;
    this.#setState("offline");
    if (code === CloseCode.unauthorized) {
      void this.#refreshThenRetry();
      return;
    }
    // 4008 (too many sockets) and drops alike: the backoff keeps it polite.
    this.#retryLater();
  }

  async #refreshThenRetry(): Promise<void> {
    let alive: boolean;
    try {
      alive = await this.#opts.refreshAccessToken();
    } catch {
      alive = true;
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

  #end(state: "unauthorized"): void {
    this.#stopped = true;
    this.#drop();
    this.#setState(state);
  }

  #drop(): void {
    const socket = this.#socket;
    this.#detach();
    try {
      socket?.close(CloseCode.normal);
    } catch {
      // already closing
    }
  }

  #detach(): void {
    this.#socket = null;
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#opts.onState?.(state);
  }
}
