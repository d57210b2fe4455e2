import { type FanoutMessage, fitMessage, MEMBERS_PER_MESSAGE, packNotes, SendBatcher } from "../shared/fanout";
import type { ConversationNote } from "../shared/note";
import { ParkedInboxes, sqlParkingStore } from "./parking";

/** A flush whose queue send failed is tried again (by the object's alarm) after this long. */
export const NOTIFY_RETRY_MS = 2000;
/**
 * Members whose notes one synchronous step reads: each costs an unread count
 * (a few indexed lookups), measured at 45-65 us per member in the Workers
 * runtime on the loaded 2-core machine, so 100 hold the object's thread for
 * ~5 ms; a 250-member message is filled over several such turns.
 */
export const NOTES_PER_TURN = 100;

export interface NotifierDeps {
  sql: SqlStorage;
  /** One SQLite transaction (transactionSync): a flush's bookkeeping lands whole or not at all. */
  transaction(fn: () => void): void;
  /** Current member ids. */
  members(): Iterable<string>;
  /** Anything async the notes need (D1 lookups), done before the first synchronous snapshot. */
  prepare(): Promise<void>;
  /** The notes for these users, read from the log in one synchronous step. */
  notes(userIds: readonly string[]): Map<string, ConversationNote>;
  /** One `sendBatch` to the fan-out queue; rejects when the queue refused it. Never an inbox call. */
  send(batch: FanoutMessage[]): Promise<void>;
  /** Makes sure the object wakes up (alarm) after `ms` to call `flush` again. */
  retryLater(ms: number): void;
  /** Yields the object's thread between two chunks of a big group's notes, so socket frames run first. */
  pause(): Promise<void>;
}

/**
 * Turns conversation changes into fan-out queue messages, off the hot path;
 * the Worker's queue consumer calls the inboxes (worker/fanout/). Dirty
 * marks are durable SQLite rows, written in the turn of the change: an event
 * bumps one `all_gen` counter (every member is dirty), a read marks one
 * user. A flush reads each dirty member's full current summary, one chunk of
 * members per queue message, and clears a mark only once the queue accepted
 * its message and only if its generation did not move meanwhile, so a
 * change that races a flush goes out again (the inbox ignores versions it
 * already has). A failed send keeps the marks for the alarm. The object
 * never waits for an inbox. An inbox nobody reads answers "parked" to the
 * consumer, which reports it here (`parked`); event flushes skip it until it
 * asks for a refresh (`ConversationObject.unpark`).
 */
export class InboxNotifier {
  private scheduled = false;
  private running = false;
  /** Inboxes an event flush skips (see parking.ts); marked users are always told. */
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

  /** Sends every pending mark to the queue once; returns false if a send failed (retried later). */
  async flush(): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    let complete = false;
    try {
      await this.deps.prepare();
      // Generations and marks are read before any note: a later change bumps a generation.
      const { allGen, allDone } = this.generations();
      const marked = this.deps.sql
        .exec<{ user_id: string; gen: number }>("SELECT user_id, gen FROM inbox_outbox")
        .toArray();
      const targets = new Set(marked.map((r) => r.user_id));
      if (allGen > allDone) for (const id of this.deps.members()) if (!this.parked.has(id)) targets.add(id);
      const sent = await this.sendAll([...targets]);
      complete = sent.size === targets.size;

      const { sql } = this.deps;
      this.deps.transaction(() => {
        // "All done" only when every member's message went out: a partial send retries them all
        // (the inboxes ignore the repeats by version) rather than writing a mark per missed member.
        if (complete && allGen > allDone) {
          sql.exec(
            "INSERT INTO notify_state (k, v) VALUES ('all_done', ?) ON CONFLICT (k) DO UPDATE SET v = max(v, ?)",
            allGen,
            allGen,
          );
        }
        for (const r of marked) {
          if (sent.has(r.user_id)) sql.exec("DELETE FROM inbox_outbox WHERE user_id = ? AND gen = ?", r.user_id, r.gen);
        }
      });
    } catch (err) {
      console.error("inbox notify failed", err instanceof Error ? err.name : "non-error");
      complete = false;
    } finally {
      this.running = false;
    }
    if (!complete) {
      this.deps.retryLater(NOTIFY_RETRY_MS);
      return false;
    }
    if (this.hasWork()) this.wake();
    return true;
  }

  /**
   * Queue messages of up to 250 members, filled `NOTES_PER_TURN` notes per
   * synchronous step with a pause between steps. Consecutive steps join one
   * message only while their shared part (head, last message, member count)
   * is the same, so each message's rows come from one state of the log. A
   * `sendBatch` goes out whenever the platform's batch limits are reached.
   * Stops at the first refused send; returns the members whose notes the
   * queue accepted.
   */
  private async sendAll(targets: readonly string[]): Promise<Set<string>> {
    const sent = new Set<string>();
    const batcher = new SendBatcher();
    const send = async (batch: FanoutMessage[] | null) => {
      if (!batch) return;
      await this.deps.send(batch);
      for (const m of batch) for (const r of m.rows) sent.add(r.userId);
    };
    let open: FanoutMessage | null = null;
    const close = async () => {
      if (open) for (const m of fitMessage(open)) await send(batcher.add(m));
      open = null;
    };
    try {
      for (let i = 0; i < targets.length; i += NOTES_PER_TURN) {
        if (i > 0) await this.deps.pause();
        const ids = targets.slice(i, i + NOTES_PER_TURN);
        const notes = this.deps.notes(ids);
        const first = notes.values().next().value;
        // No note: the conversation does not exist (yet); nothing to tell anyone.
        if (!first) {
          for (const id of ids) sent.add(id);
          continue;
        }
        const part = packNotes(first.conversationId, notes);
        if (open && !sameShared(open, part)) await close();
        for (let rows = part.rows; rows.length > 0; ) {
          open ??= { ...part, rows: [] };
          open.shared ??= part.shared;
          const room = MEMBERS_PER_MESSAGE - open.rows.length;
          open.rows.push(...rows.slice(0, room));
          rows = rows.slice(room);
          if (open.rows.length >= MEMBERS_PER_MESSAGE) await close();
        }
      }
      await close();
      await send(batcher.take());
    } catch (err) {
      console.error("fan-out send failed", err instanceof Error ? err.name : "non-error");
    }
    return sent;
  }
}

/** Whether `part` may share a message with `open`: rows of one state of the log (a removal has no shared part). */
function sameShared(open: FanoutMessage, part: FanoutMessage): boolean {
  return open.shared === null || part.shared === null || JSON.stringify(open.shared) === JSON.stringify(part.shared);
}
