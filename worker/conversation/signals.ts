// Receipts and typing, the socket's ephemeral frames (not logged, not
// replayed; a welcome carries the markers instead). In a small group each
// member's receipt and typing reach everyone, coalesced per user
// (coalesce.ts); in a large one the receipts become counts and typing a
// sample (large-group.ts), so their cost follows the interval, not the
// number of readers and typers.
import type { ConversationServerFrame } from "../protocol";
import { type CoalesceClock, Coalescer } from "./coalesce";
import { isLargeGroup, ReadCountsThrottle, readCounts, TypingSample } from "./large-group";
import type { LogStore } from "./store";

/** Who an ephemeral frame reaches among the live sockets: everyone but `skip`'s, or only `only`'s. */
export interface Audience {
  skip?: string;
  only?: string;
}

export interface SignalHost {
  clock: CoalesceClock;
  /** Members now: the group is large or not as of each frame. */
  memberCount(): number;
  store: LogStore;
  send(text: string, to: Audience): void;
}

const frame = (f: ConversationServerFrame) => JSON.stringify(f);

export class Signals {
  private readonly coalescer: Coalescer;
  private readonly counts: ReadCountsThrottle;
  private readonly sample: TypingSample;

  constructor(private readonly host: SignalHost) {
    this.coalescer = new Coalescer(
      host.clock,
      // A large group's receipt tells only the reader's own devices (their marker moved); the others get counts.
      (userId, seq) => host.send(frame({ type: "receipt", userId, seq }), this.large ? { only: userId } : {}),
      (userId) => host.send(frame({ type: "typing", userId }), { skip: userId }),
    );
    this.counts = new ReadCountsThrottle(host.clock, () => {
      // A group that shrank meanwhile is back to per-user receipts, which already went out.
      if (this.large) host.send(frame({ type: "read_counts", counts: readCounts(host.store) }), {});
    });
    this.sample = new TypingSample(() => host.clock.now());
  }

  private get large(): boolean {
    return isLargeGroup(this.host.memberCount());
  }

  typing(userId: string): void {
    if (!this.large) this.coalescer.typing(userId);
    else if (this.sample.admit(userId)) this.host.send(frame({ type: "typing", userId }), { skip: userId });
  }

  /** The user's read marker moved to `seq` (committed). */
  read(userId: string, seq: number): void {
    this.coalescer.receipt(userId, seq);
    if (this.large) this.counts.changed();
  }
}
