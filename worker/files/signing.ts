import type { Bindings } from "../http/env";
import { fromBase64Url, toBase64Url } from "../ids";
import { FileLimits } from "../protocol";

const encoder = new TextEncoder();
/** Tolerated clock difference between the instance that signed and the one that checks. */
const SKEW_SECONDS = 60;

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  if (!secret) throw new Error("FILE_URL_SECRET is not set");
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/**
 * The signature binds the file, the expiry, the user whose membership is
 * checked on use and, for a forwarded file, the conversation it is read
 * through (ids hold no dots, so the texts cannot run into each other).
 */
const signedText = (fileId: string, exp: number, userId: string, via: string | undefined) =>
  encoder.encode(via === undefined ? `${fileId}.${exp}.${userId}` : `${fileId}.${exp}.${userId}.${via}`);

/** A same-origin download path usable without an Authorization header (for `<img src>`). */
export async function signedFileUrl(
  env: Bindings,
  fileId: string,
  userId: string,
  nowMs: number,
  via?: string,
): Promise<string> {
  const exp = Math.floor(nowMs / 1000) + FileLimits.signedUrlTtlSeconds;
  const key = await hmacKey(env.FILE_URL_SECRET, "sign");
  const sig = toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, signedText(fileId, exp, userId, via))));
  const query = new URLSearchParams({ exp: String(exp), sig, u: userId, ...(via === undefined ? {} : { via }) });
  return `/api/files/${encodeURIComponent(fileId)}?${query}`;
}

/** Whether `sig` is ours for these values and `exp` is in the future (and not further than we ever sign). */
export async function verifyFileSignature(
  env: Bindings,
  fileId: string,
  exp: number,
  userId: string,
  sig: string,
  nowMs: number,
  via?: string,
): Promise<boolean> {
  const now = Math.floor(nowMs / 1000);
  if (exp <= now || exp > now + FileLimits.signedUrlTtlSeconds + SKEW_SECONDS) return false;
  let mac: Uint8Array<ArrayBuffer>;
  try {
    mac = fromBase64Url(sig);
  } catch {
    return false;
  }
  const key = await hmacKey(env.FILE_URL_SECRET, "verify");
  // subtle.verify compares in constant time.
  return crypto.subtle.verify("HMAC", key, mac, signedText(fileId, exp, userId, via));
}
