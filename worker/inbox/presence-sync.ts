// Presence between inboxes: each user's inbox is the authority on that user's
// status and tells its friends' inboxes (D1 friendships at that moment, so
// subscriptions follow friendships without any list to maintain).
import type { Bindings } from "../http/env";
import { eachBounded } from "./fanout";
import type { EpochPresence } from "./store";
import { inboxStub } from "./stub";

const FANOUT = 50;

export interface FriendRow {
  id: string;
  lastSeenAt: number | null;
}

export async function friendRows(env: Bindings, userId: string): Promise<FriendRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT u.id, u.last_seen_at FROM friendships f JOIN users u ON u.id = f.friend_id WHERE f.user_id = ?",
  )
    .bind(userId)
    .all<{ id: string; last_seen_at: number | null }>();
  return results.map((r) => ({ id: r.id, lastSeenAt: r.last_seen_at }));
}

/** Pushes `userId`'s new presence to every friend's inbox; a failed one heals on that friend's next connect. */
export async function broadcastPresence(env: Bindings, userId: string, p: EpochPresence): Promise<void> {
  const friends = await friendRows(env, userId);
  const failed = await eachBounded(friends, FANOUT, async (f) => {
    await inboxStub(env, f.id).presenceChanged(f.id, userId, p);
  });
  if (failed.length > 0) console.warn("presence not delivered to some friends", { count: failed.length });
}

/** Each user's presence from their own inbox, in parallel; D1's last_seen_at fills a never-seen inbox. */
export async function readPresences(env: Bindings, users: readonly FriendRow[]): Promise<Map<string, EpochPresence>> {
  const out = new Map<string, EpochPresence>();
  await eachBounded(users, FANOUT, async (u) => {
    const p = await inboxStub(env, u.id).presence();
    out.set(u.id, { ...p, lastSeenAt: p.lastSeenAt ?? u.lastSeenAt });
  });
  return out;
}
