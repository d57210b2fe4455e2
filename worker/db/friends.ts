// Friendships, stored in both directions so either side lists them with one index.
import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { chunks, ID_CHUNK } from "./chunks";
import { friendshipEitherWay } from "./pairs";
import { conversations, friendships, users } from "./schema";

// Same rule as `dmKey` (conversations.ts) in SQL (drizzle has no expression for it). Ids are
// ASCII, so SQLite's byte order and JS's code-unit order agree.
const rowDmKey = sql`CASE WHEN ${friendships.userId} < ${friendships.friendId}
  THEN ${friendships.userId} || ':' || ${friendships.friendId}
  ELSE ${friendships.friendId} || ':' || ${friendships.userId} END`;

function queryFriendRows(d1: D1Database, where: SQL | undefined) {
  return drizzle(d1)
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatar: users.avatar,
      lastSeenAt: users.lastSeenAt,
      since: friendships.since,
      conversationId: conversations.id,
    })
    .from(friendships)
    .innerJoin(users, eq(users.id, friendships.friendId))
    .leftJoin(conversations, eq(conversations.dmKey, rowDmKey))
    .where(where)
    .orderBy(asc(users.username));
}

/** A friend as stored: the user, when they were last seen, since when, and their DM if there is one. */
export type FriendRow = Awaited<ReturnType<typeof queryFriendRows>>[number];

/** `viewerId`'s friends, by username. */
export function listFriendRows(d1: D1Database, viewerId: string): Promise<FriendRow[]> {
  return queryFriendRows(d1, eq(friendships.userId, viewerId));
}

/** `otherId` as `viewerId`'s friend, or null when they are not friends. */
export async function getFriendRow(d1: D1Database, viewerId: string, otherId: string): Promise<FriendRow | null> {
  const [row] = await queryFriendRows(d1, and(eq(friendships.userId, viewerId), eq(friendships.friendId, otherId)));
  return row ?? null;
}

/** Who presence goes to: each friend's id and stored last-seen time. */
export interface PresenceSubject {
  id: string;
  lastSeenAt: number | null;
}

export function listFriendPresenceSubjects(d1: D1Database, userId: string): Promise<PresenceSubject[]> {
  return drizzle(d1)
    .select({ id: users.id, lastSeenAt: users.lastSeenAt })
    .from(friendships)
    .innerJoin(users, eq(users.id, friendships.friendId))
    .where(eq(friendships.userId, userId));
}

/** The subset of `others` that `userId` is friends with. */
export async function friendsAmong(d1: D1Database, userId: string, others: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const db = drizzle(d1);
  for (const part of chunks(others, ID_CHUNK)) {
    const rows = await db
      .select({ friendId: friendships.friendId })
      .from(friendships)
      .where(and(eq(friendships.userId, userId), inArray(friendships.friendId, part)));
    for (const r of rows) found.add(r.friendId);
  }
  return found;
}

/** Ends a friendship in both directions; false when they were not friends. */
export async function removeFriendship(d1: D1Database, a: string, b: string): Promise<boolean> {
  const res = await drizzle(d1).delete(friendships).where(friendshipEitherWay(a, b));
  return res.meta.changes > 0;
}
