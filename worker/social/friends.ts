// Friendships as the contract's `Friend` objects, from one user's view: the
// D1 row joined with the friend's live presence from their inbox.
import { type FriendRow, getFriendRow, listFriendRows } from "../db/friends";
import { toUser } from "../db/users";
import type { Bindings } from "../http/env";
import type { Friend, Presence } from "../protocol";
import { getPresence } from "./presence";

function toFriend(r: FriendRow, presence: Presence): Friend {
  return { user: toUser(r), presence, conversationId: r.conversationId, since: r.since };
}

export async function listFriends(env: Bindings, viewerId: string): Promise<Friend[]> {
  const rows = await listFriendRows(env.DB, viewerId);
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
  const row = await getFriendRow(env.DB, viewerId, otherId);
  if (!row) return null;
  const presence = live
    ? { status: live.status, lastSeenAt: live.lastSeenAt ?? row.lastSeenAt }
    : (await getPresence(env, [row])).get(row.id);
  return toFriend(row, presence ?? { status: "offline", lastSeenAt: row.lastSeenAt });
}
