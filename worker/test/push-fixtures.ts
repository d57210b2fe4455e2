// Test-side Web Push user agent and push service. The decryption here is
// written from the RFC 8291 §3.4 formulas with plain HMAC, independently of
// worker/push/ece.ts (which uses WebCrypto HKDF), so a shared mistake in the
// key schedule cannot make a round trip pass. No cloudflare:* imports: the
// Node unit tests use it too.
import { fromBase64Url, toBase64Url } from "../ids";
import { concat, ecdhParams, generateEcdhKeyPair } from "../push/ece";
import { REQUESTS_PATH } from "./push-service";

const text = new TextEncoder();

const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", own(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, own(data)));
}

/** Imports a P-256 private key from its public point and scalar, for ECDH or ECDSA. */
export function importP256Private(publicPoint: Uint8Array, d: string, algorithm: "ECDH" | "ECDSA"): Promise<CryptoKey> {
  const jwk: JsonWebKey = {
    kty: "EC",
    crv: "P-256",
    x: toBase64Url(publicPoint.slice(1, 33)),
    y: toBase64Url(publicPoint.slice(33, 65)),
    d,
    ext: true,
  };
  const usages = algorithm === "ECDH" ? ["deriveBits"] : ["sign"];
  return crypto.subtle.importKey("jwk", jwk, { name: algorithm, namedCurve: "P-256" }, true, usages);
}

/** A browser's side of a subscription: what it sends us, and what it keeps to decrypt. */
export interface TestUserAgent {
  p256dh: string;
  auth: string;
  privateKey: CryptoKey;
}

export async function newUserAgent(): Promise<TestUserAgent> {
  const pair = await generateEcdhKeyPair();
  const auth = crypto.getRandomValues(new Uint8Array(16));
  return { p256dh: toBase64Url(pair.publicKey), auth: toBase64Url(auth), privateKey: pair.privateKey };
}

export interface Decrypted {
  plaintext: Uint8Array;
  recordSize: number;
  /** Length of the record's plaintext including delimiter and padding. */
  paddedLength: number;
}

/** Decrypts an `aes128gcm` push message body of a single record, as a browser would. */
export async function decryptPush(body: Uint8Array, ua: TestUserAgent): Promise<Decrypted> {
  const salt = body.slice(0, 16);
  const recordSize = new DataView(body.buffer, body.byteOffset).getUint32(16);
  const idlen = body[20] ?? 0;
  const asPublic = body.slice(21, 21 + idlen);
  const ciphertext = body.slice(21 + idlen);
  const uaPublic = fromBase64Url(ua.p256dh);
  const asKey = await crypto.subtle.importKey("raw", own(asPublic), { name: "ECDH", namedCurve: "P-256" }, false, []);
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdhParams(asKey), ua.privateKey, 256));

  // RFC 8291 §3.4, spelled out with HMAC (HKDF-Extract then one block of Expand).
  const prkKey = await hmac(fromBase64Url(ua.auth), ecdhSecret);
  const ikm = await hmac(prkKey, concat(text.encode("WebPush: info\0"), uaPublic, asPublic, Uint8Array.of(1)));
  const prk = await hmac(salt, ikm);
  const cek = (await hmac(prk, concat(text.encode("Content-Encoding: aes128gcm\0"), Uint8Array.of(1)))).slice(0, 16);
  const nonce = (await hmac(prk, concat(text.encode("Content-Encoding: nonce\0"), Uint8Array.of(1)))).slice(0, 12);

  const key = await crypto.subtle.importKey("raw", own(cek), "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: own(nonce) }, key, own(ciphertext)));
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 0x02) throw new Error("last record must end with delimiter 0x02");
  return { plaintext: padded.slice(0, end), recordSize, paddedLength: padded.length };
}

/** One request the fake push service received. */
export interface PushRequest {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array;
}

/**
 * A fake push service to pass as sendPush's `fetch`: records each request and
 * answers with the status `answer` picks for its URL (201 by default).
 */
export function fakePushService(answer: (url: string) => number = () => 201) {
  const requests: PushRequest[] = [];
  const fetcher = async (input: string, init: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    requests.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: new Uint8Array(await request.arrayBuffer()),
    });
    return new Response(null, { status: answer(request.url) });
  };
  return { requests, fetcher };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;
const isPair = (h: unknown): h is [string, string] =>
  Array.isArray(h) && h.length === 2 && typeof h[0] === "string" && typeof h[1] === "string";

function readRecorded(r: unknown): PushRequest {
  if (!isRecord(r)) throw new Error("push service: not a request");
  const { url, method, headers, body } = r;
  if (typeof url !== "string" || typeof method !== "string" || typeof body !== "string") {
    throw new Error("push service: bad request fields");
  }
  if (!Array.isArray(headers) || !headers.every(isPair)) throw new Error("push service: bad headers");
  return { url, method, headers: new Headers(headers), body: fromBase64Url(body) };
}

/**
 * What the outbound push service (push-service.ts, reached through miniflare's
 * `outboundService`) received at endpoints starting with `prefix`, in order.
 * For the code under test's own `fetch()`: worker tests only.
 */
export async function pushesTo(prefix: string): Promise<PushRequest[]> {
  const res = await fetch(`https://push.example.test${REQUESTS_PATH}?prefix=${encodeURIComponent(prefix)}`);
  if (!res.ok) throw new Error(`push service answered ${res.status}`);
  const data: unknown = await res.json();
  const requests = isRecord(data) ? data.requests : undefined;
  if (!Array.isArray(requests)) throw new Error("push service: no request list");
  return requests.map(readRecorded);
}

/** A fresh endpoint on the fake push service (miniflare's outboundService answers it). */
export const newEndpoint = () => `https://push.example.test/wp/${crypto.randomUUID()}`;
