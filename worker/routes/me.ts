import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { patchMeBody } from "../auth/schemas";
import { requireUser } from "../auth/users";
import { setDisplayName, toMe } from "../db/users";
import type { AppEnv } from "../http/env";
import { unauthorized } from "../http/errors";
import { valid } from "../http/validate";
import type { Me } from "../protocol";

export const me = new Hono<AppEnv>();

me.use("*", requireAuth);

me.get("/", async (c) => c.json(toMe(await requireUser(c.env, c.get("auth").userId)) satisfies Me));

me.patch("/", valid("json", patchMeBody), async (c) => {
  const row = await setDisplayName(c.env.DB, c.get("auth").userId, c.req.valid("json").displayName);
  if (!row) throw unauthorized("no such user");
  return c.json(toMe(row) satisfies Me);
});
