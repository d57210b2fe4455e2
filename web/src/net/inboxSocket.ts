// The client end of the user's inbox socket (docs/protocol.md "Inbox socket").
// Like ConversationSocket it is free of Preact and DOM globals (except the
// default socket factory) so tests drive it in plain Node with a fake socket.
// The client only ever sends the ping text; everything else flows to it.
import type { InboxServerFrame } from "../../../worker/protocol";
import { parseInboxFrame } from "./inboxFrames";
import { type ConnectionState, ReconnectingSocket, type SocketConnectionOptions } from "./reconnectingSocket";

export interface InboxSocketOptions extends SocketConnectionOptions {
  onFrame(frame: Exclude<InboxServerFrame, { type: "pong" }>): void;
  onState?(state: ConnectionState): void;
}

export class InboxSocket {
  #opts: InboxSocketOptions;
  #conn: ReconnectingSocket;

  constructor(opts: InboxSocketOptions) {
    this.#opts = opts;
    this.#conn = new ReconnectingSocket({
      connection: opts,
      // For the inbox 4003 is not final: it is retried like any drop.
      endOnForbidden: false,
      onState: (state) => opts.onState?.(state),
      onOpen: () => {},
      onMessage: (data) => this.#onMessage(data),
    });
  }

  get state(): ConnectionState {
    return this.#conn.state;
  }

  start(): void {
    this.#conn.start();
  }

  stop(): void {
    this.#conn.stop();
  }

  /** Skips the backoff wait (network back, tab visible). */
  reconnectNow(): void {
    this.#conn.reconnectNow();
  }

  #onMessage(data: unknown): void {
    const frame = parseInboxFrame(data);
    if (frame === null || frame.type === "pong") return;
    if (frame.type === "welcome") this.#conn.markLive();
    this.#opts.onFrame(frame);
  }
}
