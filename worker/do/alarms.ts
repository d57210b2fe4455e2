// Named alarms on a Durable Object's single alarm (the model: tldraw's
// AlarmScheduler). Each concern of an object ("sweep", "touch", "notify",
// "reclaim", "push", ...) asks for a time under its own name; the object has
// one platform alarm, always at the earliest time any concern asked for.

/** What the scheduler needs of `ctx.storage`. */
export interface AlarmStorage {
  getAlarm(): Promise<number | null>;
  setAlarm(at: number): Promise<void>;
}

/**
 * One concern's work when its alarm is due. Returns when it wants to run
 * again (null or nothing: not until someone schedules it). Must be safe to
 * run early: after a restart the scheduler cannot tell which concern set the
 * stored alarm and runs them all (see `run`).
 */
export type AlarmHandler = (now: number) => Promise<number | null | undefined> | number | null | undefined;

/** A handler that threw runs again after this long (the rest of the alarm still runs). */
export const ALARM_RETRY_MS = 5000;

export class AlarmScheduler<Name extends string> {
  /** Each concern's earliest requested time; in memory, so lost on eviction or hibernation. */
  private readonly times = new Map<Name, number>();
  /** The platform alarm as last read or set; undefined until this incarnation has read it. */
  private stored: number | null | undefined = undefined;
  private loading: Promise<void> | null = null;

  /** `handlers` run in their insertion order. */
  constructor(
    private readonly storage: AlarmStorage,
    private readonly handlers: ReadonlyMap<Name, AlarmHandler>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The time `name` asked for, if any (in this incarnation). */
  at(name: Name): number | undefined {
    return this.times.get(name);
  }

  /**
   * Makes sure `name` runs no later than `at` (an earlier request of the
   * same name stands). Resolves once the platform alarm is set; callers
   * that cannot wait may drop the promise, ordering is kept inside.
   */
  schedule(name: Name, at: number): Promise<void> {
    const current = this.times.get(name);
    if (current === undefined || at < current) this.times.set(name, at);
    return this.arm(at);
  }

  /**
   * Moves the platform alarm earlier, never later. The stored alarm is read
   * first: after hibernation or eviction this incarnation does not know it,
   * and replacing an earlier alarm (another concern's) with a later one
   * would lose that concern's deadline.
   */
  private async arm(at: number): Promise<void> {
    if (this.stored === undefined) {
      this.loading ??= this.storage.getAlarm().then((stored) => {
        // A `run` may have started meanwhile (it knows the alarm is gone).
        if (this.stored === undefined) this.stored = stored;
      });
      await this.loading;
    }
    if (this.stored !== null && this.stored !== undefined && this.stored <= at) return;
    this.stored = at;
    await this.storage.setAlarm(at);
  }

  /**
   * The object's `alarm()`: runs every concern that is due, then arms the
   * earliest time still asked for. When nothing known is due (the alarm was
   * set by an earlier incarnation, whose requests are forgotten, or it was
   * run early by hand), every concern runs: each checks its own state, so
   * nothing that was due is skipped.
   */
  async run(): Promise<void> {
    // The alarm that fired is no longer stored.
    this.stored = null;
    const now = this.now();
    let earliest = Number.POSITIVE_INFINITY;
    for (const t of this.times.values()) earliest = Math.min(earliest, t);
    const runAll = earliest > now;
    for (const [name, handler] of this.handlers) {
      const t = this.times.get(name);
      if (!runAll && (t === undefined || t > now)) continue;
      this.times.delete(name);
      try {
        const next = await handler(now);
        if (typeof next === "number") await this.schedule(name, next);
      } catch (err) {
        console.error(`alarm ${name} failed`, err instanceof Error ? err.name : "non-error");
        await this.schedule(name, this.now() + ALARM_RETRY_MS);
      }
    }
    // Requests made while the handlers ran armed themselves; this covers the ones kept from before.
    let next = Number.POSITIVE_INFINITY;
    for (const t of this.times.values()) next = Math.min(next, t);
    if (Number.isFinite(next)) await this.arm(next);
  }
}
