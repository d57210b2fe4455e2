// Web Push subscriptions: the endpoints a user's browsers registered.
import { and, count, desc, eq, ne, notInArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { pushSubscriptions } from "./schema";

/**
 * Every new message fans out to each subscription with its own outbound
 * request, so one user cannot make a message cost more than this many. Past
 * it, the oldest subscriptions (most likely dead browsers) are dropped.
 */
export const SUBSCRIPTIONS_PER_USER = 10;

export interface StoredSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * Upsert by endpoint. An endpoint held by another user (a browser profile
 * that changed hands, or someone replaying an endpoint they saw) moves to
 * the caller, and the previous owner is returned so their inbox can be
 * told: not silently. Their client re-sends its subscription on start, so
 * a browser that really is theirs gets it back.
 */
export async function saveSubscription(
  d1: D1Database,
  userId: string,
  sub: StoredSubscription,
  now: number,
): Promise<{ previousOwner: string | null }> {
  const db = drizzle(d1);
  const mine = eq(pushSubscriptions.userId, userId);
  const others = and(mine, ne(pushSubscriptions.endpoint, sub.endpoint));
  // The one just saved always stays, whatever the clock says about the rest.
  const newestOthers = db
    .select({ endpoint: pushSubscriptions.endpoint })
    .from(pushSubscriptions)
    .where(others)
    .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.endpoint))
    .limit(SUBSCRIPTIONS_PER_USER - 1);
  // One batch, so the owner that was dropped is the one this insert replaced.
  const [dropped] = await db.batch([
    db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.endpoint, sub.endpoint), ne(pushSubscriptions.userId, userId)))
      .returning({ userId: pushSubscriptions.userId }),
    db
      .insert(pushSubscriptions)
      .values({ endpoint: sub.endpoint, userId, p256dh: sub.p256dh, auth: sub.auth, createdAt: now })
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { p256dh: sub.p256dh, auth: sub.auth, createdAt: now },
      }),
    db.delete(pushSubscriptions).where(and(others, notInArray(pushSubscriptions.endpoint, newestOthers))),
  ]);
  return { previousOwner: dropped[0]?.userId ?? null };
}

/** Deletes the endpoint only if it is this user's; someone else's stays. */
export async function deleteSubscription(d1: D1Database, userId: string, endpoint: string): Promise<void> {
  await drizzle(d1)
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.userId, userId)));
}

export function listSubscriptions(d1: D1Database, userId: string): Promise<StoredSubscription[]> {
  return drizzle(d1)
    .select({ endpoint: pushSubscriptions.endpoint, p256dh: pushSubscriptions.p256dh, auth: pushSubscriptions.auth })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId));
}

export async function countSubscriptions(d1: D1Database, userId: string): Promise<number> {
  const rows = await drizzle(d1)
    .select({ n: count() })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId));
  return rows[0]?.n ?? 0;
}
