// The connection lifecycle both client sockets share: authenticate with the
// subprotocols, ping while open and count a silent socket as dead, back off
// and reconnect, refresh the token on 4001. What a frame means is the
// owner's business (the hooks); this only keeps a socket alive.
import { BEARER_PREFIX, CloseCode, PING_TEXT, SUBPROTOCOL } from "../../../worker/protocol";
import { backoffDelay } from "./backoff";
import { browserSocket, type SocketFactory, type SocketLike } from "./socketFactory";

export type ConnectionState = "connecting" | "live" | "offline" | "forbidden" | "unauthorized" | "closed";

/** What the owner's caller supplies for the connection itself. */
export interface SocketConnectionOptions {
  /** Full ws(s) URL of the socket's endpoint. */
  url: string;
  /** A token good for the handshake, or null when there is no session. */
  getAccessToken(): Promise<string | null>;
  /** Resolves false when the session is over; throws when offline. */
  refreshAccessToken(): Promise<boolean>;
  createSocket?: SocketFactory;
  random?: () => number;
  heartbeatMs?: number;
}

export interface ReconnectingSocketOptions {
  connection: SocketConnectionOptions;
  /** Whether a 4003 close ends for good in "forbidden" (else it is retried like a drop). */
  endOnForbidden: boolean;
  onState(state: ConnectionState): void;
  /** The socket opened; `send` works from here on. */
  onOpen(): void;
  onMessage(data: unknown): void;
  /** The owner's own timers must go: the socket stopped for good. */
  onHalt?(): void;
}

/** The ping interval when `connection.heartbeatMs` is not given. */
const HEARTBEAT_MS = 25_000;
/** Pings in a row with nothing heard back before the socket counts as dead. */
const MAX_SILENT_PINGS = 2;

export class ReconnectingSocket {
  #opts: ReconnectingSocketOptions;
  #state: ConnectionState = "closed";
  #socket: SocketLike | null = null;
  #open = false;
  #stopped = true;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #silentPings = 0;

  constructor(opts: ReconnectingSocketOptions) {
    this.#opts = opts;
  }

  get state(): ConnectionState {
    return this.#state;
  }
  get open(): boolean {
    return this.#open;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#halt();
    this.#setState("closed");
  }

  /** Skips the backoff wait (the network came back, the tab became visible). */
  reconnectNow(): void {
    if (this.#stopped || this.#reconnectTimer === null) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    void this.#connect();
  }

  /** The server welcomed us: the connection is live and the backoff starts over. */
  markLive(): void {
    this.#attempt = 0;
    this.#setState("live");
  }

  send(text: string): void {
    this.#socket?.send(text);
  }

  async #connect(): Promise<void> {
    this.#setState("connecting");
    let token: string | null;
    try {
      token = await this.#opts.connection.getAccessToken();
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

    const { connection } = this.#opts;
    const create = connection.createSocket ?? browserSocket;
    const protocols = [SUBPROTOCOL, `${BEARER_PREFIX}${token}`];
    let socket: SocketLike | null = null;
    // Handlers of a socket we already replaced or dropped must do nothing.
    const current = () => socket !== null && socket === this.#socket;
    socket = create(connection.url, protocols, {
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
    this.#opts.onOpen();
    this.#heartbeat = setInterval(() => this.#beat(), this.#opts.connection.heartbeatMs ?? HEARTBEAT_MS);
  }

  #beat(): void {
    if (this.#silentPings >= MAX_SILENT_PINGS) {
      // A half-open TCP connection never closes by itself; treat it as gone.
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
    this.#opts.onMessage(data);
  }

  #onClose(code: number): void {
    this.#detach();
    if (this.#stopped) return;
    if (code === CloseCode.forbidden && this.#opts.endOnForbidden) {
      this.#end("forbidden");
      return;
    }
    this.#setState("offline");
    if (code === CloseCode.unauthorized) {
      void this.#refreshThenRetry();
      return;
    }
    // Drops and 4008 (too many sockets) alike: the backoff keeps it polite.
    this.#retryLater();
  }

  async #refreshThenRetry(): Promise<void> {
    let alive: boolean;
    try {
      alive = await this.#opts.connection.refreshAccessToken();
    } catch {
      alive = true; // offline: the session may still be good
    }
    if (this.#stopped) return;
    if (alive) this.#retryLater();
    else this.#end("unauthorized");
  }

  #retryLater(): void {
    if (this.#reconnectTimer !== null) return;
    const delay = backoffDelay(this.#attempt, this.#opts.connection.random);
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (!this.#stopped) void this.#connect();
    }, delay);
  }

  #end(state: "forbidden" | "unauthorized"): void {
    this.#halt();
    this.#setState(state);
  }

  #halt(): void {
    this.#stopped = true;
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#opts.onHalt?.();
    this.#drop();
  }

  /** Closes the current socket (if any) and forgets it, so its late events are ignored. */
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
    this.#open = false;
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#opts.onState(state);
  }
}
