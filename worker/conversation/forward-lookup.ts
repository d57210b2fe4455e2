// The destination's lookup for a forward (its pre-append facts, prefetch.ts):
// the source conversation's object answers for the forwarder; D1 adds what
// only it knows (the author's name, whether the file still exists).
import { conversationExists } from "../db/conversations";
import { getFileFacts } from "../db/files";
import { getUserById } from "../db/users";
import { conversationStub } from "../do/stubs";
import { CONVERSATION_ID } from "../ids";
import { ErrorCode, type ForwardSource } from "../protocol";
import { type ForwardableAnswer, type Forwarded, forwardableOf } from "./forward";
import type { ConversationLog } from "./log";
import { type Refusal, refuse } from "./results";

/**
 * What `userId` may forward from `source`. A forward within one
 * conversation reads its own log; any other source is asked by RPC, after
 * D1 says it exists, so a made-up id never creates an object. Socket and
 * REST forwards alike pass here, so one per-user budget covers both.
 */
export async function lookUpForward(
  env: Env,
  log: ConversationLog,
  userId: string,
  source: ForwardSource,
): Promise<Forwarded | Refusal> {
  if (!(await env.FORWARD_USER_LIMIT.limit({ key: userId })).success) {
    return refuse(ErrorCode.rateLimited, "over the forwards per minute");
  }
  const answer = await askSource(env, log, userId, source);
  if (!answer.ok) return answer;
  if (answer.file) {
    // Its uploader may have deleted it (DELETE /api/files/:id) while messages still point at it.
    const file = await getFileFacts(env.DB, answer.file.id);
    if (file?.status !== "ready") return refuse(ErrorCode.notFound, "the file was deleted");
  }
  const { name, ...origin } = answer.origin;
  const author = name ?? (await getUserById(env.DB, origin.senderId))?.displayName ?? "";
  return { ...answer, origin: { ...origin, name: author } };
}

async function askSource(
  env: Env,
  log: ConversationLog,
  userId: string,
  source: ForwardSource,
): Promise<ForwardableAnswer | Refusal> {
  if (source.conversationId === log.meta?.id) return forwardableOf(log, userId, source.seq);
  if (!CONVERSATION_ID.test(source.conversationId) || !(await conversationExists(env.DB, source.conversationId))) {
    return refuse(ErrorCode.notFound, "no such conversation");
  }
  return conversationStub(env, source.conversationId).forwardable(userId, source.seq);
}
