// Sign-in, sign-up and sign-out against /api/auth (docs/protocol.md "Auth").
import type { Me, User } from "../../../worker/protocol";
import { clearAll, loadMe as loadCachedMe, saveMe } from "../store/db";
import { AuthResultSchema, MeSchema } from "../wire/rest";
import { api, apiVoid } from "./client";
import { ApiFailure } from "./failure";
import { refreshSession } from "./refresh";
import { endSession, getDeviceToken, getRefreshToken, storeDeviceToken, storeTokens } from "./session";

export interface Credentials {
  username: string;
  password: string;
  otp?: string;
  displayName?: string;
}

export async function register(c: Credentials): Promise<User> {
  const body = { username: c.username, password: c.password, ...(c.displayName ? { displayName: c.displayName } : {}) };
  const result = await api("/api/auth/register", AuthResultSchema, { body, auth: false });
  storeTokens(result);
  storeDeviceToken(result.deviceToken);
  void loadMe().catch(() => undefined);
  return result.user;
}

export async function login(c: Credentials): Promise<User> {
  const deviceToken = getDeviceToken();
  const body = {
    username: c.username,
    password: c.password,
    ...(c.otp ? { otp: c.otp } : {}),
    ...(deviceToken ? { deviceToken } : {}),
  };
  const result = await api("/api/auth/login", AuthResultSchema, { body, auth: false });
  storeTokens(result);
  storeDeviceToken(result.deviceToken);
  void loadMe().catch(() => undefined);
  return result.user;
}

export async function loadMe(): Promise<Me> {
  const me = await api("/api/me", MeSchema);
  void saveMe(me);
  return me;
}

/** Restores a session from the stored refresh token; null when there is none. */
/**
 * Restores a session from the stored refresh token; null when there is none.
 * Offline, the last signed-in user comes from the cache so the app opens
 * anyway (its sockets and requests retry once the network is back).
 */
export async function resumeSession(): Promise<Me | null> {
  if (getRefreshToken() === null) return null;
  try {
    if (!(await refreshSession())) return null;
    return await loadMe();
  } catch (err) {
    const cached = err instanceof ApiFailure && err.code === "network" ? await loadCachedMe() : null;
    if (cached) return cached;
    throw err;
  }
}

export async function logout(): Promise<void> {
  try {
    await apiVoid("/api/auth/logout", { method: "POST" });
  } catch {
    // Signing out locally matters more than telling a server we cannot reach.
  } finally {
    endSession();
    await clearAll();
  }
}
