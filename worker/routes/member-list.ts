// Member lists as the routes answer them: the object's rows (the one authority
// on membership) joined with profiles from D1. Large groups are paged.
import * as v from "valibot";
import { decodeMemberCursor, encodeMemberCursor } from "../conversation/member-cursor";
import type { Refusal } from "../conversation/results";
import type { IndexedMember } from "../db/member-index";
import { getUsersByIds } from "../db/users";
import { conversationStub } from "../do/stubs";
import type { Bindings } from "../http/env";
import { invalidRequest, refusalError } from "../http/errors";
import { intParam } from "../http/validate";
import { type Conversation, Limits, type Member, type MembersPage } from "../protocol";

export const MembersQuery = v.object({
  cursor: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  limit: v.optional(intParam(1, Limits.memberPageMax), String(Limits.pageDefault)),
});

/** Unwraps an object's result union, turning a refusal into the contract's HTTP error. */
export function unwrap<R extends { ok: true } | Refusal>(result: R): Extract<R, { ok: true }> {
  if (result.ok) return result as Extract<R, { ok: true }>;
  throw refusalError(result);
}

/** Rows with their profiles; a user row D1 no longer has (a deleted account) is left out. */
async function withProfiles(env: Bindings, rows: IndexedMember[]): Promise<Member[]> {
  const users = await getUsersByIds(
    env.DB,
    rows.map((m) => m.userId),
  );
  return rows.flatMap((m) => {
    const user = users.get(m.userId);
    return user ? [{ user, role: m.role, joinedAt: m.joinedAt }] : [];
  });
}

/**
 * The conversation and its members as its object holds them (never D1's
 * index), with profiles from D1. Above `Limits.membersListedMax` members it
 * carries the first page and `nextCursor`; `memberCount` is always the total.
 */
export async function withMembers(env: Bindings, conversationId: string, me: string): Promise<Conversation> {
  const roster = unwrap(await conversationStub(env, conversationId).roster(me));
  return {
    ...roster.conversation,
    members: await withProfiles(env, roster.members),
    memberCount: roster.memberCount,
    ...(roster.next ? { nextCursor: encodeMemberCursor(conversationId, roster.next) } : {}),
  };
}

/** One page after `cursor` (absent: the first); a cursor this conversation did not issue is 400. */
export async function membersPage(
  env: Bindings,
  conversationId: string,
  me: string,
  query: v.InferOutput<typeof MembersQuery>,
): Promise<MembersPage> {
  let after = null;
  if (query.cursor !== undefined) {
    after = decodeMemberCursor(conversationId, query.cursor);
    if (!after)
      throw invalidRequest("invalid query: cursor is not one this list gave", [
        { field: "cursor", message: "not a cursor of this conversation's member list" },
      ]);
  }
  const page = unwrap(await conversationStub(env, conversationId).memberPage(me, after, query.limit));
  return {
    members: await withProfiles(env, page.members),
    nextCursor: page.next ? encodeMemberCursor(conversationId, page.next) : null,
  };
}
