// The D1 membership index, written only by the conversation's object
// (conversation/member-index.ts). Every write carries the object's
// membership version: a write older than the one D1 holds changes nothing,
// so retried, repeated or late writes converge on the object's state.
import type { Role } from "../protocol";
import { chunks } from "./chunks";

/** One member as the object holds it. */
export interface IndexedMember {
  userId: string;
  role: Role;
  joinedAt: number;
}

/** What one delivery writes: the conversation's version, title and size, and the members whose rows change. */
export interface MemberIndexWrite {
  conversationId: string;
  version: number;
  title: string | null;
  /** Members the object held at `version`. */
  memberCount: number;
  upserts: readonly IndexedMember[];
  removals: readonly string[];
}

/** D1 binds at most 100 parameters per statement (developers.cloudflare.com/d1/platform/limits). */
export const D1_PARAMS_MAX = 100;
/** 1 + 3 a row + 2 guard parameters: 32 rows stay under D1's 100-parameter cap. */
export const UPSERT_ROWS = Math.floor((D1_PARAMS_MAX - 3) / 3);
/** 1 + one a row + 2 guard parameters. */
export const REMOVALS_PER_DELETE = D1_PARAMS_MAX - 3;

// The guard every member statement carries: it runs only if this write's version is the
// one the conversation row now holds (the first statement of the batch set it, or a write
// of the same version did). Raw SQL: drizzle cannot say INSERT ... SELECT FROM (VALUES ...)
// WHERE ... ON CONFLICT, which is what keeps a whole page of rows in one guarded statement.
const GUARD = "(SELECT index_version FROM conversations WHERE id = ?) = ?";

/**
 * Applies one delivery as one D1 batch (one transaction): the version and
 * title move forward only if `version` is newer, and the member rows change
 * only if `version` is then the current one. Throws when D1 fails; the
 * object keeps its marks and retries.
 */
export async function writeMemberIndex(d1: D1Database, w: MemberIndexWrite): Promise<void> {
  const statements: D1PreparedStatement[] = [
    d1
      .prepare(
        "UPDATE conversations SET index_version = ?, title = ?, member_count = ? WHERE id = ? AND index_version < ?",
      )
      .bind(w.version, w.title, w.memberCount, w.conversationId, w.version),
  ];
  for (const part of chunks(w.upserts, UPSERT_ROWS)) {
    const values = part.map(() => "(?, ?, ?)").join(", ");
    statements.push(
      d1
        .prepare(
          `INSERT INTO members (conversation_id, user_id, role, joined_at)
           SELECT ?, column1, column2, column3 FROM (VALUES ${values}) WHERE ${GUARD}
           ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = excluded.role`,
        )
        .bind(w.conversationId, ...part.flatMap((m) => [m.userId, m.role, m.joinedAt]), w.conversationId, w.version),
    );
  }
  for (const part of chunks(w.removals, REMOVALS_PER_DELETE)) {
    statements.push(
      d1
        .prepare(
          `DELETE FROM members WHERE conversation_id = ? AND user_id IN (${part.map(() => "?").join(", ")}) AND ${GUARD}`,
        )
        .bind(w.conversationId, ...part, w.conversationId, w.version),
    );
  }
  await d1.batch(statements);
}
