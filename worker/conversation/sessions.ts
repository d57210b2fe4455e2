import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SessionScope } from "../auth/scope";
import { members } from "../db/schema";
import { conversationStub } from "./stub";

/**
 * Closes (4001) the user's conversation sockets of revoked sessions: logout
 * passes `{only: sid}`, a password change `{except: sid}`. Each object
 * closes only sockets it holds; objects without any are untouched work-wise.
 */
export async function closeUserSessions(env: Env, userId: string, scope: SessionScope): Promise<void> {
  const rows = await drizzle(env.DB)
    .select({ conversationId: members.conversationId })
    .from(members)
    .where(eq(members.userId, userId));
  // One unreachable object must not keep the others' sockets open.
  await Promise.allSettled(
    rows.map(async ({ conversationId }) => {
      await conversationStub(env, conversationId).closeSessions(userId, scope);
    }),
  );
}
