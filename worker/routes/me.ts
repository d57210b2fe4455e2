import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requireAuth } from "../auth/middleware";
import { limitByUser } from "../auth/ratelimit";
import { patchMeBody } from "../auth/schemas";
import { requireUser } from "../auth/users";
import { setDisplayName, toMe } from "../db/users";
import type { AppEnv } from "../http/env";
import { tooLarge, unauthorized } from "../http/errors";
import { valid } from "../http/validate";
import { removeAvatar, replaceAvatar } from "../profile/avatars";
import { AvatarLimits, type Me } from "../protocol";

export const me = new Hono<AppEnv>();

me.use("*", requireAuth);

// Every profile change shares one per-user budget, counted before the body is read.
const profileLimit = limitByUser("PROFILE_USER_LIMIT");

me.get("/", async (c) => c.json(toMe(await requireUser(c.env, c.get("auth").userId)) satisfies Me));

me.patch("/", profileLimit, valid("json", patchMeBody), async (c) => {
  const row = await setDisplayName(c.env.DB, c.get("auth").userId, c.req.valid("json").displayName);
  if (!row) throw unauthorized("no such user");
  return c.json(toMe(row) satisfies Me);
});

/** The raw picture (app.ts leaves this path out of the 64 KiB JSON limit: it has its own). */
const avatarBodyLimit = bodyLimit({
  maxSize: AvatarLimits.maxBytes,
  onError: () => {
    throw tooLarge(`avatar over ${AvatarLimits.maxBytes / 1024} KiB; send a ${AvatarLimits.clientSide} px square`);
  },
});

me.put("/avatar", profileLimit, avatarBodyLimit, async (c) => {
  const account = await requireUser(c.env, c.get("auth").userId);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  return c.json((await replaceAvatar(c.env, account, bytes)) satisfies Me);
});

me.delete("/avatar", profileLimit, async (c) => {
  const account = await requireUser(c.env, c.get("auth").userId);
  return c.json((await removeAvatar(c.env, account)) satisfies Me);
});
