import { listConversationIds } from "../db/conversations";
import { conversationStub, inboxStub } from "../do/stubs";
import type { Bindings } from "../http/env";
import type { SessionScope } from "../shared/scope";

/**
 * Closes (4001) the user's conversation sockets of revoked sessions: logout
 * passes `{only: sid}`, a password change `{except: sid}`. Each object
 * closes only sockets it holds; objects without any are untouched work-wise.
 *
 * Which conversations: D1's member index and the user's inbox, together.
 * Both are copies the objects write after a membership change commits (the
 * index through its outbox, the inbox through the notifier), each retried
 * on its own; a member just added while D1 was failing is missing from the
 * index but not from the inbox, so their socket is still closed.
 */
export async function closeUserSessions(env: Bindings, userId: string, scope: SessionScope): Promise<void> {
  const [indexed, known] = await Promise.all([
    listConversationIds(env.DB, userId).catch(() => []),
    inboxStub(env, userId)
      .summaries(userId)
      .then((r) => r.conversations.map((c) => c.id))
      .catch(() => []),
  ]);
  const ids = [...new Set([...indexed, ...known])];
  // One unreachable object must not keep the others' sockets open.
  await Promise.allSettled(
    ids.map(async (conversationId) => {
      await conversationStub(env, conversationId).closeSessions(userId, scope);
    }),
  );
}

/**
 * The one place that tells live connections that sessions ended: their
 * sockets are closed with 4001. The D1 revocation that precedes this call is
 * what counts (every new request and handshake checks it), so a failure here
 * is logged rather than turned into an error for a logout that did happen.
 */
export async function disconnectSessions(env: Bindings, userId: string, scope: SessionScope): Promise<void> {
  try {
    await Promise.all([closeUserSessions(env, userId, scope), inboxStub(env, userId).closeSessions(scope)]);
  } catch (err) {
    console.error("closing sockets of ended sessions failed", err instanceof Error ? err.name : "non-error");
  }
}
