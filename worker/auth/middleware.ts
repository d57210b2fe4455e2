import { createMiddleware } from "hono/factory";
import { getSessionState } from "../db/sessions";
import type { AppEnv, AuthInfo, Bindings } from "../http/env";
import { unauthorized } from "../http/errors";
import { enforceLimit } from "./ratelimit";
import { tokenFromRequest, verifyAccessToken } from "./tokens";

/**
 * Verifies the access token and that its session is still live. The session
 * read is one primary-key lookup; it is what makes logout and password
 * change take effect before the 15-minute token expiry.
 */
export async function authenticate(env: Bindings, req: Request): Promise<AuthInfo> {
  const token = tokenFromRequest(req);
  if (!token) throw unauthorized("missing access token");
  const auth = await verifyAccessToken(env, token);
  if (!auth) throw unauthorized("invalid or expired access token");
  const session = await getSessionState(env.DB, auth.sessionId, auth.userId);
  if (!session || session.revokedAt !== null || session.expiresAt <= Date.now()) {
    throw unauthorized("session revoked or expired");
  }
  return auth;
}

/**
 * Every authenticated request also counts against the user's general API
 * budget (`API_USER_LIMIT`), so no request type is unbounded: routes with a
 * tighter budget of their own (uploads, previews, sockets...) add it on top.
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const auth = await authenticate(c.env, c.req.raw);
  await enforceLimit(c.env.API_USER_LIMIT, auth.userId);
  c.set("auth", auth);
  await next();
});
