// Reading friend requests as the contract's `request` objects.
import { desc, eq, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { friendRequests } from "../db/schema";
import type { FriendRequest, User } from "../protocol";
import { getUsersByIds } from "./users";

export type RequestRow = typeof friendRequests.$inferSelect;

function toRequest(row: RequestRow, people: Map<string, User>): FriendRequest | null {
  const from = people.get(row.fromId);
  const to = people.get(row.toId);
  // Both users exist while the row does (ON DELETE CASCADE); this only
  // guards a user deleted between the two reads.
  if (!from || !to) return null;
  return { id: row.id, from, to, message: row.message, createdAt: row.createdAt };
}

export async function toRequests(d1: D1Database, rows: readonly RequestRow[]): Promise<FriendRequest[]> {
  const people = await getUsersByIds(
    d1,
    rows.flatMap((r) => [r.fromId, r.toId]),
  );
  return rows.map((r) => toRequest(r, people)).filter((r): r is FriendRequest => r !== null);
}

export async function getRequestRow(d1: D1Database, id: string): Promise<RequestRow | null> {
  return (await drizzle(d1).select().from(friendRequests).where(eq(friendRequests.id, id)).get()) ?? null;
}

/** Every pending request to or from `userId`, newest first. */
export async function listRequests(
  d1: D1Database,
  userId: string,
): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }> {
  const rows = await drizzle(d1)
    .select()
    .from(friendRequests)
    .where(or(eq(friendRequests.toId, userId), eq(friendRequests.fromId, userId)))
    .orderBy(desc(friendRequests.createdAt), desc(friendRequests.id));
  const all = await toRequests(d1, rows);
  return { incoming: all.filter((r) => r.to.id === userId), outgoing: all.filter((r) => r.from.id === userId) };
}
