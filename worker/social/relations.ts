// Writes to friendships, friend requests and blocks. Every multi-statement
// change is one D1 batch (a transaction), and every write re-checks its
// preconditions inside SQL, so a concurrent block, accept or cancel can never
// leave half a friendship or a request between blocked users.
import type { RequestRow } from "./requests";

/** What lies between two users, read in one consistent batch. */
export interface RelationState {
  blocked: boolean;
  friends: boolean;
  /** Pending request from `a` to `b`. */
  outgoingId: string | null;
  /** Pending request from `b` to `a`. */
  incomingId: string | null;
}

const BLOCKED_EITHER_WAY =
  "EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?))";

export async function getRelationState(d1: D1Database, a: string, b: string): Promise<RelationState> {
  const [blocked, friends, requests] = await d1.batch([
    d1.prepare(`SELECT ${BLOCKED_EITHER_WAY} AS v`).bind(a, b, b, a),
    d1.prepare("SELECT EXISTS (SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?) AS v").bind(a, b),
    d1
      .prepare(
        "SELECT id, from_id FROM friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)",
      )
      .bind(a, b, b, a),
  ]);
  const flag = (r: D1Result | undefined) => (r?.results[0] as { v?: unknown } | undefined)?.v === 1;
  const pending = (requests?.results ?? []) as { id: string; from_id: string }[];
  return {
    blocked: flag(blocked),
    friends: flag(friends),
    outgoingId: pending.find((r) => r.from_id === a)?.id ?? null,
    incomingId: pending.find((r) => r.from_id === b)?.id ?? null,
  };
}

/**
 * Inserts the request unless, at that instant, the pair is blocked either way,
 * already friends, or has a pending request in either direction.
 * Returns false when it inserted nothing.
 */
export async function insertRequest(d1: D1Database, r: RequestRow): Promise<boolean> {
  const res = await d1
    .prepare(
      `INSERT OR IGNORE INTO friend_requests (id, from_id, to_id, message, created_at)
       SELECT ?, ?, ?, ?, ?
       WHERE NOT ${BLOCKED_EITHER_WAY}
         AND NOT EXISTS (SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?)
         AND NOT EXISTS (SELECT 1 FROM friend_requests
                         WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?))`,
    )
    .bind(
      ...[r.id, r.fromId, r.toId, r.message, r.createdAt],
      ...[r.fromId, r.toId, r.toId, r.fromId],
      ...[r.fromId, r.toId],
      ...[r.fromId, r.toId, r.toId, r.fromId],
    )
    .run();
  return res.meta.changes > 0;
}

/**
 * Turns request `requestId` (addressed to `receiverId`) into a friendship in
 * both directions and deletes it, all or nothing. Returns false when the
 * request was no longer there (cancelled, declined, or removed by a block).
 */
export async function acceptRequest(
  d1: D1Database,
  requestId: string,
  receiverId: string,
  now: number,
): Promise<boolean> {
  const fromRequest = "FROM friend_requests WHERE id = ? AND to_id = ?";
  const results = await d1.batch([
    d1
      .prepare(`INSERT OR IGNORE INTO friendships (user_id, friend_id, since) SELECT from_id, to_id, ? ${fromRequest}`)
      .bind(now, requestId, receiverId),
    d1
      .prepare(`INSERT OR IGNORE INTO friendships (user_id, friend_id, since) SELECT to_id, from_id, ? ${fromRequest}`)
      .bind(now, requestId, receiverId),
    d1.prepare("DELETE FROM friend_requests WHERE id = ? AND to_id = ?").bind(requestId, receiverId),
  ]);
  return (results[2]?.meta.changes ?? 0) > 0;
}

/** Deletes a pending request (decline or cancel); false when it was already gone. */
export async function deleteRequest(d1: D1Database, id: string): Promise<boolean> {
  const res = await d1.prepare("DELETE FROM friend_requests WHERE id = ?").bind(id).run();
  return res.meta.changes > 0;
}

/** Ends a friendship in both directions; false when they were not friends. */
export async function removeFriendship(d1: D1Database, a: string, b: string): Promise<boolean> {
  const res = await d1
    .prepare("DELETE FROM friendships WHERE (user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)")
    .bind(a, b, b, a)
    .run();
  return res.meta.changes > 0;
}

/**
 * Blocks `blockedId` (idempotent) and, in the same transaction, ends their
 * friendship and every pending request between the two. Returns whether a
 * friendship ended, so the caller can announce it.
 */
export async function block(d1: D1Database, blockerId: string, blockedId: string, now: number): Promise<boolean> {
  const [, friendships] = await d1.batch([
    d1
      .prepare("INSERT OR IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)")
      .bind(blockerId, blockedId, now),
    d1
      .prepare("DELETE FROM friendships WHERE (user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)")
      .bind(blockerId, blockedId, blockedId, blockerId),
    d1
      .prepare("DELETE FROM friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)")
      .bind(blockerId, blockedId, blockedId, blockerId),
  ]);
  return (friendships?.meta.changes ?? 0) > 0;
}

export async function unblock(d1: D1Database, blockerId: string, blockedId: string): Promise<void> {
  await d1.prepare("DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?").bind(blockerId, blockedId).run();
}
