import type { IndexedMember, MemberIndexWrite } from "../db/member-index";
import { type Migration, migrate } from "../do/migrations";
import type { Role } from "../protocol";

/** A failed or hung index write is retried (by the object's alarm) after this long. */
export const INDEX_RETRY_MS = 2000;
/**
 * Marks one delivery carries at most: a page is one D1 batch of at most 33
 * statements (32 rows each, within D1's 100 bound parameters per statement).
 */
export const INDEX_PAGE = 1000;
/**
 * Pages one flush delivers before it hands the rest to the alarm: each page
 * is one D1 call, and an invocation may make 50 (Free) or 1,000 (Paid) D1
 * queries, so a backlog (100,000 members after a long D1 outage) is written
 * over several invocations instead of failing one.
 */
export const INDEX_PAGES_PER_FLUSH = 20;

/** Where the index goes; the object passes D1, a test passes one that fails or hangs. */
export interface IndexWriter {
  write(w: MemberIndexWrite): Promise<void>;
  /** A write not answered by then counts as failed (it may still land later; its version makes that harmless). */
  timeoutMs: number;
}

export interface MemberIndexDeps {
  sql: SqlStorage;
  /** One SQLite transaction (transactionSync). */
  transaction(fn: () => void): void;
  /** The conversation's id, title and member count; null before init. */
  conversation(): { id: string; title: string | null; memberCount: number } | null;
  /** Makes sure the object wakes up (alarm) after `ms` to flush again. */
  retryLater(ms: number): void;
}

const STEPS: readonly Migration[] = [
  {
    id: "m01_member_index_outbox",
    statements: [
      // k = 'version': bumped by every membership change; k = 'delivered': the newest version D1 has whole.
      "CREATE TABLE member_index_state (k TEXT PRIMARY KEY, v INTEGER NOT NULL)",
      // Members whose D1 row must be rewritten; gen moves on every new mark (cleared only if unchanged).
      "CREATE TABLE member_index_marks (user_id TEXT PRIMARY KEY, gen INTEGER NOT NULL)",
    ],
  },
];

/**
 * The durable outbox from the object (the authority on membership) to D1's
 * member rows (an index for listing). Same pattern as the inbox notifier:
 * marks are written inside the membership change's transaction (so they
 * exist exactly when the change does), delivered after it commits, and
 * retried by the alarm until D1 takes them. Each delivery carries the
 * version it was read at and D1 applies only a version at least as new as
 * its own, so repeated, late or out-of-order deliveries converge. A mark is
 * cleared only if it did not move during the write.
 */
export class MemberIndexOutbox {
  private inFlight: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;

  constructor(
    private readonly deps: MemberIndexDeps,
    /** Replaced by fault tests (runInDurableObject) with a writer that fails or hangs. */
    public writer: IndexWriter,
  ) {
    migrate(deps.sql, STEPS);
  }

  /** Inside the change's transaction: a new version, and these members' rows to rewrite. */
  mark(userIds: Iterable<string>): void {
    const { sql } = this.deps;
    sql.exec("INSERT INTO member_index_state (k, v) VALUES ('version', 1) ON CONFLICT (k) DO UPDATE SET v = v + 1");
    for (const id of userIds) {
      sql.exec(
        "INSERT INTO member_index_marks (user_id, gen) VALUES (?, 1) ON CONFLICT (user_id) DO UPDATE SET gen = gen + 1",
        id,
      );
    }
  }

  private state(k: "version" | "delivered"): number {
    return this.deps.sql.exec<{ v: number }>("SELECT v FROM member_index_state WHERE k = ?", k).toArray()[0]?.v ?? 0;
  }

  hasWork(): boolean {
    if (this.state("version") > this.state("delivered")) return true;
    // Not count(*): that reads every mark, and a backlog is checked once per page.
    return this.deps.sql.exec("SELECT 1 FROM member_index_marks LIMIT 1").toArray().length > 0;
  }

  /**
   * Delivers every pending mark; false if a write failed or timed out (the
   * alarm retries). One delivery at a time; a call during one waits for it
   * and then runs once more, so it covers every change committed before it.
   */
  flush(): Promise<boolean> {
    if (!this.inFlight) {
      this.inFlight = this.deliver().finally(() => {
        this.inFlight = null;
      });
      return this.inFlight;
    }
    this.queued ??= this.inFlight.then(() => {
      this.queued = null;
      return this.flush();
    });
    return this.queued;
  }

  private async deliver(): Promise<boolean> {
    try {
      for (let pages = 0; this.hasWork(); pages++) {
        if (pages === INDEX_PAGES_PER_FLUSH) {
          this.deps.retryLater(0);
          return false;
        }
        await this.deliverPage();
      }
      return true;
    } catch (err) {
      console.error("member index write failed", err instanceof Error ? err.message : "non-error");
      this.deps.retryLater(INDEX_RETRY_MS);
      return false;
    }
  }

  private async deliverPage(): Promise<void> {
    const conversation = this.deps.conversation();
    if (!conversation) throw new Error("no conversation yet");
    // Version, marks and the members they point at are read in one synchronous step.
    const version = this.state("version");
    const marks = this.deps.sql
      .exec<{ user_id: string; gen: number; role: Role | null; joined_at: number | null }>(
        // The log's own member rows: what the object holds now is what D1 must hold.
        `SELECT k.user_id, k.gen, m.role, m.joined_at FROM member_index_marks k
         LEFT JOIN members m ON m.user_id = k.user_id ORDER BY k.user_id LIMIT ?`,
        INDEX_PAGE,
      )
      .toArray();
    const upserts: IndexedMember[] = [];
    const removals: string[] = [];
    for (const r of marks) {
      if (r.role === null || r.joined_at === null) removals.push(r.user_id);
      else upserts.push({ userId: r.user_id, role: r.role, joinedAt: r.joined_at });
    }
    await this.writeInTime({
      conversationId: conversation.id,
      version,
      title: conversation.title,
      memberCount: conversation.memberCount,
      upserts,
      removals,
    });
    const { sql } = this.deps;
    this.deps.transaction(() => {
      for (const r of marks) sql.exec("DELETE FROM member_index_marks WHERE user_id = ? AND gen = ?", r.user_id, r.gen);
      // The last page of what was read: D1 now holds that version whole.
      if (marks.length < INDEX_PAGE) {
        sql.exec(
          "INSERT INTO member_index_state (k, v) VALUES ('delivered', ?) ON CONFLICT (k) DO UPDATE SET v = max(v, ?)",
          version,
          version,
        );
      }
    });
  }

  private writeInTime(w: MemberIndexWrite): Promise<void> {
    const write = this.writer.write(w);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("member index write timed out")), this.writer.timeoutMs);
    });
    // A write that lost the race may still fail later; that is already handled as a retry.
    write.catch(() => {});
    return Promise.race([write, timeout]).finally(() => {
      if (timer !== null) clearTimeout(timer);
    });
  }
}
