// Socket rules both objects (conversation, inbox) keep alike: when a socket
// must be closed for silence or for its token's expiry. Frame sizes in bytes
// are in shared/utf8.ts (the conversation core measures frames too).
import { CloseCode } from "../protocol";

/** What the sweep knows of one open socket, all in epoch milliseconds. */
export interface SocketTimes {
  /** Last sign of life: a ping (runtime timestamp), a frame, or the accept. */
  lastSeenAt: number;
  /** The access token's expiry (`exp` * 1000). */
  expiresAt: number;
}

export type SweepVerdict =
  | { close: false; deadline: number }
  | { close: true; code: number; reason: "token expired" | "heartbeat timeout" };

/**
 * The socket's fate at `now`: closed with 4001 once its token expired, with
 * 1000 once silent for `timeoutMs`; else the moment one of those will be due.
 */
export function sweepVerdict(t: SocketTimes, now: number, timeoutMs: number): SweepVerdict {
  if (now >= t.expiresAt) return { close: true, code: CloseCode.unauthorized, reason: "token expired" };
  if (now >= t.lastSeenAt + timeoutMs) return { close: true, code: CloseCode.normal, reason: "heartbeat timeout" };
  return { close: false, deadline: Math.min(t.expiresAt, t.lastSeenAt + timeoutMs) };
}

/**
 * Closes every socket whose deadline has passed and answers when the next
 * sweep is due: the earliest deadline of the rest (null when none is open).
 * Scheduling the alarm there, instead of every half timeout, closes a silent
 * socket at its timeout (not up to 1.5x later) and an expired one at `exp`,
 * even if it only pings: pings are answered by the runtime and never wake the object.
 */
export function sweepSockets<S>(
  sockets: Iterable<S>,
  times: (s: S) => SocketTimes | null,
  close: (s: S, code: number, reason: string) => void,
  now: number,
  timeoutMs: number,
): { open: number; next: number | null } {
  let open = 0;
  let next = Number.POSITIVE_INFINITY;
  for (const s of sockets) {
    const t = times(s);
    if (!t) continue;
    const v = sweepVerdict(t, now, timeoutMs);
    if (v.close) {
      close(s, v.code, v.reason);
      continue;
    }
    open += 1;
    next = Math.min(next, v.deadline);
  }
  return { open, next: Number.isFinite(next) ? next : null };
}

/** The first deadline of a socket accepted now (the alarm must be no later than this). */
export const firstDeadline = (t: SocketTimes, timeoutMs: number) => Math.min(t.expiresAt, t.lastSeenAt + timeoutMs);
