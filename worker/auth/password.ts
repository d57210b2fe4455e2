import { fromBase64Url, toBase64Url } from "../ids";

/**
 * PBKDF2-SHA256 through WebCrypto. 100,000 iterations is the most the
 * Workers runtime accepts (more throws NotSupportedError), so it is also the
 * cap we accept when parsing a stored hash.
 */
export const PBKDF2_ALGORITHM = "pbkdf2-sha256";
export const PBKDF2_ITERATIONS = 100_000;
export const PBKDF2_MAX_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number, bytes: number) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, bytes * 8);
  return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS, HASH_BYTES);
  return [PBKDF2_ALGORITHM, PBKDF2_ITERATIONS, toBase64Url(salt), toBase64Url(hash)].join("$");
}

export interface PasswordHashParams {
  algorithm: typeof PBKDF2_ALGORITHM;
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  hash: Uint8Array<ArrayBuffer>;
}

/** Null for anything that is not a hash this code could have written. */
export function parsePasswordHash(stored: string): PasswordHashParams | null {
  const parts = stored.split("$");
  if (parts.length !== 4) return null;
  const [algorithm, iterText, saltText, hashText] = parts as [string, string, string, string];
  if (algorithm !== PBKDF2_ALGORITHM || !/^[1-9]\d{0,6}$/.test(iterText)) return null;
  const iterations = Number(iterText);
  if (iterations > PBKDF2_MAX_ITERATIONS) return null;
  try {
    const salt = fromBase64Url(saltText);
    const hash = fromBase64Url(hashText);
    if (salt.length < 8 || hash.length < 16) return null;
    return { algorithm, iterations, salt, hash };
  } catch {
    return null;
  }
}

/** Compares every byte whatever the first difference, so timing says nothing. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i % b.length] ?? 0);
  return diff === 0;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = parsePasswordHash(stored);
  if (!params) return false;
  const actual = await derive(password, params.salt, params.iterations, params.hash.length);
  return constantTimeEqual(actual, params.hash);
}

/**
 * Verified against when the username is unknown, so that answer costs the
 * same PBKDF2 work as a wrong password. Its hash is random bytes: no
 * password matches it.
 */
export const DUMMY_PASSWORD_HASH = `${PBKDF2_ALGORITHM}$${PBKDF2_ITERATIONS}$q2Vx1dYv0mJ8Zt4WnR7bKA$Xy3p0c9N8r2m1LkQe5t7uV4wZb6HjFaDgS0oPiMnB1c`;
