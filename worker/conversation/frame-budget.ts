import { IdlePruner } from "./idle-pruner";
import type { RateLimit } from "./rate-limit";

/** What the budget says about one client frame. */
export type Admission = "ok" | "refused" | "close";

interface Account {
  /** Frames the socket may still send now (a token bucket). */
  frames: number;
  /** Refused frames not yet forgiven. */
  strikes: number;
  at: number;
}

interface ReplayAccount {
  /** Replay bytes the user may still be sent now; below zero after a frame overshot. */
  bytes: number;
  at: number;
}

/**
 * Refused frames forgiven per second. A socket that keeps sending past its
 * budget piles up strikes and is closed once they pass one burst; one that
 * slows down is forgiven. It also bounds the `rate_limited` answers: at most
 * one burst of them, then one per second.
 */
const STRIKES_FORGIVEN_PER_SECOND = 1;

/**
 * Budgets in memory like the send buckets (a hibernation forgives them).
 * `frames`, per socket: every client frame but the ping text, whatever its
 * type or validity. `replay`, per user: the bytes of `events` frames (and
 * welcomes) that the user's `hello`/`sync` can make the server send. Per
 * user, not per socket: a fresh socket per `hello` (reconnect, close,
 * reconnect) would otherwise get a fresh burst each time, 16 MB/s against
 * `wrangler dev` in issue 13's attack run.
 */
export class FrameBudget {
  private readonly accounts = new WeakMap<object, Account>();
  /** Keyed by user id; a Map, as user strings never key plain objects. One entry per member who replayed lately. */
  private readonly replays = new Map<string, ReplayAccount>();
  private readonly replayPruner = new IdlePruner();

  constructor(
    public frames: RateLimit,
    public replay: RateLimit,
  ) {}

  /** Replay accounts held (the pruning test reads it). */
  get replayAccounts(): number {
    return this.replays.size;
  }

  private account(socket: object, now: number): Account {
    const a = this.accounts.get(socket);
    if (!a) {
      const fresh = { frames: this.frames.burst, strikes: 0, at: now };
      this.accounts.set(socket, fresh);
      return fresh;
    }
    const seconds = Math.max(0, now - a.at) / 1000;
    a.frames = Math.min(this.frames.burst, a.frames + seconds * this.frames.perSecond);
    a.strikes = Math.max(0, a.strikes - seconds * STRIKES_FORGIVEN_PER_SECOND);
    a.at = now;
    return a;
  }

  private replayAccount(userId: string, now: number): ReplayAccount {
    const a = this.replays.get(userId);
    if (!a) {
      const fresh = { bytes: this.replay.burst, at: now };
      this.replays.set(userId, fresh);
      // A refilled account is what a missing one is (a full burst).
      const { burst, perSecond } = this.replay;
      this.replayPruner.after(this.replays, (v) => v !== fresh && v.bytes + ((now - v.at) / 1000) * perSecond >= burst);
      return fresh;
    }
    const seconds = Math.max(0, now - a.at) / 1000;
    a.bytes = Math.min(this.replay.burst, a.bytes + seconds * this.replay.perSecond);
    a.at = now;
    return a;
  }

  /** Counts one frame; a refused one is a strike, and strikes past a burst close the socket. */
  admit(socket: object, now: number): Admission {
    const a = this.account(socket, now);
    if (a.frames >= 1) {
      a.frames -= 1;
      return "ok";
    }
    a.strikes += 1;
    return a.strikes > this.frames.burst ? "close" : "refused";
  }

  /** Milliseconds until the user may be sent replay bytes again (0: now). */
  replayWait(userId: string, now: number): number {
    const a = this.replayAccount(userId, now);
    return a.bytes > 0 ? 0 : Math.ceil(((1 - a.bytes) / this.replay.perSecond) * 1000);
  }

  spendReplay(userId: string, bytes: number, now: number): void {
    this.replayAccount(userId, now).bytes -= bytes;
  }
}
