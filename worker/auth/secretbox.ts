import { fromBase64Url, toBase64Url } from "../ids";

/**
 * AES-256-GCM for small secrets at rest (TOTP seeds). The key is derived
 * from the DATA_KEY secret with HKDF and a purpose label, so DATA_KEY can
 * serve other purposes without key reuse. The owner id is bound as
 * additional data: a ciphertext copied onto another row fails to open.
 */
const IV_BYTES = 12;
const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function dataKey(secret: string, purpose: string): Promise<CryptoKey> {
  if (!secret) throw new Error("DATA_KEY is not set");
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = (async () => {
      const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(`imsystem:${purpose}:v1`) },
        ikm,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    keys.set(cacheKey, key);
  }
  return key;
}

/** base64url(iv || ciphertext+tag) */
export async function seal(secret: string, purpose: string, owner: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await dataKey(secret, purpose);
  const ct = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(owner) },
      key,
      encoder.encode(plaintext),
    ),
  );
  const out = new Uint8Array(IV_BYTES + ct.length);
  out.set(iv);
  out.set(ct, IV_BYTES);
  return toBase64Url(out);
}

/** Null when the box is malformed, tampered with, or sealed for another owner or key. */
export async function open(secret: string, purpose: string, owner: string, box: string): Promise<string | null> {
  try {
    const bytes = fromBase64Url(box);
    if (bytes.length <= IV_BYTES) return null;
    const key = await dataKey(secret, purpose);
    const pt = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: encoder.encode(owner) },
      key,
      bytes.slice(IV_BYTES),
    );
    return new TextDecoder().decode(pt);
  } catch {
    return null;
  }
}
