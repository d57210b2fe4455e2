import { claimTotpStep, clearTotp, enableStoredTotp, storePendingTotp } from "../db/totp";
import type { Account } from "../db/users";
import type { Bindings } from "../http/env";
import { conflict } from "../http/errors";
import { invalidOtp, otpRequired } from "./refusals";
import { open, seal } from "./secretbox";
import { matchTotpStep, newTotpSecret, otpauthUrl } from "./totp";

const PURPOSE = "totp";

/**
 * Accepts a code once: its time step must be newer than the last accepted
 * one, and the conditional update makes two concurrent uses of one code
 * race to a single winner.
 */
async function consumeCode(env: Bindings, user: Account, code: string): Promise<void> {
  if (!user.totpSecretEnc) throw invalidOtp();
  const secret = await open(env.DATA_KEY, PURPOSE, user.id, user.totpSecretEnc);
  // Not the client's fault: the stored secret or DATA_KEY changed under us.
  if (secret === null) throw new Error("stored TOTP secret cannot be decrypted");
  const step = matchTotpStep(secret, code);
  if (step === null || (user.totpLastStep !== null && step <= user.totpLastStep)) throw invalidOtp();
  if (!(await claimTotpStep(env.DB, user.id, step))) throw invalidOtp();
}

/** The second factor of login and password change; call only after the password was right. */
export async function requireSecondFactor(env: Bindings, user: Account, code: string | undefined): Promise<void> {
  if (!user.totpEnabled) return;
  if (code === undefined) throw otpRequired();
  await consumeCode(env, user, code);
}

/** Stores a new pending secret (replacing an earlier pending one). */
export async function setupTotp(env: Bindings, user: Account): Promise<{ secret: string; otpauthUrl: string }> {
  if (user.totpEnabled) throw conflict("two-factor authentication is already enabled");
  const secret = newTotpSecret();
  const sealed = await seal(env.DATA_KEY, PURPOSE, user.id, secret);
  if (!(await storePendingTotp(env.DB, user.id, sealed)))
    throw conflict("two-factor authentication is already enabled");
  return { secret, otpauthUrl: otpauthUrl(secret, user.username) };
}

export async function enableTotp(env: Bindings, user: Account, code: string): Promise<void> {
  if (user.totpEnabled) throw conflict("two-factor authentication is already enabled");
  if (!user.totpSecretEnc) throw conflict("no pending two-factor setup; call totp/setup first");
  await consumeCode(env, user, code);
  // Only the secret the code was checked against may be enabled: a setup
  // that replaced it meanwhile wins, and this enable must be retried.
  if (!(await enableStoredTotp(env.DB, user.id, user.totpSecretEnc)))
    throw conflict("two-factor setup changed meanwhile; set it up again");
}

export async function disableTotp(env: Bindings, user: Account, code: string): Promise<void> {
  if (!user.totpEnabled) throw conflict("two-factor authentication is not enabled");
  await consumeCode(env, user, code);
  await clearTotp(env.DB, user.id);
}
