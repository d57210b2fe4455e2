import { createMiddleware } from "hono/factory";
import * as v from "valibot";
import type { AppEnv } from "../http/env";
import { USERNAME_PATTERN } from "../protocol";
import { verifyDeviceToken } from "./device";
import { clientIp, enforceLimit } from "./ratelimit";

/** Only what the limits are keyed by; the route's own schema validates the body. */
const LoginKeys = v.object({
  username: v.pipe(v.string(), v.toLowerCase(), v.regex(USERNAME_PATTERN)),
  deviceToken: v.optional(v.pipe(v.string(), v.maxLength(4096))),
});

/**
 * Login budgets (docs/security.md "Login throttling"). A request with a
 * device token issued to this username counts only against that device's
 * budget, so no one else's attempts can keep a known device out. Any other
 * request counts against its IP, its (username, IP) pair and a higher
 * ceiling for the username across all IPs: a stranger exhausts their own
 * pair, and only a crowd of IPs reaches the ceiling. Runs before the body
 * is validated, so junk bodies still spend the IP's budget. Hono caches the
 * parsed body, so the validator after this reads it again for free.
 */
export const loginThrottle = createMiddleware<AppEnv>(async (c, next) => {
  const ip = clientIp(c.req.raw);
  const parsed = v.safeParse(LoginKeys, await c.req.json().catch(() => null));
  const keys = parsed.success ? parsed.output : null;
  const device = keys?.deviceToken ? await verifyDeviceToken(c.env, keys.deviceToken, keys.username) : null;
  if (device) {
    await enforceLimit(c.env.LOGIN_DEVICE_LIMIT, device.deviceId);
  } else {
    await enforceLimit(c.env.LOGIN_IP_LIMIT, ip);
    if (keys) {
      // A space is in neither a username nor an IP, so the pair key is unambiguous.
      await enforceLimit(c.env.LOGIN_USER_IP_LIMIT, `${keys.username} ${ip}`);
      await enforceLimit(c.env.LOGIN_USER_CEILING, keys.username);
    }
  }
  await next();
});
