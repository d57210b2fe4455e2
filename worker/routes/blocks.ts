import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { blocks as blocksTable, users } from "../db/schema";
import type { AppEnv } from "../http/env";
import { invalidRequest, notFound } from "../http/errors";
import { valid } from "../http/validate";
import { onSocialChange } from "../social/notify";
import { block, unblock } from "../social/relations";
import { UserIdParam } from "../social/schemas";
import { getUserById, toUser, userColumns } from "../social/users";

export const blocks = new Hono<AppEnv>();

blocks.use("*", requireAuth);

blocks.get("/", async (c) => {
  const rows = await drizzle(c.env.DB)
    .select(userColumns)
    .from(blocksTable)
    .innerJoin(users, eq(users.id, blocksTable.blockedId))
    .where(eq(blocksTable.blockerId, c.get("auth").userId))
    .orderBy(desc(blocksTable.createdAt));
  return c.json({ users: rows.map(toUser) });
});

async function requireOtherUser(d1: D1Database, me: string, userId: string): Promise<void> {
  if (userId === me) throw invalidRequest("userId is your own id", [{ field: "userId", message: "is you" }]);
  if (!(await getUserById(d1, userId))) throw notFound("no such user");
}

// Idempotent; ends the friendship and every pending request both ways.
blocks.put("/:userId", valid("param", UserIdParam), async (c) => {
  const me = c.get("auth").userId;
  const { userId } = c.req.valid("param");
  await requireOtherUser(c.env.DB, me, userId);
  if (await block(c.env.DB, me, userId, Date.now())) {
    await onSocialChange(c.env, { type: "friend_removed", userIds: [me, userId] });
  }
  return c.body(null, 204);
});

// Idempotent: unblocking someone who is not blocked is not an error.
blocks.delete("/:userId", valid("param", UserIdParam), async (c) => {
  const me = c.get("auth").userId;
  const { userId } = c.req.valid("param");
  await requireOtherUser(c.env.DB, me, userId);
  await unblock(c.env.DB, me, userId);
  return c.body(null, 204);
});
