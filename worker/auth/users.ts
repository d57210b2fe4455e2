import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { users } from "../db/schema";
import type { Bindings } from "../http/env";
import { unauthorized } from "../http/errors";
import type { Me } from "../protocol";
import { toUser } from "../social/users";

export type UserRow = typeof users.$inferSelect;

export const toMe = (row: UserRow): Me => ({ ...toUser(row), createdAt: row.createdAt, totpEnabled: row.totpEnabled });

/** `name` must already be lower-cased (the body schema does it). */
export async function getUserByUsername(env: Bindings, name: string): Promise<UserRow | null> {
  const [row] = await drizzle(env.DB).select().from(users).where(eq(users.username, name)).limit(1);
  return row ?? null;
}

/** The caller of an authenticated request; a live session whose user is gone is a stale token. */
export async function requireUser(env: Bindings, id: string): Promise<UserRow> {
  const [row] = await drizzle(env.DB).select().from(users).where(eq(users.id, id)).limit(1);
  if (!row) throw unauthorized("no such user");
  return row;
}
