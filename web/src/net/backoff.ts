export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 15_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): doubling from 0.5 s,
 * capped at 15 s, with "equal jitter" (a random point in the upper half) so
 * a server restart does not get every client back in the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
