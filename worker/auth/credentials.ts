import type { Bindings } from "../http/env";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password";
import { invalidCredentials } from "./refusals";
import { getUserByUsername, type UserRow } from "./users";

/**
 * The user whose password this is, or 401 invalid_credentials. An unknown
 * username still runs a full PBKDF2 against a dummy hash, so neither the
 * answer nor its timing tells whether the account exists.
 */
export async function requireCredentials(env: Bindings, username: string, password: string): Promise<UserRow> {
  const user = await getUserByUsername(env, username);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) throw invalidCredentials();
  return user;
}

export async function requirePassword(user: UserRow, password: string): Promise<void> {
  if (!(await verifyPassword(password, user.passwordHash))) throw invalidCredentials();
}
