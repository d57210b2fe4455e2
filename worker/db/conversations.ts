// The conversations index: which conversations exist and who is in them,
// for listing only. The objects are the authority on membership and write
// the member rows themselves (db/member-index.ts, through their outbox);
// routes create conversation rows and never write or trust member rows.
import { and, eq, lt, ne } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { alias } from "drizzle-orm/sqlite-core";
import type { ConversationKind, Role, User } from "../protocol";
import { conversations, members, users } from "./schema";
import { toUser, userColumns } from "./users";

export interface ConversationRow {
  id: string;
  kind: ConversationKind;
  title: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

const conversationColumns = {
  id: conversations.id,
  kind: conversations.kind,
  title: conversations.title,
  createdBy: conversations.createdBy,
  createdAt: conversations.createdAt,
  updatedAt: conversations.updatedAt,
} as const;

/** The `conversations.dm_key` of a pair: both ids sorted and joined with ':'. */
export function dmKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** Whether a conversation with this id was ever created (not who is in it: the object decides that). */
export async function conversationExists(d1: D1Database, id: string): Promise<boolean> {
  const row = await drizzle(d1)
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.id, id))
    .get();
  return row !== undefined;
}

/** Ids of every conversation the user is in. */
export async function listConversationIds(d1: D1Database, userId: string): Promise<string[]> {
  const rows = await drizzle(d1)
    .select({ conversationId: members.conversationId })
    .from(members)
    .where(eq(members.userId, userId));
  return rows.map((r) => r.conversationId);
}

/**
 * One DM per pair, race-safe in one batch: the insert is a no-op when the
 * pair's row exists, and the read-back returns whichever row holds the
 * dm_key (so concurrent creators agree). Members are the object's to write.
 */
export async function ensureDm(
  d1: D1Database,
  me: string,
  other: string,
  newId: string,
  now: number,
): Promise<{ conversation: ConversationRow; created: boolean }> {
  const db = drizzle(d1);
  const key = dmKey(me, other);
  const [, rows] = await db.batch([
    db
      .insert(conversations)
      .values({ id: newId, kind: "dm", title: null, dmKey: key, createdBy: me, createdAt: now, updatedAt: now })
      .onConflictDoNothing(),
    db.select(conversationColumns).from(conversations).where(eq(conversations.dmKey, key)),
  ]);
  const row = rows[0];
  if (!row) throw new Error("dm row missing after insert");
  return { conversation: row, created: row.id === newId };
}

/** The DM of a pair, if they have one. */
export async function getDmId(d1: D1Database, a: string, b: string): Promise<string | null> {
  const row = await drizzle(d1)
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.dmKey, dmKey(a, b)))
    .get();
  return row?.id ?? null;
}

/** The group's row; its members are the object's to write (init, then its outbox). */
export async function insertGroup(d1: D1Database, group: ConversationRow): Promise<void> {
  await drizzle(d1)
    .insert(conversations)
    .values({ ...group, kind: "group", dmKey: null });
}

export interface ListedConversation extends ConversationRow {
  role: Role;
  memberCount: number;
  peer?: User;
}

/** The user's conversations with member counts and, for DMs, the other user. */
export async function listForUser(d1: D1Database, userId: string): Promise<ListedConversation[]> {
  const db = drizzle(d1);
  const me = alias(members, "me");
  const [mine, peers] = await db.batch([
    db
      .select({
        ...conversationColumns,
        role: me.role,
        // Written by the object with each index version: one row, not a count of member rows.
        memberCount: conversations.memberCount,
      })
      .from(me)
      .innerJoin(conversations, eq(conversations.id, me.conversationId))
      .where(eq(me.userId, userId)),
    db
      .select({ conversationId: members.conversationId, ...userColumns })
      .from(me)
      .innerJoin(conversations, and(eq(conversations.id, me.conversationId), eq(conversations.kind, "dm")))
      .innerJoin(members, and(eq(members.conversationId, conversations.id), ne(members.userId, me.userId)))
      .innerJoin(users, eq(users.id, members.userId))
      .where(eq(me.userId, userId)),
  ]);
  const peerOf = new Map<string, User>();
  for (const p of peers) peerOf.set(p.conversationId, toUser(p));
  return mine.map((r) => {
    const peer = peerOf.get(r.id);
    return { ...r, ...(peer ? { peer } : {}) };
  });
}

/** Moves `updatedAt` forward to the newest event's time (never back: alarms may run late or twice). */
export async function touchConversation(d1: D1Database, conversationId: string, updatedAt: number): Promise<void> {
  await drizzle(d1)
    .update(conversations)
    .set({ updatedAt })
    .where(and(eq(conversations.id, conversationId), lt(conversations.updatedAt, updatedAt)));
}
