// Turns event frames (replay and live, possibly repeated or with holes) into
// one gap-free run: each seq exactly once, in order. An event this build
// cannot read still fills its seq (an unknown marker, wire/events.ts).
import type { ClientEvent } from "../wire/events";

const MAX_BUFFERED = 1_000;

export interface Accepted {
  /** Events not seen before, in seq order, with no hole before them. */
  fresh: ClientEvent[];
  /** Set when a hole opened that no `sync` has asked for yet: send `{type:"sync", after}`. */
  syncAfter: number | null;
}

export class Sequencer {
  #highest: number;
  /** Events past a hole, waiting for it to fill. */
  #ahead = new Map<number, ClientEvent>();
  #syncedAfter: number | null = null;

  constructor(highest: number) {
    this.#highest = highest;
  }

  get highest(): number {
    return this.#highest;
  }

  accept(events: ClientEvent[]): Accepted {
    const fresh: ClientEvent[] = [];
    for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
      if (event.seq <= this.#highest) continue;
      if (event.seq !== this.#highest + 1) {
        // Past the cap, drop: the sync replay brings them again.
        if (this.#ahead.size < MAX_BUFFERED) this.#ahead.set(event.seq, event);
        continue;
      }
      fresh.push(event);
      this.#highest = event.seq;
      for (let next = this.#ahead.get(this.#highest + 1); next; next = this.#ahead.get(this.#highest + 1)) {
        this.#ahead.delete(next.seq);
        fresh.push(next);
        this.#highest = next.seq;
      }
    }
    for (const seq of this.#ahead.keys()) if (seq <= this.#highest) this.#ahead.delete(seq);

    let syncAfter: number | null = null;
    if (this.#ahead.size === 0) {
      this.#syncedAfter = null;
    } else if (this.#syncedAfter !== this.#highest) {
      // One sync per hole: the replay it triggers fills it.
      this.#syncedAfter = this.#highest;
      syncAfter = this.#highest;
    }
    return { fresh, syncAfter };
  }

  /** A fresh `hello` replays everything after `highest`, so waiting for a hole is moot. */
  reset(): void {
    this.#ahead.clear();
    this.#syncedAfter = null;
  }
}
