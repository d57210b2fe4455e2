import type { ConversationNote } from "../shared/note";
import { ParkedInboxes, sqlParkingStore } from "./parking";

/**
 * Inbox calls per slice of a round; the round yields a turn between slices.
 * Locally every inbox runs on the conversation's thread, and a round of 50
 * calls back to back held the conversation's frames for 50-80 ms (the paced
 * p99 spikes in docs/benchmarks.md, round 3); slices of 4 hold them for a few ms.
 */
export const NOTIFY_SLICE = 4;
/**
 * The pause between slices. Not 0: measured locally, a 0 ms timer between
 * slices still let no socket frame in until the round ended (an expired timer
 * seems to run before pending network input is read); 2 ms does.
 */
export const NOTIFY_SLICE_GAP_MS = 2;
/** A failed inbox call is retried (by the object's alarm) after this long. */
export const NOTIFY_RETRY_MS = 2000;

export interface NotifierDeps {
  sql: SqlStorage;
  /** One SQLite transaction (transactionSync): a round's bookkeeping lands whole or not at all. */
  transaction(fn: () => void): void;
  /** Current member ids. */
  members(): Iterable<string>;
  /** Anything async the notes need (D1 lookups), done before the synchronous snapshot. */
  prepare(): Promise<void>;
  /** The notes for these users, read from the log in one synchronous step. */
  notes(userIds: Iterable<string>): Map<string, ConversationNote>;
  /** Resolves to the inbox's park epoch when it answered "parked" (nobody to tell), else null. */
  deliver(userId: string, note: ConversationNote): Promise<number | null>;
  /** Makes sure the object wakes up (alarm) after `ms` to call `flush` again. */
  retryLater(ms: number): void;
  /** Waits `ms` between slices, so socket frames that arrived meanwhile (and the room's flush) run first. */
  pause(ms: number): Promise<void>;
}

/**
 * Tells members' inboxes about conversation changes, off the hot path.
 * Dirty marks are durable SQLite rows, written in the turn of the change:
 * an event bumps one `all_gen` counter (every member is dirty), a read marks
 * one user. A flush sends each dirty member ONE call with its full current
 * summary; a mark is cleared only if its generation did not move during the
 * call, so a change that races a delivery is delivered again (the inbox
 * ignores versions it already has). Failures stay marked for the alarm.
 * An inbox nobody reads answers "parked" and event rounds skip it until it
 * asks for a refresh (`ConversationObject.unpark`).
 */
export class InboxNotifier {
  private scheduled = false;
  private running = false;
  /** Inboxes an event round skips (see parking.ts); marked users are always told. */
  readonly parked: ParkedInboxes;

  constructor(private readonly deps: NotifierDeps) {
    this.parked = new ParkedInboxes(sqlParkingStore(deps.sql));
  }

  // The marks are written inside the change's transaction (they commit with it or not at all);
  // `wake` follows once it has committed.
  markAll(): void {
    this.deps.sql.exec("INSERT INTO notify_state (k, v) VALUES ('all_gen', 1) ON CONFLICT (k) DO UPDATE SET v = v + 1");
  }

  markUsers(userIds: Iterable<string>): void {
    for (const id of userIds) {
      this.deps.sql.exec(
        "INSERT INTO inbox_outbox (user_id, gen) VALUES (?, 1) ON CONFLICT (user_id) DO UPDATE SET gen = gen + 1",
        id,
      );
    }
  }

  hasWork(): boolean {
    const { allGen, allDone } = this.generations();
    if (allGen > allDone) return true;
    return this.deps.sql.exec<{ n: number }>("SELECT count(*) AS n FROM inbox_outbox").one().n > 0;
  }

  /**
   * Leading edge at once (a microtask, so the change's turn finishes first
   * and its response never waits). Coalescing comes from back-pressure, not
   * a fixed window (which would only add latency when idle and make
   * GET /api/conversations lag a just-sent message): one flush in flight at
   * a time, and every change made meanwhile goes out in the single next one.
   */
  wake(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private generations(): { allGen: number; allDone: number } {
    const rows = this.deps.sql.exec<{ k: string; v: number }>("SELECT k, v FROM notify_state").toArray();
    const get = (k: string) => rows.find((r) => r.k === k)?.v ?? 0;
    return { allGen: get("all_gen"), allDone: get("all_done") };
  }

  /** Delivers every pending mark once; returns false if some delivery failed (retried later). */
  async flush(): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    let failed = new Set<string>();
    try {
      await this.deps.prepare();
      // Generations and notes are read in one synchronous step: a later change bumps a generation.
      const { allGen, allDone } = this.generations();
      const marked = this.deps.sql
        .exec<{ user_id: string; gen: number }>("SELECT user_id, gen FROM inbox_outbox")
        .toArray();
      const targets = new Set(marked.map((r) => r.user_id));
      if (allGen > allDone) for (const id of this.deps.members()) if (!this.parked.has(id)) targets.add(id);
      const notes = this.deps.notes(targets);
      failed = await this.deliverAll(notes);

      const { sql } = this.deps;
      // All at once: "all done" without the failed members' own marks would lose their retry.
      this.deps.transaction(() => {
        if (allGen > allDone) {
          sql.exec(
            "INSERT INTO notify_state (k, v) VALUES ('all_done', ?) ON CONFLICT (k) DO UPDATE SET v = max(v, ?)",
            allGen,
            allGen,
          );
        }
        for (const r of marked) {
          if (!failed.has(r.user_id))
            sql.exec("DELETE FROM inbox_outbox WHERE user_id = ? AND gen = ?", r.user_id, r.gen);
        }
        // A member the all-mark covered but whose call failed keeps a mark of its own.
        for (const id of failed) {
          sql.exec("INSERT INTO inbox_outbox (user_id, gen) VALUES (?, 1) ON CONFLICT (user_id) DO NOTHING", id);
        }
      });
    } catch (err) {
      console.error("inbox notify failed", err instanceof Error ? err.name : "non-error");
      failed.add("(flush)");
    } finally {
      this.running = false;
    }
    if (failed.size > 0) {
      this.deps.retryLater(NOTIFY_RETRY_MS);
      return false;
    }
    if (this.hasWork()) this.wake();
    return true;
  }

  private async deliverAll(notes: Map<string, ConversationNote>): Promise<Set<string>> {
    const failed = new Set<string>();
    const all = [...notes];
    for (let i = 0; i < all.length; i += NOTIFY_SLICE) {
      if (i > 0) await this.deps.pause(NOTIFY_SLICE_GAP_MS);
      await Promise.all(
        all.slice(i, i + NOTIFY_SLICE).map(async ([userId, note]) => {
          try {
            const parkedAt = await this.deps.deliver(userId, note);
            if (parkedAt !== null) this.parked.park(userId, parkedAt);
          } catch {
            failed.add(userId);
          }
        }),
      );
    }
    return failed;
  }
}
