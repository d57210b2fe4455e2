// RFC 8291 message encryption for Web Push: the `aes128gcm` content coding of
// RFC 8188 with the key derived from an ECDH (P-256) exchange with the user
// agent and its auth secret. WebCrypto only, so it runs in workerd and Node.
//
// Written here rather than taken from a library: @pushforge/builder 2.0.5
// speaks the obsolete `aesgcm` draft, and @block65/webcrypto-web-push 2.0.0
// does not let a caller fix the salt and ephemeral key, which the RFC 8291
// Appendix A test vector needs (see ece.node.test.ts).

/** RFC 8188 record size we announce; one record carries the whole message. */
export const RECORD_SIZE = 4096;
/** salt (16) + rs (4) + idlen (1) + keyid (the 65-byte uncompressed P-256 point). */
export const HEADER_SIZE = 16 + 4 + 1 + 65;
const TAG_SIZE = 16;
/**
 * RFC 8291 §4: push services need only accept 4096 octets of body, header
 * included. What is left after the header, the tag and the 0x02 delimiter.
 */
export const MAX_PLAINTEXT = RECORD_SIZE - HEADER_SIZE - TAG_SIZE - 1;

const P256_POINT_SIZE = 65;
const AUTH_SECRET_SIZE = 16;
const SALT_SIZE = 16;
/** RFC 8188 §2: the last (here: only) record ends its plaintext with 0x02, then zero padding. */
const LAST_RECORD_DELIMITER = 0x02;

const text = new TextEncoder();

/** The user agent's half, from its PushSubscription (`keys.p256dh`, `keys.auth`). */
export interface UserAgentKeys {
  /** Uncompressed P-256 point, 65 bytes starting with 0x04. */
  publicKey: Uint8Array;
  /** 16 random bytes. */
  authSecret: Uint8Array;
}

/** The application server's per-message ECDH key pair. */
export interface EphemeralKey {
  privateKey: CryptoKey;
  /** Its public point, uncompressed, 65 bytes. */
  publicKey: Uint8Array;
}

export interface EncryptOptions {
  /** Fixed only by tests; fresh random bytes otherwise. */
  salt?: Uint8Array;
  /** Fixed only by tests; a fresh key pair otherwise (RFC 8291 §2: never reuse one). */
  ephemeral?: EphemeralKey;
  /** Zero octets appended after the delimiter to hide the plaintext length. */
  padding?: number;
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * ECDH parameters. workers-types spells the member `$public` (a quirk of its
 * generator); workerd, like every WebCrypto, reads `public`.
 */
export function ecdhParams(publicKey: CryptoKey): SubtleCryptoDeriveKeyAlgorithm {
  return { name: "ECDH", public: publicKey } as SubtleCryptoDeriveKeyAlgorithm;
}

/** A fresh P-256 ECDH key pair and its raw public point (a public key is always exportable). */
export async function generateEcdhKeyPair(): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  if (!("privateKey" in pair)) throw new TypeError("ECDH generateKey returned a single key");
  const raw = await crypto.subtle.exportKey("raw", pair.publicKey);
  if (!(raw instanceof ArrayBuffer)) throw new TypeError("raw export returned a JWK");
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(raw) };
}

/** Copies into a buffer of its own: WebCrypto wants `BufferSource`, not a view of a shared buffer. */
const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", own(ikm), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: own(salt), info: own(info) },
    key,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

export function isUncompressedPoint(bytes: Uint8Array): boolean {
  return bytes.length === P256_POINT_SIZE && bytes[0] === 0x04;
}

/** Imports a user agent's public point; rejects anything that is not on P-256. */
export function importUserAgentKey(publicKey: Uint8Array): Promise<CryptoKey> {
  if (!isUncompressedPoint(publicKey)) throw new RangeError("p256dh must be a 65-byte uncompressed P-256 point");
  return crypto.subtle.importKey("raw", own(publicKey), { name: "ECDH", namedCurve: "P-256" }, false, []);
}

/**
 * Encrypts `plaintext` for one user agent and returns the complete request
 * body: the RFC 8188 header (salt, rs = 4096, keyid = the ephemeral public
 * key) followed by a single record.
 */
export async function encryptAes128gcm(
  plaintext: Uint8Array,
  ua: UserAgentKeys,
  options: EncryptOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const padding = options.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0) throw new RangeError("padding must be a non-negative integer");
  if (plaintext.length + padding > MAX_PLAINTEXT) {
    throw new RangeError(`plaintext and padding over ${MAX_PLAINTEXT} bytes`);
  }
  if (ua.authSecret.length !== AUTH_SECRET_SIZE) throw new RangeError("auth secret must be 16 bytes");
  const uaKey = await importUserAgentKey(ua.publicKey);
  const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(SALT_SIZE));
  if (salt.length !== SALT_SIZE) throw new RangeError("salt must be 16 bytes");
  const ephemeral = options.ephemeral ?? (await generateEcdhKeyPair());
  if (!isUncompressedPoint(ephemeral.publicKey)) throw new RangeError("ephemeral public key must be uncompressed");

  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdhParams(uaKey), ephemeral.privateKey, 256));
  // RFC 8291 §3.3–3.4: the auth secret and both public keys go into the IKM,
  // so only this user agent (which holds the auth secret) can derive the key.
  const keyInfo = concat(text.encode("WebPush: info\0"), ua.publicKey, ephemeral.publicKey);
  const ikm = await hkdf(ua.authSecret, ecdhSecret, keyInfo, 32);
  // RFC 8188 §2.2–2.3: content key and nonce from the salt. One record, so
  // the record sequence number is 0 and the nonce is used as derived.
  const cek = await hkdf(salt, ikm, text.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, text.encode("Content-Encoding: nonce\0"), 12);

  const record = new Uint8Array(plaintext.length + 1 + padding);
  record.set(plaintext);
  record[plaintext.length] = LAST_RECORD_DELIMITER;
  const aesKey = await crypto.subtle.importKey("raw", own(cek), "AES-GCM", false, ["encrypt"]);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: own(nonce) }, aesKey, record));

  const header = new Uint8Array(HEADER_SIZE);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = ephemeral.publicKey.length;
  header.set(ephemeral.publicKey, 21);
  return concat(header, ciphertext);
}
