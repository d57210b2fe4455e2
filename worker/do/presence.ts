// Reading presence from users' inboxes, for friend lists (routes) and for an
// inbox refreshing its friends on connect.
import type { PresenceSubject } from "../db/friends";
import type { EpochPresence } from "../shared/presence";
import { eachBounded } from "./fanout";
import { inboxStub } from "./stubs";

export const PRESENCE_FANOUT = 50;

/** Each user's presence from their own inbox, in parallel; D1's last_seen_at fills a never-seen inbox. */
export async function readPresences(
  env: Env,
  subjects: readonly PresenceSubject[],
): Promise<Map<string, EpochPresence>> {
  const out = new Map<string, EpochPresence>();
  await eachBounded(subjects, PRESENCE_FANOUT, async (u) => {
    const p = await inboxStub(env, u.id).presence();
    out.set(u.id, { ...p, lastSeenAt: p.lastSeenAt ?? u.lastSeenAt });
  });
  return out;
}
