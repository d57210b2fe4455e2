import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../ids";
import { decryptPush, importP256Private, newUserAgent } from "../test/push-fixtures";
import { ecdhParams, encryptAes128gcm, HEADER_SIZE, MAX_PLAINTEXT, RECORD_SIZE } from "./ece";

// RFC 8291 Appendix A, "Encryption Example".
const RFC = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  authSecret: "BTBZMqHH6r4Tts7J_aSIgg",
  ecdhSecret: "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs",
  body:
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_" +
    "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

const text = new TextEncoder();

async function publicPointOf(key: CryptoKey): Promise<string> {
  const jwk = await crypto.subtle.exportKey("jwk", key);
  if (jwk instanceof ArrayBuffer) throw new TypeError("expected a JWK");
  const x = fromBase64Url(jwk.x ?? "");
  const y = fromBase64Url(jwk.y ?? "");
  return toBase64Url(new Uint8Array([4, ...x, ...y]));
}

describe("RFC 8291 aes128gcm encryption", () => {
  it("reproduces the Appendix A message body exactly", async () => {
    const asPublic = fromBase64Url(RFC.asPublic);
    const asPrivate = await importP256Private(asPublic, RFC.asPrivate, "ECDH");
    const body = await encryptAes128gcm(
      text.encode(RFC.plaintext),
      { publicKey: fromBase64Url(RFC.uaPublic), authSecret: fromBase64Url(RFC.authSecret) },
      { salt: fromBase64Url(RFC.salt), ephemeral: { privateKey: asPrivate, publicKey: asPublic } },
    );
    expect(toBase64Url(body)).toBe(RFC.body);
  });

  it("uses consistent vectors: each private key matches its public key, and the ECDH secret agrees", async () => {
    const asPrivate = await importP256Private(fromBase64Url(RFC.asPublic), RFC.asPrivate, "ECDH");
    const uaPrivate = await importP256Private(fromBase64Url(RFC.uaPublic), RFC.uaPrivate, "ECDH");
    expect(await publicPointOf(asPrivate)).toBe(RFC.asPublic);
    expect(await publicPointOf(uaPrivate)).toBe(RFC.uaPublic);
    const uaPublicKey = await crypto.subtle.importKey(
      "raw",
      fromBase64Url(RFC.uaPublic),
      { name: "ECDH", namedCurve: "P-256" },
      false,
      [],
    );
    const secret = await crypto.subtle.deriveBits(ecdhParams(uaPublicKey), asPrivate, 256);
    expect(toBase64Url(new Uint8Array(secret))).toBe(RFC.ecdhSecret);
  });

  it("decrypts the Appendix A body with the user agent's private key (independent decryptor)", async () => {
    const ua = {
      p256dh: RFC.uaPublic,
      auth: RFC.authSecret,
      privateKey: await importP256Private(fromBase64Url(RFC.uaPublic), RFC.uaPrivate, "ECDH"),
    };
    const { plaintext, recordSize } = await decryptPush(fromBase64Url(RFC.body), ua);
    expect(new TextDecoder().decode(plaintext)).toBe(RFC.plaintext);
    expect(recordSize).toBe(4096);
  });

  it("round-trips with fresh keys and salt, with padding, and never repeats a body", async () => {
    const ua = await newUserAgent();
    const keys = { publicKey: fromBase64Url(ua.p256dh), authSecret: fromBase64Url(ua.auth) };
    const message = text.encode(JSON.stringify({ hello: "wörld" }));
    const a = await encryptAes128gcm(message, keys, { padding: 100 });
    const b = await encryptAes128gcm(message, keys, { padding: 100 });
    expect(toBase64Url(a)).not.toBe(toBase64Url(b));
    expect(a.length).toBe(HEADER_SIZE + message.length + 1 + 100 + 16);
    const out = await decryptPush(a, ua);
    expect(new TextDecoder().decode(out.plaintext)).toBe('{"hello":"wörld"}');
    expect(out.recordSize).toBe(RECORD_SIZE);
    expect(out.paddedLength).toBe(message.length + 1 + 100);
  });

  it("fits the largest allowed message in 4096 bytes and refuses one byte more", async () => {
    const ua = await newUserAgent();
    const keys = { publicKey: fromBase64Url(ua.p256dh), authSecret: fromBase64Url(ua.auth) };
    const biggest = await encryptAes128gcm(new Uint8Array(MAX_PLAINTEXT).fill(0x61), keys);
    expect(biggest.length).toBe(4096);
    await expect(encryptAes128gcm(new Uint8Array(MAX_PLAINTEXT + 1), keys)).rejects.toThrow(RangeError);
    await expect(encryptAes128gcm(new Uint8Array(10), keys, { padding: MAX_PLAINTEXT - 9 })).rejects.toThrow(
      RangeError,
    );
  });

  it("refuses malformed user agent keys", async () => {
    const ua = await newUserAgent();
    const publicKey = fromBase64Url(ua.p256dh);
    const authSecret = fromBase64Url(ua.auth);
    const msg = text.encode("x");
    await expect(encryptAes128gcm(msg, { publicKey, authSecret: authSecret.slice(0, 15) })).rejects.toThrow(RangeError);
    await expect(encryptAes128gcm(msg, { publicKey: publicKey.slice(0, 64), authSecret })).rejects.toThrow(RangeError);
    const offCurve = new Uint8Array(publicKey);
    offCurve[64] = (offCurve[64] ?? 0) ^ 1;
    await expect(encryptAes128gcm(msg, { publicKey: offCurve, authSecret })).rejects.toThrow();
  });
});
