// Reading friendships as the contract's `Friend` objects, from one user's view.
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { conversations, friendships, users } from "../db/schema";
import type { Bindings } from "../http/env";
import type { Friend } from "../protocol";
import { getPresence } from "./presence";
import { toUser } from "./users";

/** The `conversations.dm_key` of a pair: both ids sorted and joined with ':'. */
export function dmKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

// Same rule as `dmKey` in SQL. Ids are ASCII, so SQLite's byte order and JS's
// code-unit order agree.
const rowDmKey = sql`CASE WHEN ${friendships.userId} < ${friendships.friendId}
  THEN ${friendships.userId} || ':' || ${friendships.friendId}
  ELSE ${friendships.friendId} || ':' || ${friendships.userId} END`;

async function queryFriends(env: Bindings, where: SQL | undefined): Promise<Friend[]> {
  const rows = await drizzle(env.DB)
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      lastSeenAt: users.lastSeenAt,
      since: friendships.since,
      conversationId: conversations.id,
    })
    .from(friendships)
    .innerJoin(users, eq(users.id, friendships.friendId))
    .leftJoin(conversations, eq(conversations.dmKey, rowDmKey))
    .where(where)
    .orderBy(asc(users.username));
  const presence = await getPresence(env, rows);
  return rows.map((r) => ({
    user: toUser(r),
    presence: presence.get(r.id) ?? { status: "offline", lastSeenAt: r.lastSeenAt },
    conversationId: r.conversationId,
    since: r.since,
  }));
}

export function listFriends(env: Bindings, viewerId: string): Promise<Friend[]> {
  return queryFriends(env, eq(friendships.userId, viewerId));
}

/** `otherId` as `viewerId`'s friend, or null when they are not friends. */
export async function getFriend(env: Bindings, viewerId: string, otherId: string): Promise<Friend | null> {
  const [friend] = await queryFriends(env, and(eq(friendships.userId, viewerId), eq(friendships.friendId, otherId)));
  return friend ?? null;
}
