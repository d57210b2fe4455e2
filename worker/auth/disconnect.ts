import { closeUserSessions } from "../conversation/sessions";
import type { Bindings } from "../http/env";
import { inboxStub } from "../inbox/stub";
import type { SessionScope } from "./scope";

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
