import { Hono } from "hono";
import * as v from "valibot";
import { requireAuth } from "../auth/middleware";
import { searchUsers } from "../db/users";
import type { AppEnv } from "../http/env";
import { valid } from "../http/validate";
import { serveAvatar } from "../profile/avatars";
import { AVATAR_VERSION, Limits } from "../protocol";
import { SearchQuery } from "../social/schemas";

export const users = new Hono<AppEnv>();

users.use("*", requireAuth);

users.get("/", valid("query", SearchQuery), async (c) => {
  const q = c.req.valid("query").q.toLowerCase();
  return c.json({ users: await searchUsers(c.env.DB, c.get("auth").userId, q, Limits.userSearchMax) });
});

const AvatarParams = v.object({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a user id")),
  version: v.pipe(v.string(), v.regex(AVATAR_VERSION, "must be an avatar version")),
});

/** Any signed-in user may see anyone's avatar, as with display names (worker/profile/avatars.ts). */
users.get("/:id/avatar/:version", valid("param", AvatarParams), async (c) => {
  const { id, version } = c.req.valid("param");
  return serveAvatar(c.env, id, version);
});
