import { Hono } from "hono";
import { requireCredentials, requirePassword } from "../auth/credentials";
import { signDeviceToken, verifyDeviceToken } from "../auth/device";
import { loginThrottle } from "../auth/login-throttle";
import { requireAuth } from "../auth/middleware";
import { hashPassword } from "../auth/password";
import { limitByIp, limitByUser } from "../auth/ratelimit";
import { rotateRefreshToken } from "../auth/refresh";
import {
  loginBody,
  passwordChangeBody,
  refreshBody,
  registerBody,
  totpDisableBody,
  totpEnableBody,
} from "../auth/schemas";
import { disableTotp, enableTotp, requireSecondFactor, setupTotp } from "../auth/second-factor";
import { revokeSessions, startSession } from "../auth/sessions";
import { requireUser } from "../auth/users";
import { getAccountByUsername, insertAccount, setPasswordHash, toUser } from "../db/users";
import type { AppEnv } from "../http/env";
import { conflict } from "../http/errors";
import { valid } from "../http/validate";
import { newId } from "../ids";
import type { AuthResult, TokenPair } from "../protocol";

export const auth = new Hono<AppEnv>();

const userAgent = (req: Request) => req.headers.get("User-Agent");

auth.post("/register", limitByIp("REGISTER_IP_LIMIT"), valid("json", registerBody), async (c) => {
  const body = c.req.valid("json");
  // The early check spares a PBKDF2 run; the unique index decides races.
  if (await getAccountByUsername(c.env.DB, body.username)) throw conflict("username is taken");
  const row = {
    id: newId("usr"),
    username: body.username,
    displayName: body.displayName ?? body.username,
    passwordHash: await hashPassword(body.password),
    createdAt: Date.now(),
  };
  if (!(await insertAccount(c.env.DB, row))) throw conflict("username is taken");
  const tokens = await startSession(c.env, row.id, userAgent(c.req.raw));
  const deviceToken = await signDeviceToken(c.env, row);
  return c.json({ user: toUser(row), ...tokens, deviceToken } satisfies AuthResult, 201);
});

auth.post("/login", loginThrottle, valid("json", loginBody), async (c) => {
  const { username, password, otp, deviceToken } = c.req.valid("json");
  const user = await requireCredentials(c.env, username, password);
  await requireSecondFactor(c.env, user, otp);
  const tokens = await startSession(c.env, user.id, userAgent(c.req.raw));
  // A device that was already this user's keeps its id (and so its budget).
  const known = deviceToken ? await verifyDeviceToken(c.env, deviceToken, user.username) : null;
  const device = await signDeviceToken(c.env, user, known?.userId === user.id ? known.deviceId : undefined);
  return c.json({ user: toUser(user), ...tokens, deviceToken: device } satisfies AuthResult);
});

auth.post("/refresh", valid("json", refreshBody), async (c) => {
  const tokens = await rotateRefreshToken(c.env, c.req.valid("json").refreshToken);
  return c.json(tokens satisfies TokenPair);
});

auth.post("/logout", requireAuth, async (c) => {
  const { userId, sessionId } = c.get("auth");
  await revokeSessions(c.env, userId, { only: sessionId }, "logout");
  return c.body(null, 204);
});

// Account changes share one per-user budget, counted before the body is
// read: a stolen access token gets a few password guesses a minute, no more.
const accountLimit = limitByUser("ACCOUNT_USER_LIMIT");

auth.post("/password", requireAuth, accountLimit, valid("json", passwordChangeBody), async (c) => {
  const { userId, sessionId } = c.get("auth");
  const body = c.req.valid("json");
  const user = await requireUser(c.env, userId);
  await requirePassword(user, body.currentPassword);
  await requireSecondFactor(c.env, user, body.otp);
  const passwordHash = await hashPassword(body.newPassword);
  await setPasswordHash(c.env.DB, userId, passwordHash);
  await revokeSessions(c.env, userId, { except: sessionId }, "password_change");
  return c.body(null, 204);
});

auth.post("/totp/setup", requireAuth, accountLimit, async (c) => {
  const user = await requireUser(c.env, c.get("auth").userId);
  return c.json(await setupTotp(c.env, user));
});

auth.post("/totp/enable", requireAuth, accountLimit, valid("json", totpEnableBody), async (c) => {
  const body = c.req.valid("json");
  const user = await requireUser(c.env, c.get("auth").userId);
  await requirePassword(user, body.password);
  await enableTotp(c.env, user, body.otp);
  return c.body(null, 204);
});

auth.post("/totp/disable", requireAuth, accountLimit, valid("json", totpDisableBody), async (c) => {
  const body = c.req.valid("json");
  const user = await requireUser(c.env, c.get("auth").userId);
  await requirePassword(user, body.password);
  await disableTotp(c.env, user, body.otp);
  return c.body(null, 204);
});
