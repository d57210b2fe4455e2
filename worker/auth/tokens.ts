import {
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from "jose";
import type { AuthInfo, Bindings } from "../http/env";
import { sha256Hex } from "../ids";
import { BEARER_PREFIX, Limits } from "../protocol";

const encoder = new TextEncoder();

interface SigningKey {
  kid: string;
  key: Uint8Array;
}

/** `kid` is a digest prefix of the secret: rotation needs no extra config. */
export async function signingKey(secret: string): Promise<SigningKey> {
  return { kid: (await sha256Hex(`kid:${secret}`)).slice(0, 12), key: encoder.encode(secret) };
}

/**
 * The current key signs; the previous one (during a rotation) still verifies.
 * Both are secrets, never vars.
 */
export async function verificationKeys(env: Bindings): Promise<SigningKey[]> {
  const secrets = [env.JWT_SECRET, (env as { JWT_SECRET_PREVIOUS?: string }).JWT_SECRET_PREVIOUS].filter(
    (s): s is string => typeof s === "string" && s.length > 0,
  );
  return Promise.all(secrets.map(signingKey));
}

/**
 * HS256 is deterministic: the same session, user and `issuedAtMs` give the
 * same token, which lets a refresh inside the reuse window answer with the
 * very pair the first one got (sessions.ts).
 */
export async function signAccessToken(
  env: Bindings,
  userId: string,
  sessionId: string,
  issuedAtMs = Date.now(),
): Promise<string> {
  if (!env.JWT_SECRET) throw new Error("JWT_SECRET is not set");
  const { kid, key } = await signingKey(env.JWT_SECRET);
  const iat = Math.floor(issuedAtMs / 1000);
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid })
    .setIssuer(env.JWT_ISSUER)
    .setAudience(env.JWT_AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Limits.accessTokenTtlSeconds)
    .sign(key);
}

/**
 * The payload of a token this Worker signed: HS256 only (whatever the header
 * says), under the current or previous key, our issuer, the given audience and
 * claims. Throws for anything else. Access and device tokens share it; their
 * audiences differ, so neither passes for the other.
 */
export async function verifyOurJwt(
  env: Bindings,
  token: string,
  options: Required<Pick<JWTVerifyOptions, "audience" | "requiredClaims">> & Pick<JWTVerifyOptions, "maxTokenAge">,
): Promise<JWTPayload> {
  const keys = await verificationKeys(env);
  const { payload } = await jwtVerify(
    token,
    (header: JWTHeaderParameters) => {
      const match = keys.find((k) => k.kid === header.kid);
      if (!match) throw new joseErrors.JWKSNoMatchingKey();
      return match.key;
    },
    { algorithms: ["HS256"], issuer: env.JWT_ISSUER, ...options },
  );
  return payload;
}

/** Verifies signature, algorithm, iss, aud, exp; returns null for any bad token. */
export async function verifyAccessToken(env: Bindings, token: string): Promise<AuthInfo | null> {
  try {
    const { sub, sid, exp } = await verifyOurJwt(env, token, {
      audience: env.JWT_AUDIENCE,
      requiredClaims: ["sub", "sid", "exp", "iat"],
      maxTokenAge: Limits.accessTokenTtlSeconds + 5,
    });
    if (typeof sub !== "string" || typeof sid !== "string" || typeof exp !== "number") return null;
    return { userId: sub, sessionId: sid, exp };
  } catch {
    return null;
  }
}

/**
 * The access token of a request: `Authorization: Bearer <t>`, or for
 * browsers' WebSockets the `bearer.<t>` entry of `Sec-WebSocket-Protocol`.
 * Never a query parameter, so tokens stay out of URLs and logs.
 */
export function tokenFromRequest(req: Request): string | null {
  const auth = req.headers.get("Authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m?.[1] ?? null;
  }
  const protocols = req.headers.get("Sec-WebSocket-Protocol");
  if (protocols) {
    for (const p of protocols.split(",")) {
      const entry = p.trim();
      if (entry.startsWith(BEARER_PREFIX)) return entry.slice(BEARER_PREFIX.length) || null;
    }
  }
  return null;
}
