// Blocks. A block ends the pair's friendship and pending requests in the
// same transaction (one D1 batch), so no half state is ever visible.
import { and, desc, eq, inArray, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { User } from "../protocol";
import { chunks, ID_CHUNK } from "./chunks";
import { blockedEitherWay, friendshipEitherWay, requestEitherWay } from "./pairs";
import { blocks as blocksTable, friendRequests, friendships, users } from "./schema";
import { toUser, userColumns } from "./users";

export async function isBlockedEitherWay(d1: D1Database, a: string, b: string): Promise<boolean> {
  const row = await drizzle(d1)
    .select({ x: blocksTable.blockerId })
    .from(blocksTable)
    .where(blockedEitherWay(a, b))
    .limit(1)
    .get();
  return row !== undefined;
}

/** Those of `others` who blocked `userId` or whom `userId` blocked. */
export async function blockedAmong(d1: D1Database, userId: string, others: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const db = drizzle(d1);
  // Each part is bound twice (both directions): half a chunk keeps the statement under D1's 100 parameters.
  for (const part of chunks(others, Math.floor(ID_CHUNK / 2))) {
    const rows = await db
      .select({ blockerId: blocksTable.blockerId, blockedId: blocksTable.blockedId })
      .from(blocksTable)
      .where(
        or(
          and(eq(blocksTable.blockerId, userId), inArray(blocksTable.blockedId, part)),
          and(eq(blocksTable.blockedId, userId), inArray(blocksTable.blockerId, part)),
        ),
      );
    for (const r of rows) found.add(r.blockerId === userId ? r.blockedId : r.blockerId);
  }
  return found;
}

/** Whom `blockerId` blocked, newest first. */
export async function listBlocked(d1: D1Database, blockerId: string): Promise<User[]> {
  const rows = await drizzle(d1)
    .select(userColumns)
    .from(blocksTable)
    .innerJoin(users, eq(users.id, blocksTable.blockedId))
    .where(eq(blocksTable.blockerId, blockerId))
    .orderBy(desc(blocksTable.createdAt));
  return rows.map(toUser);
}

/**
 * Blocks `blockedId` (idempotent) and, in the same transaction, ends their
 * friendship and every pending request between the two. Returns whether a
 * friendship ended, so the caller can announce it.
 */
export async function block(d1: D1Database, blockerId: string, blockedId: string, now: number): Promise<boolean> {
  const db = drizzle(d1);
  const [, ended] = await db.batch([
    db.insert(blocksTable).values({ blockerId, blockedId, createdAt: now }).onConflictDoNothing(),
    db.delete(friendships).where(friendshipEitherWay(blockerId, blockedId)),
    db.delete(friendRequests).where(requestEitherWay(blockerId, blockedId)),
  ]);
  return ended.meta.changes > 0;
}

export async function unblock(d1: D1Database, blockerId: string, blockedId: string): Promise<void> {
  await drizzle(d1)
    .delete(blocksTable)
    .where(and(eq(blocksTable.blockerId, blockerId), eq(blocksTable.blockedId, blockedId)));
}
