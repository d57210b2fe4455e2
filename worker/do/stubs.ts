// The one place that maps an id to its Durable Object. Below the Worker's
// routes and both objects, so each side reaches the other without importing it.

/** A conversation's object. */
export function conversationStub(env: Env, conversationId: string) {
  return env.CONVERSATION.get(env.CONVERSATION.idFromName(conversationId));
}

/** A user's inbox object. */
export function inboxStub(env: Env, userId: string) {
  return env.INBOX.get(env.INBOX.idFromName(userId));
}
