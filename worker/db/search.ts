// What global search reads from D1: the order in which it walks the caller's
// conversations (the member index: which objects to ask, never whether the
// caller may read them; each object decides that) and the people it may show.
import { and, count, desc, eq, inArray, lt, ne, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { ConversationKind, User } from "../protocol";
import { chunks, ID_CHUNK } from "./chunks";
import { conversations, members, users } from "./schema";
import { toUser, userColumns } from "./users";

/**
 * The scan order: newest conversation first, then id. Both never change, so a
 * cursor taken on one page means the same place on the next, however much
 * activity comes in between (activity order would move conversations past the
 * cursor and make gaps).
 */
export interface ScanKey {
  createdAt: number;
  id: string;
}

export interface ScanRow extends ScanKey {
  kind: ConversationKind;
  title: string | null;
}

/**
 * Up to `limit` of the user's indexed conversations from `from` on, in scan
 * order (`from` itself included when `inclusive`), and how many they are in
 * all. One batch: the index rows of one user, read through `members_user_idx`.
 */
export async function scanPage(
  d1: D1Database,
  userId: string,
  from: { key: ScanKey; inclusive: boolean } | null,
  limit: number,
): Promise<{ rows: ScanRow[]; total: number }> {
  const db = drizzle(d1);
  const k = from?.key;
  const [rows, total] = await db.batch([
    db
      .select({
        id: conversations.id,
        kind: conversations.kind,
        title: conversations.title,
        createdAt: conversations.createdAt,
      })
      .from(members)
      .innerJoin(conversations, eq(conversations.id, members.conversationId))
      .where(
        and(
          eq(members.userId, userId),
          k === undefined
            ? undefined
            : or(
                lt(conversations.createdAt, k.createdAt),
                and(
                  eq(conversations.createdAt, k.createdAt),
                  from?.inclusive ? sql`${conversations.id} <= ${k.id}` : lt(conversations.id, k.id),
                ),
              ),
        ),
      )
      .orderBy(desc(conversations.createdAt), desc(conversations.id))
      .limit(limit),
    db.select({ n: count() }).from(members).where(eq(members.userId, userId)),
  ]);
  return { rows, total: total[0]?.n ?? 0 };
}

/** The other member of each of `dmIds` (DMs the user is in), by conversation id. */
export async function dmPeers(d1: D1Database, userId: string, dmIds: readonly string[]): Promise<Map<string, User>> {
  const out = new Map<string, User>();
  const db = drizzle(d1);
  for (const part of chunks(dmIds, ID_CHUNK)) {
    const rows = await db
      .select({ conversationId: members.conversationId, ...userColumns })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(and(inArray(members.conversationId, part), ne(members.userId, userId)));
    for (const r of rows) out.set(r.conversationId, toUser(r));
  }
  return out;
}
