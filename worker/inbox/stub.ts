/** The one place that maps a user id to their inbox object. */
export function inboxStub(env: Env, userId: string) {
  return env.INBOX.get(env.INBOX.idFromName(userId));
}
