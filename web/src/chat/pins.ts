// A conversation's pinned messages as the client keeps them: the welcome's
// list, then every `pin` event, and every `delete` (which unpins its target
// on the server without a `pin` event of its own). Pure, unit-tested in Node.
import type { Pin } from "../../../worker/protocol";
import type { ClientEvent } from "../wire/events";

/** Pins after `events`, oldest pin first (the server's order). */
export function applyPinEvents(pins: readonly Pin[], events: readonly ClientEvent[]): readonly Pin[] {
  let next = pins;
  for (const e of events) {
    if (e.type === "pin" && e.on && !next.some((p) => p.seq === e.target)) {
      next = [...next, { seq: e.target, pinnedBy: e.senderId, pinnedAt: e.createdAt }];
    } else if ((e.type === "pin" && !e.on) || e.type === "delete") {
      if (next.some((p) => p.seq === e.target)) next = next.filter((p) => p.seq !== e.target);
    }
  }
  return next;
}

/**
 * Which pin the bar shows after one more tap, Telegram's way: it starts at
 * the newest and each tap (which jumps to the shown one) moves to the next
 * older, wrapping around. `at` counts from the newest.
 */
export const nextPinIndex = (at: number, count: number): number => (count === 0 ? 0 : (at + 1) % count);

/** The pin shown at position `at` from the newest (clamped when pins went away). */
export function pinAt(pins: readonly Pin[], at: number): { pin: Pin; index: number } | null {
  if (pins.length === 0) return null;
  const index = Math.min(at, pins.length - 1);
  const pin = pins[pins.length - 1 - index];
  return pin ? { pin, index } : null;
}
