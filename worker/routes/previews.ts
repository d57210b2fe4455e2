import { Hono } from "hono";
import * as v from "valibot";
import { requireAuth } from "../auth/middleware";
import { limitByUser } from "../auth/ratelimit";
import type { AppEnv } from "../http/env";
import { valid } from "../http/validate";
import { previewAnswer, requirePreviewUrl } from "../previews/preview";

export const previews = new Hono<AppEnv>();

previews.use("*", requireAuth, limitByUser("PREVIEW_USER_LIMIT"));

const PreviewQuery = v.object({ url: v.pipe(v.string(), v.nonEmpty("is required")) });

previews.get("/", valid("query", PreviewQuery), async (c) => {
  const allowInsecure = c.env.PREVIEW_ALLOW_INSECURE === "true";
  const url = requirePreviewUrl(c.req.valid("query").url, allowInsecure);
  return previewAnswer(new URL(c.req.url).origin, url, allowInsecure);
});
