import { type Account, getAccountByUsername } from "../db/users";
import type { Bindings } from "../http/env";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password";
import { invalidCredentials } from "./refusals";

/**
 * The user whose password this is, or 401 invalid_credentials. An unknown
 * username still runs a full PBKDF2 against a dummy hash, so neither the
 * answer nor its timing tells whether the account exists.
 */
export async function requireCredentials(env: Bindings, username: string, password: string): Promise<Account> {
  const user = await getAccountByUsername(env.DB, username);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) throw invalidCredentials();
  return user;
}

export async function requirePassword(user: Account, password: string): Promise<void> {
  if (!(await verifyPassword(password, user.passwordHash))) throw invalidCredentials();
}
