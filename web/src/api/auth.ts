// Sign-in, sign-up and sign-out against /api/auth (PROTOCOL.md "Auth").
import type { Me, User } from "../../../worker/protocol";
import { AuthResultSchema, MeSchema } from "../wire/rest";
import { api, apiVoid } from "./client";
import { refreshSession } from "./refresh";
import { endSession, getRefreshToken, storeTokens } from "./session";

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
  return result.user;
}

export async function login(c: Credentials): Promise<User> {
  const body = { username: c.username, password: c.password, ...(c.otp ? { otp: c.otp } : {}) };
  const result = await api("/api/auth/login", AuthResultSchema, { body, auth: false });
  storeTokens(result);
  return result.user;
}

export function loadMe(): Promise<Me> {
  return api("/api/me", MeSchema);
}

/** Restores a session from the stored refresh token; null when there is none. */
export async function resumeSession(): Promise<Me | null> {
  if (getRefreshToken() === null) return null;
  if (!(await refreshSession())) return null;
  return loadMe();
}

export async function logout(): Promise<void> {
  try {
    await apiVoid("/api/auth/logout", { method: "POST" });
  } catch {
    // Signing out locally matters more than telling a server we cannot reach.
  } finally {
    endSession();
  }
}
