// The client end of one conversation's socket (docs/protocol.md "Conversation
// socket"). Free of Preact and of DOM globals except the default socket
// factory, so tests drive it in plain Node with a fake socket.
//
// Guarantees to the listener: `onEvents` sees every event exactly once and in
// seq order (duplicates dropped, gaps filled with `sync`); every change handed
// to `send` is retransmitted with its clientId after each reconnect until the
// server acks it (the server dedupes, so this is exactly-once delivery).
import type {
  ChangeFrame,
  ConversationClientFrame,
  ConversationServerFrame,
  ErrorCode,
  ReadCount,
} from "../../../worker/protocol";
import type { ClientEvent } from "../wire/events";
import { FramePacer } from "./framePacer";
import { parseServerFrame } from "./frames";
import { type ConnectionState, ReconnectingSocket, type SocketConnectionOptions } from "./reconnectingSocket";
import { Sequencer } from "./sequencer";

export type { ConnectionState } from "./reconnectingSocket";
export type { SocketFactory, SocketHandlers, SocketLike } from "./socketFactory";

export interface ConversationSocketListener {
  onState?(state: ConnectionState): void;
  onWelcome?(frame: Extract<ConversationServerFrame, { type: "welcome" }>): void;
  /** New events, in seq order, each exactly once; those this build cannot read come as unknown markers. */
  onEvents?(events: ClientEvent[]): void;
  onAck?(clientId: string, seq: number, createdAt: number): void;
  /** The server refused this change (`frame`) for good; it left the outbox. */
  onRejected?(clientId: string, code: ErrorCode, message: string, frame: ChangeFrame): void;
  onError?(code: ErrorCode, message: string): void;
  onTyping?(userId: string): void;
  onReceipt?(userId: string, seq: number): void;
  /** A large group's receipts: how many have read up to each recent seq (see chat/receipts.ts). */
  onReadCounts?(counts: ReadCount[]): void;
}

export interface ConversationSocketOptions extends SocketConnectionOptions {
  /** Full ws(s) URL of `/api/conversations/:id/ws`. */
  url: string;
  /** Highest seq the caller has already applied (e.g. from REST history). */
  lastSeq: number;
  listener: ConversationSocketListener;
}

const RATE_LIMIT_RETRY_MS = 1_000;

export class ConversationSocket {
  #opts: ConversationSocketOptions;
  #conn: ReconnectingSocket;
  #sequencer: Sequencer;
  #outbox = new Map<string, ChangeFrame>();
  #retryTimers = new Set<ReturnType<typeof setTimeout>>();
  /** Every frame but the ping goes through it: the server's frame budget (see framePacer.ts). */
  #pacer = new FramePacer((text) => this.#conn.send(text));

  constructor(opts: ConversationSocketOptions) {
    this.#opts = opts;
    this.#sequencer = new Sequencer(opts.lastSeq);
    this.#conn = new ReconnectingSocket({
      connection: opts,
      endOnForbidden: true,
      onState: (state) => opts.listener.onState?.(state),
      onOpen: () => this.#onOpen(),
      onMessage: (data) => this.#onMessage(data),
      onHalt: () => this.#clearRetryTimers(),
    });
  }

  get state(): ConnectionState {
    return this.#conn.state;
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
    this.#conn.start();
  }

  stop(): void {
    this.#conn.stop();
  }

  /** Queues a change; it is sent now if connected, else on the next connect. */
  send(frame: ChangeFrame): void {
    this.#outbox.set(frame.clientId, frame);
    if (this.#conn.open) this.#transmit(frame);
  }

  markRead(seq: number): void {
    if (this.#conn.open) this.#transmit({ type: "read", seq });
  }

  typing(): void {
    if (this.#conn.open) this.#transmit({ type: "typing" });
  }

  /** Skips the backoff wait (the network came back, the tab became visible). */
  reconnectNow(): void {
    this.#conn.reconnectNow();
  }

  #onOpen(): void {
    this.#pacer.reset();
    this.#sequencer.reset();
    this.#transmit({ type: "hello", lastSeq: this.#sequencer.highest });
    for (const frame of this.#outbox.values()) this.#transmit(frame);
  }

  #onMessage(data: unknown): void {
    const frame = parseServerFrame(data);
    if (frame === null) return;
    const l = this.#opts.listener;
    switch (frame.type) {
      case "welcome":
        this.#conn.markLive();
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
      case "read_counts":
        l.onReadCounts?.(frame.counts);
        return;
      case "pong":
        return;
    }
  }

  #onEvents(events: ClientEvent[]): void {
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
        if (this.#conn.open && this.#outbox.has(clientId)) this.#transmit(frame);
      }, RATE_LIMIT_RETRY_MS);
      this.#retryTimers.add(timer);
      return;
    }
    this.#outbox.delete(clientId);
    this.#opts.listener.onRejected?.(clientId, code, message, frame);
  }

  #transmit(frame: ConversationClientFrame): void {
    this.#pacer.push(JSON.stringify(frame), frame.type === "read" || frame.type === "typing" ? frame.type : "other");
  }

  #clearRetryTimers(): void {
    this.#pacer.reset();
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
  }
}
