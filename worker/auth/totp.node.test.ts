import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { matchTotpStep, newTotpSecret, otpauthUrl } from "./totp";

// RFC 6238 Appendix B: the SHA-1 rows, seed "12345678901234567890" (ASCII).
const RFC_SEED = "12345678901234567890";
const RFC_SHA1: Array<[number, string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];
const seedBase32 = Secret.fromUTF8(RFC_SEED).base32;
/** What an authenticator app shows at `timestamp` (ms): the contract's SHA-1, 6 digits, 30 s. */
const appCode = (timestamp: number) =>
  new TOTP({ secret: Secret.fromBase32(seedBase32), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp });

describe("TOTP", () => {
  it("otpauth reproduces the RFC 6238 Appendix B SHA-1 table with 8 digits", () => {
    const totp = new TOTP({ secret: Secret.fromUTF8(RFC_SEED), algorithm: "SHA1", digits: 8, period: 30 });
    for (const [t, expected] of RFC_SHA1) expect(totp.generate({ timestamp: t * 1000 })).toBe(expected);
  });

  it("accepts the low 6 digits of each RFC value (SHA-1, 30 s steps) at its time step", () => {
    expect(seedBase32).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    for (const [t, expected] of RFC_SHA1) {
      expect(matchTotpStep(seedBase32, expected.slice(-6), t * 1000)).toBe(Math.floor(t / 30));
      expect(appCode(t * 1000)).toBe(expected.slice(-6));
    }
  });

  it("matches a code to its time step, within one step either side only", () => {
    const t = 1234567890 * 1000;
    const step = Math.floor(t / 30_000);
    expect(matchTotpStep(seedBase32, "005924", t)).toBe(step);
    expect(matchTotpStep(seedBase32, appCode(t - 30_000), t)).toBe(step - 1);
    expect(matchTotpStep(seedBase32, appCode(t + 30_000), t)).toBe(step + 1);
    expect(matchTotpStep(seedBase32, appCode(t - 60_000), t)).toBeNull();
    expect(matchTotpStep(seedBase32, appCode(t + 60_000), t)).toBeNull();
    const inWindow = [-30_000, 0, 30_000].map((d) => appCode(t + d));
    expect(inWindow).not.toContain("000000");
    expect(matchTotpStep(seedBase32, "000000", t)).toBeNull();
  });

  it("makes fresh 160-bit base32 secrets and a standard otpauth URL", () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(a);
    const url = new URL(otpauthUrl(a, "alice"));
    expect(url.protocol).toBe("otpauth:");
    expect(url.host).toBe("totp");
    expect(url.searchParams.get("secret")).toBe(a);
    expect(url.searchParams.get("issuer")).toBe("IMSystem");
    expect(url.searchParams.get("algorithm")).toBe("SHA1");
    expect(url.searchParams.get("digits")).toBe("6");
    expect(url.searchParams.get("period")).toBe("30");
  });
});
