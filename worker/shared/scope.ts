/** Which of a user's sessions ended: logout names `only` its own, a password change keeps `except` its own. */
export type SessionScope = { only: string } | { except: string };

/** Whether a socket of `sessionId` belongs to an ended session of this scope. */
export function inScope(sessionId: string, scope: SessionScope): boolean {
  return "only" in scope ? sessionId === scope.only : sessionId !== scope.except;
}
