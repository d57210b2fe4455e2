import { describe, expect, it } from "vitest";
import { toBase64Url } from "../ids";
import {
  constantTimeEqual,
  DUMMY_PASSWORD_HASH,
  hashPassword,
  PBKDF2_ITERATIONS,
  PBKDF2_MAX_ITERATIONS,
  parsePasswordHash,
  verifyPassword,
} from "./password";

describe("password hashing", () => {
  it("uses parameters production Workers accept: PBKDF2-SHA256, at most 100,000 iterations", async () => {
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000);
    expect(PBKDF2_MAX_ITERATIONS).toBeLessThanOrEqual(100_000);
    const stored = await hashPassword("correct horse");
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const params = parsePasswordHash(stored);
    expect(params).toMatchObject({ algorithm: "pbkdf2-sha256", iterations: 100_000 });
    expect(params?.salt.length).toBe(16);
    expect(params?.hash.length).toBe(32);
  });

  it("verifies the right password only, with a fresh salt each time", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horse", b)).toBe(true);
    expect(await verifyPassword("correct hors", a)).toBe(false);
    expect(await verifyPassword("Correct horse", a)).toBe(false);
  });

  it("reads the iteration count from the stored hash, so it can change later", async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("pw-older"), "PBKDF2", false, [
      "deriveBits",
    ]);
    const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 1000 }, key, 256);
    const older = `pbkdf2-sha256$1000$${toBase64Url(salt)}$${toBase64Url(new Uint8Array(bits))}`;
    expect(await verifyPassword("pw-older", older)).toBe(true);
    expect(await verifyPassword("pw-newer", older)).toBe(false);
  });

  it("rejects malformed or out-of-policy stored hashes instead of throwing", async () => {
    for (const stored of [
      "",
      "plain",
      "bcrypt$10$abc$def",
      "pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "pbkdf2-sha256$100001$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "pbkdf2-sha256$100000$!!$AAAA",
    ]) {
      expect(parsePasswordHash(stored)).toBeNull();
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });

  it("has a well-formed dummy hash that costs a full verification and matches nothing", async () => {
    expect(parsePasswordHash(DUMMY_PASSWORD_HASH)?.iterations).toBe(PBKDF2_ITERATIONS);
    expect(await verifyPassword("", DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword("password", DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it("compares bytes by value and length", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([]), new Uint8Array([0]))).toBe(false);
  });
});
