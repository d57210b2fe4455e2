import { Secret, TOTP } from "otpauth";

/** RFC 6238 as the contract fixes it: SHA-1, 6 digits, 30 s steps. */
export const TOTP_ALGORITHM = "SHA1";
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** Accept the previous and next step too: phone clocks drift. */
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = "IMSystem";

/** A fresh 160-bit secret (the RFC 4226 recommended size), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = "user"): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    secret: Secret.fromBase32(secretBase32),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}

export function otpauthUrl(secretBase32: string, username: string): string {
  return totp(secretBase32, username).toString();
}

/**
 * The time step a code belongs to, if it is valid within the window, else
 * null. Callers store the step to refuse the same code twice.
 */
export function matchTotpStep(secretBase32: string, code: string, timestamp = Date.now()): number | null {
  const delta = totp(secretBase32).validate({ token: code, timestamp, window: TOTP_WINDOW });
  if (delta === null) return null;
  return TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp }) + delta;
}
