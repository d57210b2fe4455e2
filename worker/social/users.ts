// The one place a `users` row becomes the contract's `user` object, so every
// route answers the same three fields (never the password hash or TOTP state).
import { eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { users } from "../db/schema";
import type { User } from "../protocol";

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
}

/** Select these columns (drizzle) to get rows `toUser` accepts. */
export const userColumns = { id: users.id, username: users.username, displayName: users.displayName } as const;

export function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, displayName: row.displayName };
}

// D1 binds at most 100 parameters per statement.
const ID_CHUNK = 90;

/** The users among `ids` that exist, keyed by id (missing ids are simply absent). */
export async function getUsersByIds(d1: D1Database, ids: Iterable<string>): Promise<Map<string, User>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, User>();
  const db = drizzle(d1);
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    const rows = await db
      .select(userColumns)
      .from(users)
      .where(inArray(users.id, unique.slice(i, i + ID_CHUNK)));
    for (const row of rows) out.set(row.id, toUser(row));
  }
  return out;
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
