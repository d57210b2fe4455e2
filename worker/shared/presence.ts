import type { PresenceStatus } from "../protocol";

/** A user's presence with `epoch`, which grows by one per change of that user (newer wins). */
export interface EpochPresence {
  status: PresenceStatus;
  lastSeenAt: number | null;
  epoch: number;
}
