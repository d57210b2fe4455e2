import { createMiddleware } from "hono/factory";
import { getSessionState } from "../db/sessions";
import type { AppEnv, AuthInfo, Bindings } from "../http/env";
import { unauthorized } from "../http/errors";
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

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  c.set("auth", await authenticate(c.env, c.req.raw));
  await next();
});
