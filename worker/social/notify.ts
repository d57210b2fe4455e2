import type { Bindings } from "../http/env";
import type { FriendRequest } from "../protocol";

/** A change in who is friends with whom, as the affected users' inboxes must hear it. */
export type SocialChange =
  | { type: "friend_request"; request: FriendRequest }
  | { type: "friend_added"; userIds: readonly [string, string] }
  | { type: "friend_removed"; userIds: readonly [string, string] };

/**
 * Called after every committed social change. Issue 3 makes the inbox objects
 * push `friend_request` (to `request.to`), `friend_added` (each side gets the
 * other as a `Friend`) and `friend_removed` frames from here; until then it
 * deliberately does nothing.
 */
export async function onSocialChange(_env: Bindings, _change: SocialChange): Promise<void> {}
