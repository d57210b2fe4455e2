import { and, asc, eq, gte, lt, ne, notExists } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { blocks, users as usersTable } from "../db/schema";
import type { AppEnv } from "../http/env";
import { valid } from "../http/validate";
import { Limits } from "../protocol";
import { SearchQuery } from "../social/schemas";
import { toUser, userColumns } from "../social/users";

export const users = new Hono<AppEnv>();

users.use("*", requireAuth);

// Prefix search as a range on the unique username index: `q` is compared, never
// pattern-matched, so `%` and `_` in it are plain characters. Usernames are
// ASCII, so every match sorts below `q` + U+FFFF.
users.get("/", valid("query", SearchQuery), async (c) => {
  const me = c.get("auth").userId;
  const q = c.req.valid("query").q.toLowerCase();
  const db = drizzle(c.env.DB);
  const rows = await db
    .select(userColumns)
    .from(usersTable)
    .where(
      and(
        gte(usersTable.username, q),
        lt(usersTable.username, `${q}\uffff`),
        ne(usersTable.id, me),
        notExists(
          db
            .select({ one: blocks.blockerId })
            .from(blocks)
            .where(and(eq(blocks.blockerId, usersTable.id), eq(blocks.blockedId, me))),
        ),
      ),
    )
    .orderBy(asc(usersTable.username))
    .limit(Limits.userSearchMax);
  return c.json({ users: rows.map(toUser) });
});
