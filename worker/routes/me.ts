import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { patchMeBody } from "../auth/schemas";
import { requireUser, toMe } from "../auth/users";
import { users } from "../db/schema";
import type { AppEnv } from "../http/env";
import { unauthorized } from "../http/errors";
import { valid } from "../http/validate";
import type { Me } from "../protocol";

export const me = new Hono<AppEnv>();

me.use("*", requireAuth);

me.get("/", async (c) => c.json(toMe(await requireUser(c.env, c.get("auth").userId)) satisfies Me));

me.patch("/", valid("json", patchMeBody), async (c) => {
  const [row] = await drizzle(c.env.DB)
    .update(users)
    .set({ displayName: c.req.valid("json").displayName })
    .where(eq(users.id, c.get("auth").userId))
    .returning();
  if (!row) throw unauthorized("no such user");
  return c.json(toMe(row) satisfies Me);
});
