import { inboxStub } from "../do/stubs";
import type { Bindings } from "../http/env";
import type { FriendRequest } from "../protocol";
import { getFriend } from "./friends";

/** A change in who is friends with whom, as the affected users' inboxes must hear it. */
export type SocialChange =
  | { type: "friend_request"; request: FriendRequest }
  | { type: "friend_added"; userIds: readonly [string, string] }
  | { type: "friend_removed"; userIds: readonly [string, string] };

/** Tells `viewerId`'s inbox about its new friend, with the friend's live presence (and its epoch). */
async function announceFriend(env: Bindings, viewerId: string, friendId: string): Promise<void> {
  const presence = await inboxStub(env, friendId).presence();
  const friend = await getFriend(env, viewerId, friendId, presence);
  if (!friend) return; // removed again meanwhile; the removal has its own notice
  await inboxStub(env, viewerId).friendAdded(viewerId, friend, presence.epoch);
}

/**
 * Called after every committed social change: pushes `friend_request` (to
 * `request.to`), `friend_added` (each side gets the other as a `Friend`) and
 * `friend_removed` (both sides) through the inbox objects, which also start
 * or stop showing each other's presence. The change is already committed, so
 * a failed notice is logged, not turned into an error; the next inbox
 * connect re-reads friends from D1.
 */
export async function onSocialChange(env: Bindings, change: SocialChange): Promise<void> {
  try {
    switch (change.type) {
      case "friend_request":
        await inboxStub(env, change.request.to.id).friendRequest(change.request.to.id, change.request);
        break;
      case "friend_added": {
        const [a, b] = change.userIds;
        await Promise.all([announceFriend(env, a, b), announceFriend(env, b, a)]);
        break;
      }
      case "friend_removed": {
        const [a, b] = change.userIds;
        await Promise.all([inboxStub(env, a).friendRemoved(a, b), inboxStub(env, b).friendRemoved(b, a)]);
        break;
      }
    }
  } catch (err) {
    console.error("social notice failed", change.type, err instanceof Error ? err.name : "non-error");
  }
}
