import * as v from "valibot";
import { safeName, username } from "../http/validate";
import { Limits } from "../protocol";

export const newPassword = v.pipe(
  v.string(),
  v.minLength(Limits.passwordMin, `must be at least ${Limits.passwordMin} characters`),
  v.maxLength(Limits.passwordMax, `must be at most ${Limits.passwordMax} characters`),
);

/** Existing passwords are only bounded above, so raising the minimum later locks nobody out. */
export const anyPassword = v.pipe(v.string(), v.minLength(1), v.maxLength(Limits.passwordMax));

export const displayName = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, "must not be empty"),
  v.maxLength(Limits.displayNameMax, `must be at most ${Limits.displayNameMax} characters`),
  safeName,
);

export const otp = v.pipe(v.string(), v.regex(/^\d{6}$/, "must be 6 digits"));

export const registerBody = v.strictObject({ username, password: newPassword, displayName: v.optional(displayName) });
/** A device token that no longer verifies is ignored, not refused: it only ever buys a login budget. */
const deviceToken = v.pipe(v.string(), v.maxLength(4096));
export const loginBody = v.strictObject({
  username,
  password: anyPassword,
  otp: v.optional(otp),
  deviceToken: v.optional(deviceToken),
});
/** Generous on purpose: a mistaken access token here must get 401, not 400. */
export const refreshBody = v.strictObject({ refreshToken: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)) });
export const passwordChangeBody = v.strictObject({
  currentPassword: anyPassword,
  newPassword,
  otp: v.optional(otp),
});
/** The password too: a stolen access token alone must not be able to lock the owner out. */
export const totpEnableBody = v.strictObject({ password: anyPassword, otp });
export const totpDisableBody = v.strictObject({ password: anyPassword, otp });
export const patchMeBody = v.strictObject({ displayName });
