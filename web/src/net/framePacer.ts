// Keeps a client under the server's per-socket frame budget (docs/protocol.md
// "Conversation socket", frame budget: 20/s, burst 60; a socket that keeps going over it is
// closed with 4008). Without it, an outbox of 100 offline messages resent on
// reconnect, or a burst of read markers while scrolling, would draw
// `rate_limited` answers and, past 60 of them, a 4008 close on every
// reconnect. Frames beyond the budget wait in order; a queued `read` is
// replaced by a newer one and `typing` is dropped rather than queued
// (both are only worth their latest value).
import { Limits } from "../../../worker/protocol";

/** Below the server's numbers, so clock skew and the `hello` never tip it over. */
export const PACER_RATE_PER_SECOND = Limits.framesPerSecond - 5;
export const PACER_BURST = Limits.frameBurst - 20;

export type PacedKind = "read" | "typing" | "other";

interface Queued {
  text: string;
  kind: PacedKind;
}

export class FramePacer {
  #tokens = PACER_BURST;
  #at: number;
  #queue: Queued[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.#at = now();
  }

  /** Frames waiting for budget (for tests and diagnostics). */
  get queued(): number {
    return this.#queue.length;
  }

  push(text: string, kind: PacedKind = "other"): void {
    this.#refill();
    if (this.#queue.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      this.write(text);
      return;
    }
    if (kind === "typing") return;
    if (kind === "read") {
      const i = this.#queue.findIndex((q) => q.kind === "read");
      if (i >= 0) this.#queue.splice(i, 1);
    }
    this.#queue.push({ text, kind });
    this.#arm();
  }

  /** A new connection: what was queued for the old one is gone (the outbox is resent after `hello`). */
  reset(): void {
    this.#queue = [];
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #refill(): void {
    const now = this.now();
    this.#tokens = Math.min(PACER_BURST, this.#tokens + ((now - this.#at) * PACER_RATE_PER_SECOND) / 1000);
    this.#at = now;
  }

  #arm(): void {
    if (this.#timer !== null) return;
    const wait = Math.max(0, Math.ceil(((1 - this.#tokens) * 1000) / PACER_RATE_PER_SECOND));
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#drain();
    }, wait);
  }

  #drain(): void {
    this.#refill();
    while (this.#queue.length > 0 && this.#tokens >= 1) {
      const next = this.#queue.shift() as Queued;
      this.#tokens -= 1;
      this.write(next.text);
    }
    if (this.#queue.length > 0) this.#arm();
  }
}
