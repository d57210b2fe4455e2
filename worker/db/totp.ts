// The TOTP columns of `users`. Every write is conditional, so concurrent
// setups, enables and code uses race to a single winner.
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { users } from "./schema";

/** Records `step` as the last accepted one unless an equal or newer one was; false when it lost. */
export async function claimTotpStep(d1: D1Database, userId: string, step: number): Promise<boolean> {
  const claimed = await drizzle(d1)
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))));
  return claimed.meta.changes === 1;
}

/** Stores a pending (not yet enabled) secret; false when TOTP is enabled. */
export async function storePendingTotp(d1: D1Database, userId: string, secretEnc: string): Promise<boolean> {
  const stored = await drizzle(d1)
    .update(users)
    .set({ totpSecretEnc: secretEnc, totpLastStep: null })
    .where(and(eq(users.id, userId), eq(users.totpEnabled, false)));
  return stored.meta.changes === 1;
}

/** Enables the pending secret, only if it is still `secretEnc`; false when it changed or was enabled. */
export async function enableStoredTotp(d1: D1Database, userId: string, secretEnc: string): Promise<boolean> {
  const enabled = await drizzle(d1)
    .update(users)
    .set({ totpEnabled: true })
    .where(and(eq(users.id, userId), eq(users.totpEnabled, false), eq(users.totpSecretEnc, secretEnc)));
  return enabled.meta.changes === 1;
}

export async function clearTotp(d1: D1Database, userId: string): Promise<void> {
  await drizzle(d1)
    .update(users)
    .set({ totpEnabled: false, totpSecretEnc: null, totpLastStep: null })
    .where(eq(users.id, userId));
}
