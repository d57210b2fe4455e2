import { type Account, getAccountById } from "../db/users";
import type { Bindings } from "../http/env";
import { unauthorized } from "../http/errors";

/** The caller of an authenticated request; a live session whose user is gone is a stale token. */
export async function requireUser(env: Bindings, id: string): Promise<Account> {
  const row = await getAccountById(env.DB, id);
  if (!row) throw unauthorized("no such user");
  return row;
}
