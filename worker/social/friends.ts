// Reading friendships as the contract's `Friend` objects, from one user's view.
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { conversations, friendships, users } from "../db/schema";
import type { Bindings } from "../http/env";
import type { Friend, Presence } from "../protocol";
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

function queryFriendRows(env: Bindings, where: SQL | undefined) {
  return drizzle(env.DB)
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
}

type FriendRow = Awaited<ReturnType<typeof queryFriendRows>>[number];

function toFriend(r: FriendRow, presence: Presence): Friend {
  return { user: toUser(r), presence, conversationId: r.conversationId, since: r.since };
}

export async function listFriends(env: Bindings, viewerId: string): Promise<Friend[]> {
  const rows = await queryFriendRows(env, eq(friendships.userId, viewerId));
  const presence = await getPresence(env, rows);
  return rows.map((r) => toFriend(r, presence.get(r.id) ?? { status: "offline", lastSeenAt: r.lastSeenAt }));
}

/**
 * `otherId` as `viewerId`'s friend, or null when they are not friends. A
 * caller that has just read the friend's inbox passes that presence, so the
 * inbox is not asked twice; D1's last_seen_at fills a never-seen one.
 */
export async function getFriend(
  env: Bindings,
  viewerId: string,
  otherId: string,
  live?: Presence,
): Promise<Friend | null> {
  const [row] = await queryFriendRows(env, and(eq(friendships.userId, viewerId), eq(friendships.friendId, otherId)));
  if (!row) return null;
  const presence = live
    ? { status: live.status, lastSeenAt: live.lastSeenAt ?? row.lastSeenAt }
    : (await getPresence(env, [row])).get(row.id);
  return toFriend(row, presence ?? { status: "offline", lastSeenAt: row.lastSeenAt });
}
