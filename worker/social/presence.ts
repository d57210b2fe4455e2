import type { Bindings } from "../http/env";
import type { Presence } from "../protocol";

export interface PresenceSubject {
  id: string;
  lastSeenAt: number | null;
}

/**
 * Presence of these users as their friends see it. For now everyone is
 * "offline" with the stored `last_seen_at`; issue 3 swaps this one function
 * for the inbox objects' live state, so callers already await it.
 */
export async function getPresence(
  _env: Bindings,
  subjects: readonly PresenceSubject[],
): Promise<Map<string, Presence>> {
  return new Map(subjects.map((s) => [s.id, { status: "offline", lastSeenAt: s.lastSeenAt }]));
}
