import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { searchUsers } from "../db/users";
import type { AppEnv } from "../http/env";
import { valid } from "../http/validate";
import { Limits } from "../protocol";
import { SearchQuery } from "../social/schemas";

export const users = new Hono<AppEnv>();

users.use("*", requireAuth);

users.get("/", valid("query", SearchQuery), async (c) => {
  const q = c.req.valid("query").q.toLowerCase();
  return c.json({ users: await searchUsers(c.env.DB, c.get("auth").userId, q, Limits.userSearchMax) });
});
