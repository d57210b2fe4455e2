/** The one place that maps a conversation id to its object. */
export function conversationStub(env: Env, conversationId: string) {
  return env.CONVERSATION.get(env.CONVERSATION.idFromName(conversationId));
}
