// Who is signed in. The access token lives only in memory (a page reload
// gets a new one from the refresh token); the refresh token is kept in
// localStorage so a reload or a new tab stays signed in.
import type { TokenPair } from "../../../worker/protocol";

const REFRESH_KEY = "imsys.refreshToken";
/**
 * Proof that this browser signed in before: logins that send it have their
 * own budget, so strangers guessing the password cannot lock this device
 * out. It grants no access, so it stays after sign-out (that is when the
 * next login needs it).
 */
const DEVICE_KEY = "imsys.deviceToken";

let accessToken: string | null = null;
let accessExpiresAt = 0;
const endListeners = new Set<() => void>();

export function getAccessToken(): string | null {
  return accessToken;
}

/** True when the access token is missing or expires within `marginMs`. */
export function accessTokenStale(marginMs = 30_000): boolean {
  return accessToken === null || Date.now() + marginMs >= accessExpiresAt;
}

export function getRefreshToken(): string | null {
  return localStorage.getItem(REFRESH_KEY);
}

export function getDeviceToken(): string | null {
  return localStorage.getItem(DEVICE_KEY);
}

export function storeDeviceToken(token: string): void {
  localStorage.setItem(DEVICE_KEY, token);
}

export function hasSession(): boolean {
  return getRefreshToken() !== null;
}

export function storeTokens(pair: TokenPair): void {
  accessToken = pair.accessToken;
  accessExpiresAt = Date.now() + pair.expiresIn * 1000;
  localStorage.setItem(REFRESH_KEY, pair.refreshToken);
}

/** Forgets every token and tells the app to show the login page. */
export function endSession(): void {
  accessToken = null;
  accessExpiresAt = 0;
  localStorage.removeItem(REFRESH_KEY);
  for (const listener of endListeners) listener();
}

export function onSessionEnd(listener: () => void): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}
