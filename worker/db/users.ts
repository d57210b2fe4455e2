// Users: the one place a `users` row becomes the contract's `user` (id, names
// and avatar version; never the password hash or TOTP state) or the caller's own `me`.
import { and, asc, eq, gte, inArray, isNull, lt, ne, notExists, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Me, User } from "../protocol";
import { chunks, ID_CHUNK } from "./chunks";
import { blocks, users } from "./schema";

/** The whole row, credentials included: only auth code handles it. */
export type Account = typeof users.$inferSelect;

/** Select these columns to get rows `toUser` accepts. */
export const userColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  avatar: users.avatar,
} as const;

/** A row without `avatar` (a new account) has none. */
export function toUser(row: Pick<Account, "id" | "username" | "displayName"> & { avatar?: string | null }): User {
  const user: User = { id: row.id, username: row.username, displayName: row.displayName };
  if (row.avatar) user.avatar = row.avatar;
  return user;
}

export const toMe = (row: Account): Me => ({ ...toUser(row), createdAt: row.createdAt, totpEnabled: row.totpEnabled });

export async function getAccountById(d1: D1Database, id: string): Promise<Account | null> {
  return (await drizzle(d1).select().from(users).where(eq(users.id, id)).get()) ?? null;
}

/** `username` must already be lower-case (usernames are stored that way). */
export async function getAccountByUsername(d1: D1Database, username: string): Promise<Account | null> {
  return (await drizzle(d1).select().from(users).where(eq(users.username, username)).get()) ?? null;
}

/** False when the username is taken (the unique index decides races). */
export async function insertAccount(
  d1: D1Database,
  row: Pick<Account, "id" | "username" | "displayName" | "passwordHash" | "createdAt">,
): Promise<boolean> {
  const inserted = await drizzle(d1).insert(users).values(row).onConflictDoNothing({ target: users.username });
  return inserted.meta.changes === 1;
}

export async function setPasswordHash(d1: D1Database, userId: string, passwordHash: string): Promise<void> {
  await drizzle(d1).update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/** The updated account, or null when the user is gone. */
export async function setDisplayName(d1: D1Database, userId: string, displayName: string): Promise<Account | null> {
  const [row] = await drizzle(d1).update(users).set({ displayName }).where(eq(users.id, userId)).returning();
  return row ?? null;
}

/**
 * Sets the avatar version to `next` only if it is still `expected`: of two
 * concurrent changes one wins, and the loser learns it (false) and can
 * delete the bytes it stored, so R2 never keeps a picture no row names.
 */
export async function swapAvatar(
  d1: D1Database,
  userId: string,
  expected: string | null,
  next: string | null,
): Promise<boolean> {
  const current = expected === null ? isNull(users.avatar) : eq(users.avatar, expected);
  const swapped = await drizzle(d1)
    .update(users)
    .set({ avatar: next })
    .where(and(eq(users.id, userId), current));
  return swapped.meta.changes === 1;
}

/** Written by the user's inbox when they go offline; friends see it while the inbox cannot answer. */
export async function setLastSeen(d1: D1Database, userId: string, lastSeenAt: number | null): Promise<void> {
  await drizzle(d1).update(users).set({ lastSeenAt }).where(eq(users.id, userId));
}

export async function getUserById(d1: D1Database, id: string): Promise<User | null> {
  const row = await drizzle(d1).select(userColumns).from(users).where(eq(users.id, id)).get();
  return row ? toUser(row) : null;
}

/** `username` must already be lower-case (usernames are stored that way). */
export async function getUserByUsername(d1: D1Database, username: string): Promise<User | null> {
  const row = await drizzle(d1).select(userColumns).from(users).where(eq(users.username, username)).get();
  return row ? toUser(row) : null;
}

/** The users among `ids` that exist, keyed by id (missing ids are simply absent). */
export async function getUsersByIds(d1: D1Database, ids: Iterable<string>): Promise<Map<string, User>> {
  const out = new Map<string, User>();
  const db = drizzle(d1);
  for (const part of chunks([...new Set(ids)], ID_CHUNK)) {
    const rows = await db.select(userColumns).from(users).where(inArray(users.id, part));
    for (const row of rows) out.set(row.id, toUser(row));
  }
  return out;
}

/**
 * Prefix search as a range on the unique username index: `prefix` is
 * compared, never pattern-matched, so `%` and `_` in it are plain characters.
 * Usernames are ASCII, so every match sorts below `prefix` + U+FFFF. The
 * viewer themself and users who blocked them are left out; with
 * `hideBlockedByViewer` (global search suggests people to talk to) also
 * those the viewer blocked.
 */
export async function searchUsers(
  d1: D1Database,
  viewerId: string,
  prefix: string,
  limit: number,
  hideBlockedByViewer = false,
): Promise<User[]> {
  const db = drizzle(d1);
  const theirs = and(eq(blocks.blockerId, users.id), eq(blocks.blockedId, viewerId));
  const mine = and(eq(blocks.blockerId, viewerId), eq(blocks.blockedId, users.id));
  const rows = await db
    .select(userColumns)
    .from(users)
    .where(
      and(
        gte(users.username, prefix),
        lt(users.username, `${prefix}\uffff`),
        ne(users.id, viewerId),
        notExists(
          db
            .select({ one: blocks.blockerId })
            .from(blocks)
            .where(hideBlockedByViewer ? or(theirs, mine) : theirs),
        ),
      ),
    )
    .orderBy(asc(users.username))
    .limit(limit);
  return rows.map(toUser);
}
