import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { limitByUser } from "../auth/ratelimit";
import { inboxStub } from "../do/stubs";
import { forwardUpgrade, requireUpgrade } from "../do/upgrade";
import type { AppEnv } from "../http/env";

export const inbox = new Hono<AppEnv>();
inbox.use("*", requireAuth);

/** The user's inbox socket: the Worker decides which object (the caller's own), never the client. */
inbox.get("/ws", limitByUser("SOCKET_USER_LIMIT"), async (c) => {
  const auth = c.get("auth");
  requireUpgrade(c.env, c.req.raw);
  return forwardUpgrade(c.req.raw, auth, inboxStub(c.env, auth.userId));
});
