import type { PresenceSubject } from "../db/friends";
import { readPresences } from "../do/presence";
import type { Bindings } from "../http/env";
import type { Presence } from "../protocol";

/**
 * Presence of these users as their friends see it, from each user's own
 * inbox (the authority), one call per user in parallel. A user whose inbox
 * cannot answer shows "offline" with the stored `last_seen_at`.
 */
export async function getPresence(env: Bindings, subjects: readonly PresenceSubject[]): Promise<Map<string, Presence>> {
  const live = await readPresences(env, subjects);
  return new Map(
    subjects.map((s) => {
      const p = live.get(s.id);
      return [
        s.id,
        p ? { status: p.status, lastSeenAt: p.lastSeenAt } : { status: "offline", lastSeenAt: s.lastSeenAt },
      ];
    }),
  );
}
