// RFC 8292 VAPID: the application server identifies itself to push services
// with a short-lived ES256 JWT whose `aud` is the push service's origin.
// Signed with jose, already our JWT library: the push libraries on the
// registry refuse plain-http endpoints (our local fake push service) or speak
// the obsolete `aesgcm` draft, and signing is all we would take from them.
import { SignJWT } from "jose";
import { fromBase64Url, toBase64Url } from "../ids";
import { isUncompressedPoint } from "./ece";

/**
 * RFC 8292 §2: `exp` must be at most 24 hours ahead. Twelve leaves room for
 * clocks that run ahead of ours.
 */
export const VAPID_JWT_TTL_SECONDS = 12 * 60 * 60;

export interface VapidEnv {
  /** Uncompressed P-256 point, base64url. */
  VAPID_PUBLIC_KEY: string;
  /** The private scalar d, base64url (32 bytes). */
  VAPID_PRIVATE_KEY: string;
  /** A `mailto:` or `https:` contact for push service operators. */
  VAPID_SUBJECT: string;
}

export interface VapidSigner {
  /** The `k` parameter: the public key as configured. */
  publicKey: string;
  subject: string;
  key: CryptoKey;
}

function decodeOrNull(value: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    return fromBase64Url(value);
  } catch {
    return null;
  }
}

/**
 * Imports the configured key pair. Errors say which setting is wrong, never
 * its value. A mismatched pair would sign JWTs that every push service
 * rejects, so it is caught here by a test signature.
 */
export async function loadVapidSigner(env: VapidEnv): Promise<VapidSigner> {
  const point = decodeOrNull(env.VAPID_PUBLIC_KEY ?? "");
  if (!point || !isUncompressedPoint(point)) {
    throw new Error("VAPID_PUBLIC_KEY must be a base64url uncompressed P-256 point");
  }
  const d = decodeOrNull(env.VAPID_PRIVATE_KEY ?? "");
  if (d?.length !== 32) throw new Error("VAPID_PRIVATE_KEY must be a base64url 32-byte P-256 scalar");
  if (!/^(mailto:|https:)/.test(env.VAPID_SUBJECT ?? "")) {
    throw new Error("VAPID_SUBJECT must be a mailto: or https: URL");
  }
  const jwk: JsonWebKey = {
    kty: "EC",
    crv: "P-256",
    x: toBase64Url(point.slice(1, 33)),
    y: toBase64Url(point.slice(33, 65)),
    d: toBase64Url(d),
  };
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  } catch {
    throw new Error("VAPID_PRIVATE_KEY does not import as a P-256 key for VAPID_PUBLIC_KEY");
  }
  const verifyKey = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(point),
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  const probe = new TextEncoder().encode("vapid key pair check");
  const algorithm = { name: "ECDSA", hash: "SHA-256" };
  const signature = await crypto.subtle.sign(algorithm, key, probe);
  if (!(await crypto.subtle.verify(algorithm, verifyKey, signature, probe))) {
    throw new Error("VAPID_PRIVATE_KEY does not belong to VAPID_PUBLIC_KEY");
  }
  return { publicKey: toBase64Url(point), subject: env.VAPID_SUBJECT, key };
}

/** The `Authorization` header value for one push service (RFC 8292 §3). */
export async function vapidAuthorization(signer: VapidSigner, endpoint: URL, nowMs = Date.now()): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: "ES256", typ: "JWT" })
    .setAudience(endpoint.origin)
    .setExpirationTime(now + VAPID_JWT_TTL_SECONDS)
    .setSubject(signer.subject)
    .sign(signer.key);
  return `vapid t=${jwt}, k=${signer.publicKey}`;
}

let cached: { source: string; signer: Promise<VapidSigner> } | null = null;

/** `loadVapidSigner`, remembered per isolate while the configuration stays the same. */
export function vapidSigner(env: VapidEnv): Promise<VapidSigner> {
  const source = `${env.VAPID_PUBLIC_KEY}\n${env.VAPID_PRIVATE_KEY}\n${env.VAPID_SUBJECT}`;
  if (cached?.source !== source) {
    const signer = loadVapidSigner(env);
    cached = { source, signer };
    // A bad configuration is retried next time rather than remembered.
    signer.catch(() => {
      if (cached?.signer === signer) cached = null;
    });
  }
  return cached.signer;
}
