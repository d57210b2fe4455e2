// The room's seams to its host: the sockets it is given, the clock and
// timers it runs on, and the hooks by which the host's bookkeeping joins a
// change's transaction, and the batching threshold. The object (object.ts) implements them,
// the Node tests fake them (room.test-helper.ts).
import type { RateLimit } from "./rate-limit";

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
  /**
   * The user may read but not speak here (a block in a DM): changes other
   * than deleting their own messages are refused, typing too, receipts are
   * not sent, and others show as offline in their welcome.
   */
  silenced?(userId: string): boolean;
}

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
