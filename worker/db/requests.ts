// Friend requests, and the state between two users that decides what a new
// request does. Every write re-checks its preconditions inside SQL, so a
// concurrent block, accept or cancel can never leave half a friendship or a
// request between blocked users.
import { and, desc, eq, notExists, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { FriendRequest, User } from "../protocol";
import { blockedEitherWay, requestEitherWay } from "./pairs";
import { blocks, friendRequests, friendships } from "./schema";
import { getUsersByIds } from "./users";

export type RequestRow = typeof friendRequests.$inferSelect;

/** What lies between two users, read in one consistent batch. */
export interface RelationState {
  blocked: boolean;
  friends: boolean;
  /** Pending request from `a` to `b`. */
  outgoingId: string | null;
  /** Pending request from `b` to `a`. */
  incomingId: string | null;
}

export async function getRelationState(d1: D1Database, a: string, b: string): Promise<RelationState> {
  const db = drizzle(d1);
  const [blocked, friends, pending] = await db.batch([
    db.select({ x: blocks.blockerId }).from(blocks).where(blockedEitherWay(a, b)).limit(1),
    db
      .select({ x: friendships.since })
      .from(friendships)
      .where(and(eq(friendships.userId, a), eq(friendships.friendId, b)))
      .limit(1),
    db
      .select({ id: friendRequests.id, fromId: friendRequests.fromId })
      .from(friendRequests)
      .where(requestEitherWay(a, b)),
  ]);
  return {
    blocked: blocked.length > 0,
    friends: friends.length > 0,
    outgoingId: pending.find((r) => r.fromId === a)?.id ?? null,
    incomingId: pending.find((r) => r.fromId === b)?.id ?? null,
  };
}

/**
 * Inserts the request unless, at that instant, the pair is blocked either way,
 * already friends, or has a pending request in either direction.
 * Returns false when it inserted nothing.
 */
export async function insertRequest(d1: D1Database, r: RequestRow): Promise<boolean> {
  const db = drizzle(d1);
  const res = await db
    .insert(friendRequests)
    // Raw SELECT: drizzle's select always has a FROM, and this conditional
    // insert of literal values has no table to read them from.
    .select(
      sql`SELECT ${r.id}, ${r.fromId}, ${r.toId}, ${r.message}, ${r.createdAt}
          WHERE ${notExists(db.select({ x: blocks.blockerId }).from(blocks).where(blockedEitherWay(r.fromId, r.toId)))}
            AND ${notExists(
              db
                .select({ x: friendships.since })
                .from(friendships)
                .where(and(eq(friendships.userId, r.fromId), eq(friendships.friendId, r.toId))),
            )}
            AND ${notExists(db.select({ x: friendRequests.id }).from(friendRequests).where(requestEitherWay(r.fromId, r.toId)))}`,
    )
    .onConflictDoNothing();
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
  const db = drizzle(d1);
  const theRequest = and(eq(friendRequests.id, requestId), eq(friendRequests.toId, receiverId));
  const since = sql<number>`${now}`.as("since");
  const [, , deleted] = await db.batch([
    db
      .insert(friendships)
      .select(
        db
          .select({ userId: friendRequests.fromId, friendId: friendRequests.toId, since })
          .from(friendRequests)
          .where(theRequest),
      )
      .onConflictDoNothing(),
    db
      .insert(friendships)
      .select(
        db
          .select({ userId: friendRequests.toId, friendId: friendRequests.fromId, since })
          .from(friendRequests)
          .where(theRequest),
      )
      .onConflictDoNothing(),
    db.delete(friendRequests).where(theRequest),
  ]);
  return deleted.meta.changes > 0;
}

/** Deletes a pending request (decline or cancel); false when it was already gone. */
export async function deleteRequest(d1: D1Database, id: string): Promise<boolean> {
  const res = await drizzle(d1).delete(friendRequests).where(eq(friendRequests.id, id));
  return res.meta.changes > 0;
}

export async function getRequestRow(d1: D1Database, id: string): Promise<RequestRow | null> {
  return (await drizzle(d1).select().from(friendRequests).where(eq(friendRequests.id, id)).get()) ?? null;
}

function toRequest(row: RequestRow, people: Map<string, User>): FriendRequest | null {
  const from = people.get(row.fromId);
  const to = people.get(row.toId);
  // Both users exist while the row does (ON DELETE CASCADE); this only
  // guards a user deleted between the two reads.
  if (!from || !to) return null;
  return { id: row.id, from, to, message: row.message, createdAt: row.createdAt };
}

/** Rows as the contract's `request` objects (a row whose user vanished meanwhile is dropped). */
export async function toRequests(d1: D1Database, rows: readonly RequestRow[]): Promise<FriendRequest[]> {
  const people = await getUsersByIds(
    d1,
    rows.flatMap((r) => [r.fromId, r.toId]),
  );
  return rows.map((r) => toRequest(r, people)).filter((r): r is FriendRequest => r !== null);
}

/** Every pending request to or from `userId`, newest first. */
export async function listRequests(
  d1: D1Database,
  userId: string,
): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }> {
  const rows = await drizzle(d1)
    .select()
    .from(friendRequests)
    .where(or(eq(friendRequests.toId, userId), eq(friendRequests.fromId, userId)))
    .orderBy(desc(friendRequests.createdAt), desc(friendRequests.id));
  const all = await toRequests(d1, rows);
  return { incoming: all.filter((r) => r.to.id === userId), outgoing: all.filter((r) => r.from.id === userId) };
}
