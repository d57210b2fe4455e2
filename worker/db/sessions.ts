// Sessions and their refresh tokens (stored only as SHA-256 digests).
import { and, eq, isNull, ne } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SessionScope } from "../shared/scope";
import { refreshTokens, sessions } from "./schema";

export type RevokeReason = "logout" | "refresh_reuse" | "password_change";

export interface NewSession {
  id: string;
  userId: string;
  now: number;
  expiresAt: number;
  userAgent: string | null;
  /** Digest of the session's first refresh token. */
  tokenHash: string;
}

/** The session and its first refresh token, together. */
export async function insertSession(d1: D1Database, s: NewSession): Promise<void> {
  const db = drizzle(d1);
  await db.batch([
    db.insert(sessions).values({
      id: s.id,
      userId: s.userId,
      createdAt: s.now,
      lastUsedAt: s.now,
      expiresAt: s.expiresAt,
      userAgent: s.userAgent,
    }),
    db.insert(refreshTokens).values({ tokenHash: s.tokenHash, sessionId: s.id, createdAt: s.now }),
  ]);
}

/** The session's revocation and expiry, if it is this user's; one primary-key lookup. */
export async function getSessionState(
  d1: D1Database,
  sessionId: string,
  userId: string,
): Promise<{ revokedAt: number | null; expiresAt: number } | null> {
  const row = await drizzle(d1)
    .select({ revokedAt: sessions.revokedAt, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .get();
  return row ?? null;
}

/**
 * Revokes the user's live sessions in `scope` (logout: `only` its own; a
 * password change: all `except` its own). One already revoked keeps its
 * first reason.
 */
export async function revokeSessionRows(
  d1: D1Database,
  userId: string,
  scope: SessionScope,
  reason: RevokeReason,
  now: number,
): Promise<void> {
  const which = "only" in scope ? eq(sessions.id, scope.only) : ne(sessions.id, scope.except);
  await drizzle(d1)
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.userId, userId), which, isNull(sessions.revokedAt)));
}

/** A refresh token (by digest) with its session's state; null for an unknown token. */
export async function getRefreshToken(d1: D1Database, tokenHash: string) {
  const row = await drizzle(d1)
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
    .get();
  return row ?? null;
}

/**
 * Marks `tokenHash` used and stores its successor, in one batch. The
 * conditional update picks one winner among concurrent refreshes; the
 * successor insert is the same for all of them, so a loser's is a no-op.
 * True for the winner.
 */
export async function rotateRefreshTokenRow(
  d1: D1Database,
  tokenHash: string,
  nextHash: string,
  sessionId: string,
  now: number,
): Promise<boolean> {
  const db = drizzle(d1);
  const [claimed] = await db.batch([
    db
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.rotatedAt))),
    db.insert(refreshTokens).values({ tokenHash: nextHash, sessionId, createdAt: now }).onConflictDoNothing(),
    db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, sessionId)),
  ]);
  return claimed.meta.changes === 1;
}
