// The one member check of the Worker: every route that touches a
// conversation's content (events, messages, sockets, files, member changes)
// asks the conversation's object, the one authority on membership, roles
// and DM blocks. D1's member rows are an index for listing and never answer
// this question: a lagging index cannot grant or deny anything.
import { conversationExists } from "../db/conversations";
import type { Bindings } from "../http/env";
import { forbidden, notFound, refusalError } from "../http/errors";
import { CONVERSATION_ID } from "../ids";
import { conversationStub } from "./stubs";

/**
 * A conversation id that names a created conversation, else 404. Checked
 * before any object is reached, so a made-up id never creates one.
 */
export async function requireConversation(env: Bindings, conversationId: string): Promise<string> {
  if (!CONVERSATION_ID.test(conversationId) || !(await conversationExists(env.DB, conversationId))) {
    throw notFound("no such conversation");
  }
  return conversationId;
}

/**
 * The caller's standing as the object holds it: 404 for an id that is
 * malformed or unknown, 403 for a conversation the caller is not in.
 */
export async function requireAccess(env: Bindings, conversationId: string, userId: string) {
  await requireConversation(env, conversationId);
  const access = await conversationStub(env, conversationId).access(userId);
  if (!access.ok) throw refusalError(access);
  return access;
}

/** Like `requireAccess`, for a change: a blocked DM is readable but refuses it (403). */
export async function requireVoice(env: Bindings, conversationId: string, userId: string) {
  const access = await requireAccess(env, conversationId, userId);
  if (access.blocked) throw forbidden("blocked");
  return access;
}
