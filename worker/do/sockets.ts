// Socket rules both objects (conversation, inbox) keep alike: frame size in
// bytes, and when a socket must be closed for silence or for its token's
// expiry. Pure (no `cloudflare:*`), so the conversation core and Node tests
// can use it too.
import { CloseCode } from "../protocol";

/** UTF-8 length of a string: what the client sent, not UTF-16 units (a CJK character is 3 bytes, not 1). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // 0x80-0x7ff: 2 bytes; a surrogate: 2 bytes each (4 per pair); the rest of the BMP: 3.
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

/**
 * The byte size of a received frame. A UTF-16 unit is 1-3 UTF-8 bytes, so
 * only a string between max/3 and max units needs counting to compare with `max`.
 */
export function frameBytes(data: string | ArrayBuffer, max: number): number {
  if (typeof data !== "string") return data.byteLength;
  return data.length * 3 <= max || data.length > max ? data.length : utf8Length(data);
}

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
