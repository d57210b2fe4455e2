// Presence between inboxes: each user's inbox is the authority on that user's
// status and tells its friends' inboxes (D1 friendships at that moment, so
// subscriptions follow friendships without any list to maintain).
import { listFriendPresenceSubjects } from "../db/friends";
import { eachBounded } from "../do/fanout";
import { PRESENCE_FANOUT } from "../do/presence";
import { inboxStub } from "../do/stubs";
import type { Bindings } from "../http/env";
import type { EpochPresence } from "../shared/presence";

/** Pushes `userId`'s new presence to every friend's inbox; a failed one heals on that friend's next connect. */
export async function broadcastPresence(env: Bindings, userId: string, p: EpochPresence): Promise<void> {
  const friends = await listFriendPresenceSubjects(env.DB, userId);
  const failed = await eachBounded(friends, PRESENCE_FANOUT, async (f) => {
    await inboxStub(env, f.id).presenceChanged(f.id, userId, p);
  });
  if (failed.length > 0) console.warn("presence not delivered to some friends", { count: failed.length });
}
