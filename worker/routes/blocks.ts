import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { block, listBlocked, unblock } from "../db/blocks";
import { getDmId } from "../db/conversations";
import { getUserById } from "../db/users";
import { conversationStub } from "../do/stubs";
import type { AppEnv, Bindings } from "../http/env";
import { invalidRequest, notFound, refusalError } from "../http/errors";
import { valid } from "../http/validate";
import { ErrorCode } from "../protocol";
import { onSocialChange } from "../social/notify";
import { UserIdParam } from "../social/schemas";

export const blocks = new Hono<AppEnv>();

blocks.use("*", requireAuth);

blocks.get("/", async (c) => c.json({ users: await listBlocked(c.env.DB, c.get("auth").userId) }));

async function requireOtherUser(d1: D1Database, me: string, userId: string): Promise<void> {
  if (userId === me) throw invalidRequest("userId is your own id", [{ field: "userId", message: "is you" }]);
  if (!(await getUserById(d1, userId))) throw notFound("no such user");
}

/**
 * Tells the pair's DM, if they have one, durably and before the route
 * answers: the DM enforces the block from its own state (issue 14). A
 * failure fails the request; repeating it (idempotent) converges.
 */
async function tellDm(env: Bindings, me: string, other: string, on: boolean): Promise<void> {
  const dm = await getDmId(env.DB, me, other);
  if (dm === null) return;
  const result = await conversationStub(env, dm).setBlock(me, other, on);
  // not_found: the DM's row exists but its log was never created; nothing there to hold.
  if (!result.ok && result.code !== ErrorCode.notFound) throw refusalError(result);
}

// Idempotent; ends the friendship and every pending request both ways.
blocks.put("/:userId", valid("param", UserIdParam), async (c) => {
  const me = c.get("auth").userId;
  const { userId } = c.req.valid("param");
  await requireOtherUser(c.env.DB, me, userId);
  const ended = await block(c.env.DB, me, userId, Date.now());
  await tellDm(c.env, me, userId, true);
  if (ended) await onSocialChange(c.env, { type: "friend_removed", userIds: [me, userId] });
  return c.body(null, 204);
});

// Idempotent: unblocking someone who is not blocked is not an error.
blocks.delete("/:userId", valid("param", UserIdParam), async (c) => {
  const me = c.get("auth").userId;
  const { userId } = c.req.valid("param");
  await requireOtherUser(c.env.DB, me, userId);
  await unblock(c.env.DB, me, userId);
  await tellDm(c.env, me, userId, false);
  return c.body(null, 204);
});
