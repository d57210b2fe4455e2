import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/env";
import { rateLimited } from "../http/errors";

/**
 * Every limit in wrangler.toml uses a 60 s period. The binding does not say
 * when its window resets, so a full period is the honest Retry-After.
 */
const PERIOD_SECONDS = 60;

type IpLimit = "LOGIN_IP_LIMIT" | "REGISTER_IP_LIMIT";
type UserLimit =
  | "FRIEND_REQUEST_USER_LIMIT"
  | "UPLOAD_USER_LIMIT"
  | "ACCOUNT_USER_LIMIT"
  | "SOCKET_USER_LIMIT"
  | "PREVIEW_USER_LIMIT"
  | "PROFILE_USER_LIMIT"
  | "SEARCH_USER_LIMIT";

/** Set by Cloudflare's edge; absent only in local development. */
export function clientIp(req: Request): string {
  return req.headers.get("CF-Connecting-IP") ?? "unknown";
}

export async function enforceLimit(limiter: RateLimit, key: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) throw rateLimited(PERIOD_SECONDS);
}

/** Counts every request from an IP, valid or not, before the body is read. */
export const limitByIp = (name: IpLimit) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await enforceLimit(c.env[name], clientIp(c.req.raw));
    await next();
  });

/** Counts an authenticated user's requests; mount after `requireAuth`. */
export const limitByUser = (name: UserLimit) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await enforceLimit(c.env[name], c.get("auth").userId);
    await next();
  });
