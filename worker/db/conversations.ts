// The conversations index: which conversations exist and who is in them,
// for listing and for the REST checks that run before an object is reached.
// The objects stay the authority for membership; these rows are written in
// the same request, after the object accepted the change.
import { and, eq, lt, ne, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { alias } from "drizzle-orm/sqlite-core";
import { forbidden, notFound } from "../http/errors";
import { CONVERSATION_ID } from "../ids";
import type { ConversationKind, Member, Role, User } from "../protocol";
import { chunks } from "./chunks";
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

/** 4 parameters a member row: 24 rows stay under D1's 100-parameter cap. */
const MEMBER_ROWS_PER_INSERT = 24;

/** The `conversations.dm_key` of a pair: both ids sorted and joined with ':'. */
export function dmKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** The conversation and the caller's role in it (null role: not a member); null when there is no such conversation. */
export async function getConversationForUser(
  d1: D1Database,
  id: string,
  userId: string,
): Promise<{ conversation: ConversationRow; role: Role | null } | null> {
  const row = await drizzle(d1)
    .select({ ...conversationColumns, role: members.role })
    .from(conversations)
    .leftJoin(members, and(eq(members.conversationId, conversations.id), eq(members.userId, userId)))
    .where(eq(conversations.id, id))
    .get();
  if (!row) return null;
  const { role, ...conversation } = row;
  return { conversation, role };
}

/**
 * The one member check of the REST routes (conversations and files): 404
 * for an id that is malformed or unknown, 403 for a conversation the caller
 * is not in.
 */
export async function requireMember(
  d1: D1Database,
  conversationId: string,
  userId: string,
): Promise<{ conversation: ConversationRow; role: Role }> {
  if (!CONVERSATION_ID.test(conversationId)) throw notFound("no such conversation");
  const found = await getConversationForUser(d1, conversationId, userId);
  if (!found) throw notFound("no such conversation");
  if (!found.role) throw forbidden("not a member of this conversation");
  return { conversation: found.conversation, role: found.role };
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
 * pair's row exists, the members attach to whichever row holds the dm_key,
 * and the read-back returns that row (so concurrent creators agree).
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
  const addMember = (userId: string) =>
    db
      .insert(members)
      .select(
        db
          .select({
            conversationId: conversations.id,
            userId: sql<string>`${userId}`.as("user_id"),
            role: sql<Role>`'member'`.as("role"),
            joinedAt: conversations.createdAt,
          })
          .from(conversations)
          .where(eq(conversations.dmKey, key)),
      )
      .onConflictDoNothing();
  const [, , , rows] = await db.batch([
    db
      .insert(conversations)
      .values({ id: newId, kind: "dm", title: null, dmKey: key, createdBy: me, createdAt: now, updatedAt: now })
      .onConflictDoNothing(),
    addMember(me),
    addMember(other),
    db.select(conversationColumns).from(conversations).where(eq(conversations.dmKey, key)),
  ]);
  const row = rows[0];
  if (!row) throw new Error("dm row missing after insert");
  return { conversation: row, created: row.id === newId };
}

export async function insertGroup(
  d1: D1Database,
  group: ConversationRow,
  memberRoles: readonly { userId: string; role: Role }[],
): Promise<void> {
  const db = drizzle(d1);
  const [first, ...rest] = chunks(memberRoles, MEMBER_ROWS_PER_INSERT).map((part) =>
    db
      .insert(members)
      .values(
        part.map((m) => ({ conversationId: group.id, userId: m.userId, role: m.role, joinedAt: group.createdAt })),
      ),
  );
  const insertConversation = db.insert(conversations).values({ ...group, kind: "group", dmKey: null });
  await db.batch(first ? [insertConversation, first, ...rest] : [insertConversation]);
}

export async function listMembers(d1: D1Database, conversationId: string): Promise<Member[]> {
  const rows = await drizzle(d1)
    .select({ ...userColumns, role: members.role, joinedAt: members.joinedAt })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(eq(members.conversationId, conversationId))
    .orderBy(members.joinedAt, users.id);
  return rows.map((r) => ({ user: toUser(r), role: r.role, joinedAt: r.joinedAt }));
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
        memberCount: db.$count(members, eq(members.conversationId, conversations.id)),
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

/** Mirrors a change the object already accepted into the D1 index. */
export async function addMemberRows(
  d1: D1Database,
  conversationId: string,
  userIds: readonly string[],
  now: number,
): Promise<void> {
  const db = drizzle(d1);
  const [first, ...rest] = chunks(userIds, MEMBER_ROWS_PER_INSERT).map((part) =>
    db
      .insert(members)
      .values(part.map((userId) => ({ conversationId, userId, role: "member" as const, joinedAt: now })))
      .onConflictDoNothing(),
  );
  if (first) await db.batch([first, ...rest]);
}

export async function removeMemberRow(d1: D1Database, conversationId: string, userId: string): Promise<void> {
  await drizzle(d1)
    .delete(members)
    .where(and(eq(members.conversationId, conversationId), eq(members.userId, userId)));
}

export async function setMemberRole(d1: D1Database, conversationId: string, userId: string, role: Role): Promise<void> {
  await drizzle(d1)
    .update(members)
    .set({ role })
    .where(and(eq(members.conversationId, conversationId), eq(members.userId, userId)));
}

export async function setTitle(d1: D1Database, conversationId: string, title: string): Promise<void> {
  await drizzle(d1).update(conversations).set({ title }).where(eq(conversations.id, conversationId));
}

/** Moves `updatedAt` forward to the newest event's time (never back: alarms may run late or twice). */
export async function touchConversation(d1: D1Database, conversationId: string, updatedAt: number): Promise<void> {
  await drizzle(d1)
    .update(conversations)
    .set({ updatedAt })
    .where(and(eq(conversations.id, conversationId), lt(conversations.updatedAt, updatedAt)));
}
