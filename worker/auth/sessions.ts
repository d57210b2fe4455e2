import { insertSession, type RevokeReason, revokeSessionRows } from "../db/sessions";
import type { Bindings } from "../http/env";
import { newId, randomToken, sha256Hex } from "../ids";
import { Limits, type TokenPair } from "../protocol";
import type { SessionScope } from "../shared/scope";
import { disconnectSessions } from "./disconnect";
import { signAccessToken } from "./tokens";

/**
 * A session lives 30 days from login, fixed: refreshing does not extend it,
 * so a stolen refresh token is worth at most that long. Its refresh tokens
 * expire with it.
 */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const REFRESH_TOKEN_BYTES = 32;
const USER_AGENT_MAX = 256;

export type { RevokeReason } from "../db/sessions";

/** A pair around `refreshToken`; only its digest is stored, so a copy of the table cannot be replayed. */
export async function issue(
  env: Bindings,
  userId: string,
  sessionId: string,
  refreshToken: string,
  issuedAtMs: number,
) {
  const pair: TokenPair = {
    accessToken: await signAccessToken(env, userId, sessionId, issuedAtMs),
    refreshToken,
    expiresIn: Limits.accessTokenTtlSeconds,
  };
  return { pair, tokenHash: await sha256Hex(refreshToken) };
}

export async function startSession(env: Bindings, userId: string, userAgent: string | null): Promise<TokenPair> {
  const now = Date.now();
  const sessionId = newId("ses");
  const { pair, tokenHash } = await issue(env, userId, sessionId, randomToken(REFRESH_TOKEN_BYTES), now);
  await insertSession(env.DB, {
    id: sessionId,
    userId,
    now,
    expiresAt: now + SESSION_TTL_MS,
    userAgent: userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    tokenHash,
  });
  return pair;
}

/**
 * Ends the user's sessions in `scope` (logout: `{only: sid}`; password
 * change: `{except: sid}`) in D1, then closes their sockets.
 */
export async function revokeSessions(env: Bindings, userId: string, scope: SessionScope, reason: RevokeReason) {
  await revokeSessionRows(env.DB, userId, scope, reason, Date.now());
  await disconnectSessions(env, userId, scope);
}
