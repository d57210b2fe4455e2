// Sign-in, sign-up and sign-out against /api/auth (docs/protocol.md "Auth").
import type { Me, User } from "../../../worker/protocol";
import { clearAll, loadMe as loadCachedMe, saveMe } from "../store/db";
import { createStore } from "../ui/store";
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

/** The signed-in user as last read: the shell shows it, and the profile page updates it after each change. */
export const currentMe = createStore<Me | null>(null);

/** Takes a `me` the server answered (GET or a change) as the current one, cached for offline starts. */
export function setMe(me: Me): Me {
  currentMe.set(me);
  void saveMe(me);
  return me;
}

export async function loadMe(): Promise<Me> {
  return setMe(await api("/api/me", MeSchema));
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
    if (cached) {
      currentMe.set(cached);
      return cached;
    }
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
    currentMe.set(null);
    await clearAll();
  }
}
