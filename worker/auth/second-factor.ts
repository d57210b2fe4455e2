import { and, eq, isNull, lt, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { users } from "../db/schema";
import type { Bindings } from "../http/env";
import { conflict } from "../http/errors";
import { invalidOtp, otpRequired } from "./refusals";
import { open, seal } from "./secretbox";
import { matchTotpStep, newTotpSecret, otpauthUrl } from "./totp";
import type { UserRow } from "./users";

const PURPOSE = "totp";

/**
 * Accepts a code once: its time step must be newer than the last accepted
 * one, and the conditional update makes two concurrent uses of one code
 * race to a single winner.
 */
async function consumeCode(env: Bindings, user: UserRow, code: string): Promise<void> {
  if (!user.totpSecretEnc) throw invalidOtp();
  const secret = await open(env.DATA_KEY, PURPOSE, user.id, user.totpSecretEnc);
  // Not the client's fault: the stored secret or DATA_KEY changed under us.
  if (secret === null) throw new Error("stored TOTP secret cannot be decrypted");
  const step = matchTotpStep(secret, code);
  if (step === null || (user.totpLastStep !== null && step <= user.totpLastStep)) throw invalidOtp();
  const claimed = await drizzle(env.DB)
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))));
  if (claimed.meta.changes !== 1) throw invalidOtp();
}

/** The second factor of login and password change; call only after the password was right. */
export async function requireSecondFactor(env: Bindings, user: UserRow, code: string | undefined): Promise<void> {
  if (!user.totpEnabled) return;
  if (code === undefined) throw otpRequired();
  await consumeCode(env, user, code);
}

/** Stores a new pending secret (replacing an earlier pending one). */
export async function setupTotp(env: Bindings, user: UserRow): Promise<{ secret: string; otpauthUrl: string }> {
  if (user.totpEnabled) throw conflict("two-factor authentication is already enabled");
  const secret = newTotpSecret();
  const stored = await drizzle(env.DB)
    .update(users)
    .set({ totpSecretEnc: await seal(env.DATA_KEY, PURPOSE, user.id, secret), totpLastStep: null })
    .where(and(eq(users.id, user.id), eq(users.totpEnabled, false)));
  if (stored.meta.changes !== 1) throw conflict("two-factor authentication is already enabled");
  return { secret, otpauthUrl: otpauthUrl(secret, user.username) };
}

export async function enableTotp(env: Bindings, user: UserRow, code: string): Promise<void> {
  if (user.totpEnabled) throw conflict("two-factor authentication is already enabled");
  if (!user.totpSecretEnc) throw conflict("no pending two-factor setup; call totp/setup first");
  await consumeCode(env, user, code);
  // Only the secret the code was checked against may be enabled: a setup
  // that replaced it meanwhile wins, and this enable must be retried.
  const enabled = await drizzle(env.DB)
    .update(users)
    .set({ totpEnabled: true })
    .where(and(eq(users.id, user.id), eq(users.totpEnabled, false), eq(users.totpSecretEnc, user.totpSecretEnc)));
  if (enabled.meta.changes !== 1) throw conflict("two-factor setup changed meanwhile; set it up again");
}

export async function disableTotp(env: Bindings, user: UserRow, code: string): Promise<void> {
  if (!user.totpEnabled) throw conflict("two-factor authentication is not enabled");
  await consumeCode(env, user, code);
  await drizzle(env.DB)
    .update(users)
    .set({ totpEnabled: false, totpSecretEnc: null, totpLastStep: null })
    .where(eq(users.id, user.id));
}
