import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { deleteSubscription, saveSubscription } from "../db/push";
import { inboxStub } from "../do/stubs";
import type { AppEnv } from "../http/env";
import { valid } from "../http/validate";
import { requirePushEndpoint, requireUsableKey, SubscribeBody, UnsubscribeBody } from "../push/schemas";

export const push = new Hono<AppEnv>();

push.use("*", requireAuth);

push.get("/key", (c) => {
  if (!c.env.VAPID_PUBLIC_KEY) throw new Error("VAPID_PUBLIC_KEY is not set");
  return c.json({ publicKey: c.env.VAPID_PUBLIC_KEY });
});

push.post("/subscriptions", valid("json", SubscribeBody), async (c) => {
  const { endpoint, keys } = c.req.valid("json");
  requirePushEndpoint(endpoint, c.env.PUSH_ALLOW_INSECURE_ENDPOINTS === "true");
  await requireUsableKey(keys.p256dh);
  const { userId } = c.get("auth");
  const { previousOwner } = await saveSubscription(c.env.DB, userId, { endpoint, ...keys }, Date.now());
  // The inbox caches whether its user has subscriptions, so a message costs no D1 read.
  await inboxStub(c.env, userId).pushSubscriptionsChanged(userId);
  if (previousOwner) await inboxStub(c.env, previousOwner).pushSubscriptionsChanged(previousOwner);
  return c.body(null, 201);
});

// Idempotent, and silent about endpoints that belong to someone else.
push.delete("/subscriptions", valid("json", UnsubscribeBody), async (c) => {
  const { userId } = c.get("auth");
  await deleteSubscription(c.env.DB, userId, c.req.valid("json").endpoint);
  await inboxStub(c.env, userId).pushSubscriptionsChanged(userId);
  return c.body(null, 204);
});
