import { and, eq, isNull, ne } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { refreshTokens, sessions } from "../db/schema";
import type { Bindings } from "../http/env";
import { unauthorized } from "../http/errors";
import { newId, randomToken, sha256Hex } from "../ids";
import { Limits, type TokenPair } from "../protocol";
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

export type RevokeReason = "logout" | "refresh_reuse" | "password_change";

async function issue(env: Bindings, userId: string, sessionId: string) {
  const refreshToken = randomToken(REFRESH_TOKEN_BYTES);
  const pair: TokenPair = {
    accessToken: await signAccessToken(env, userId, sessionId),
    refreshToken,
    expiresIn: Limits.accessTokenTtlSeconds,
  };
  // Only the digest is stored: a copy of the table cannot be replayed.
  return { pair, tokenHash: await sha256Hex(refreshToken) };
}

export async function startSession(env: Bindings, userId: string, userAgent: string | null): Promise<TokenPair> {
  const db = drizzle(env.DB);
  const now = Date.now();
  const sessionId = newId("ses");
  const { pair, tokenHash } = await issue(env, userId, sessionId);
  await db.batch([
    db.insert(sessions).values({
      id: sessionId,
      userId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + SESSION_TTL_MS,
      userAgent: userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    }),
    db.insert(refreshTokens).values({ tokenHash, sessionId, createdAt: now }),
  ]);
  return pair;
}

/** Revokes a session unless already revoked (the first reason stays). */
export async function revokeSession(env: Bindings, userId: string, sessionId: string, reason: RevokeReason) {
  await drizzle(env.DB)
    .update(sessions)
    .set({ revokedAt: Date.now(), revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  await disconnectSessions(env, userId, { only: sessionId });
}

export async function revokeOtherSessions(env: Bindings, userId: string, keepSessionId: string, reason: RevokeReason) {
  await drizzle(env.DB)
    .update(sessions)
    .set({ revokedAt: Date.now(), revokedReason: reason })
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId), isNull(sessions.revokedAt)));
  await disconnectSessions(env, userId, { except: keepSessionId });
}

/**
 * Exchanges a refresh token for a new pair. A token that was already used
 * means two holders have it (the client and a thief, or a replay): the whole
 * session is revoked, as OAuth 2.0 Security BCP 4.14.2 recommends.
 */
export async function rotateRefreshToken(env: Bindings, presented: string): Promise<TokenPair> {
  const db = drizzle(env.DB);
  const tokenHash = await sha256Hex(presented);
  const [row] = await db
    .select({
      sessionId: refreshTokens.sessionId,
      rotatedAt: refreshTokens.rotatedAt,
      userId: sessions.userId,
      revokedAt: sessions.revokedAt,
      expiresAt: sessions.expiresAt,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .limit(1);
  if (!row) throw unauthorized("unknown refresh token");
  const now = Date.now();
  if (row.revokedAt !== null || row.expiresAt <= now) throw unauthorized("session revoked or expired");

  const reuse = async () => {
    await revokeSession(env, row.userId, row.sessionId, "refresh_reuse");
    return unauthorized("refresh token already used; session revoked");
  };
  if (row.rotatedAt !== null) throw await reuse();
  // The conditional update is the lock: of two concurrent refreshes with
  // one token exactly one changes the row; the other is treated as reuse.
  const claimed = await db
    .update(refreshTokens)
    .set({ rotatedAt: now })
    .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.rotatedAt)));
  if (claimed.meta.changes !== 1) throw await reuse();

  const { pair, tokenHash: nextHash } = await issue(env, row.userId, row.sessionId);
  await db.batch([
    db.insert(refreshTokens).values({ tokenHash: nextHash, sessionId: row.sessionId, createdAt: now }),
    db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, row.sessionId)),
  ]);
  return pair;
}
