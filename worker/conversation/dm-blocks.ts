import { type Migration, migrate } from "../do/migrations";

const STEPS: readonly Migration[] = [
  {
    id: "b01_dm_blocks",
    statements: [
      "CREATE TABLE dm_blocks (blocker_id TEXT NOT NULL, blocked_id TEXT NOT NULL, PRIMARY KEY (blocker_id, blocked_id))",
    ],
  },
];

/**
 * The blocks that hold in a DM, as the DM's own durable state (D1's blocks
 * table is the social relation; this is what the conversation enforces).
 * While any row exists the DM is read-only for both sides: history stays
 * readable, nothing new passes. Not a wire event: nothing in the log changes
 * and the other side learns nothing beyond a refusal.
 */
export class DmBlocks {
  /** In memory so the per-frame check reads no SQLite; set again after every commit. */
  private blocked: boolean;

  constructor(private readonly sql: SqlStorage) {
    migrate(sql, STEPS);
    this.blocked = this.read();
  }

  private read(): boolean {
    return this.sql.exec("SELECT 1 FROM dm_blocks LIMIT 1").toArray().length > 0;
  }

  /** Inside the caller's transaction; `refresh` once it has committed. */
  set(blockerId: string, blockedId: string, on: boolean): void {
    if (on) {
      this.sql.exec(
        "INSERT INTO dm_blocks (blocker_id, blocked_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        blockerId,
        blockedId,
      );
    } else {
      this.sql.exec("DELETE FROM dm_blocks WHERE blocker_id = ? AND blocked_id = ?", blockerId, blockedId);
    }
  }

  refresh(): void {
    this.blocked = this.read();
  }

  /** Whether either side blocked the other: then neither may speak here. */
  get any(): boolean {
    return this.blocked;
  }
}
