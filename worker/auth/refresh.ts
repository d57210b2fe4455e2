import { getRefreshToken, rotateRefreshTokenRow } from "../db/sessions";
import type { Bindings } from "../http/env";
import { unauthorized } from "../http/errors";
import { sha256Hex, toBase64Url } from "../ids";
import type { TokenPair } from "../protocol";
import { issue, revokeSessions } from "./sessions";

const DEFAULT_REUSE_WINDOW_MS = 10_000;

/** REFRESH_REUSE_WINDOW_MS (wrangler.toml); a missing or junk value falls back to the default. */
export function reuseWindowMs(env: Bindings): number {
  const n = Number(env.REFRESH_REUSE_WINDOW_MS);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_REUSE_WINDOW_MS;
}

/**
 * The token that replaces `presented`: an HMAC of it under a server key,
 * so every refresh of one token (two tabs, a retry) yields the same
 * successor without storing it in the clear. Without the key it cannot
 * be guessed from `presented`.
 */
async function successorOf(env: Bindings, presented: string): Promise<string> {
  if (!env.JWT_SECRET) throw new Error("JWT_SECRET is not set");
  const raw = new TextEncoder().encode(`refresh-successor:${env.JWT_SECRET}`);
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(presented));
  return toBase64Url(new Uint8Array(mac));
}

/**
 * Exchanges a refresh token for a new pair. Refreshes of one token within
 * the reuse window (two tabs at once, a retry after a lost answer) all get
 * the same pair, as mainstream identity providers allow. Outside it, a
 * token that was already used means two holders have it (the client and a
 * thief): the whole session is revoked (OAuth 2.0 Security BCP 4.14.2).
 */
export async function rotateRefreshToken(env: Bindings, presented: string): Promise<TokenPair> {
  const tokenHash = await sha256Hex(presented);
  const row = await getRefreshToken(env.DB, tokenHash);
  if (!row) throw unauthorized("unknown refresh token");
  const now = Date.now();
  if (row.revokedAt !== null || row.expiresAt <= now) throw unauthorized("session revoked or expired");

  const successor = await successorOf(env, presented);
  let rotatedAt = row.rotatedAt;
  if (rotatedAt === null) {
    const { pair, tokenHash: nextHash } = await issue(env, row.userId, row.sessionId, successor, now);
    // One winner among concurrent refreshes; the losers read the winner's rotation time.
    if (await rotateRefreshTokenRow(env.DB, tokenHash, nextHash, row.sessionId, now)) return pair;
    rotatedAt = (await getRefreshToken(env.DB, tokenHash))?.rotatedAt ?? null;
  }
  if (rotatedAt !== null && now - rotatedAt <= reuseWindowMs(env)) {
    // The winner's pair again: same successor, and the access token signed as of the rotation.
    return (await issue(env, row.userId, row.sessionId, successor, rotatedAt)).pair;
  }
  await revokeSessions(env, row.userId, { only: row.sessionId }, "refresh_reuse");
  throw unauthorized("refresh token already used; session revoked");
}
