import { SignJWT } from "jose";
import type { Bindings } from "../http/env";
import { newId } from "../ids";
import { signingKey, verifyOurJwt } from "./tokens";

/**
 * A device token says "this browser once signed in as this user" (OWASP's
 * device cookie against lockout). It grants nothing but its own login
 * budget, so strangers' failed logins cannot lock a known device out. It
 * outlives logout on purpose: signing in again is when it is needed.
 */
const DEVICE_TTL_SECONDS = 365 * 24 * 60 * 60;

export interface Device {
  deviceId: string;
  userId: string;
}

/** Another audience than access tokens', so neither passes for the other. */
const audience = (env: Bindings) => `${env.JWT_AUDIENCE}:device`;

export async function signDeviceToken(env: Bindings, user: { id: string; username: string }, deviceId = newId("dev")) {
  if (!env.JWT_SECRET) throw new Error("JWT_SECRET is not set");
  const { kid, key } = await signingKey(env.JWT_SECRET);
  return new SignJWT({ usr: user.username, did: deviceId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid })
    .setIssuer(env.JWT_ISSUER)
    .setAudience(audience(env))
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${DEVICE_TTL_SECONDS}s`)
    .sign(key);
}

/** The device, if `token` is ours, unexpired and was issued to `username` (lower-case); else null. */
export async function verifyDeviceToken(env: Bindings, token: string, username: string): Promise<Device | null> {
  try {
    const payload = await verifyOurJwt(env, token, { audience: audience(env), requiredClaims: ["sub", "exp"] });
    const { sub, usr, did } = payload;
    if (typeof sub !== "string" || typeof did !== "string" || usr !== username) return null;
    return { deviceId: did, userId: sub };
  } catch {
    return null;
  }
}
